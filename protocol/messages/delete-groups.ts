/**
 * DeleteGroups (key 42), versions 0-2, flexible 2+ (DeleteGroupsRequest.json,
 * DeleteGroupsResponse.json). Deletes empty consumer groups and their committed offsets.
 *
 * Versions: 1 the response is sent before quota throttling (the request is as v0); 2 first
 * flexible. v0 is deprecated but still accepted by a 4.x broker.
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

const DeletableGroupResult = struct('DeletableGroupResult', {
  groupId: f.string(), //                                   GroupId string, versions 0+, mapKey
  /** 0 when the group was deleted. */
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
});

export const DeleteGroups = api({
  name: 'DeleteGroups',
  apiKey: 42,
  versions: '0-2',
  flexible: '2+',
  request: {
    groupsNames: f.array(t.string), //                      GroupsNames []string, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    results: f.array(DeletableGroupResult), //              Results []DeletableGroupResult, versions 0+
  },
});

export type DeletableGroupResult = MessageOf<typeof DeletableGroupResult.fields>;
export type DeleteGroupsRequest = MessageOf<typeof DeleteGroups.request.fields>;
export type DeleteGroupsResponse = MessageOf<typeof DeleteGroups.response.fields>;
