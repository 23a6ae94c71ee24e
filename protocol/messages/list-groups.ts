/**
 * ListGroups (key 16), versions 0-5, flexible 3+ (ListGroupsRequest.json, ListGroupsResponse.json).
 * Lists the groups a broker coordinates; the admin client asks every broker and merges.
 *
 * Versions: 1 adds the response's ThrottleTimeMs; 2 the response is sent before quota
 * throttling; 3 first flexible; 4 StatesFilter and GroupState (KIP-518); 5 TypesFilter and
 * GroupType (KIP-848).
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

const ListedGroup = struct('ListedGroup', {
  groupId: f.string(), //                                   GroupId string, versions 0+
  protocolType: f.string(), //                              ProtocolType string, versions 0+
  groupState: f.string().v('4+').ignorable(), //            GroupState string, versions 4+, ignorable
  groupType: f.string().v('5+').ignorable(), //             GroupType string, versions 5+, ignorable
});

export const ListGroups = api({
  name: 'ListGroups',
  apiKey: 16,
  versions: '0-5',
  flexible: '3+',
  request: {
    /** The states of the groups to list; empty lists every group (with its state). */
    statesFilter: f.array(t.string).v('4+'), //             StatesFilter []string, versions 4+
    /** The types of the groups to list; empty lists every group (with its type). */
    typesFilter: f.array(t.string).v('5+'), //              TypesFilter []string, versions 5+
  },
  response: {
    throttleTimeMs: f.int32().v('1+').ignorable(), //       ThrottleTimeMs int32, versions 1+, ignorable
    errorCode: f.int16(), //                                ErrorCode int16, versions 0+
    groups: f.array(ListedGroup), //                        Groups []ListedGroup, versions 0+
  },
});

export type ListedGroup = MessageOf<typeof ListedGroup.fields>;
export type ListGroupsRequest = MessageOf<typeof ListGroups.request.fields>;
export type ListGroupsResponse = MessageOf<typeof ListGroups.response.fields>;
