/**
 * DescribeGroups (key 15), versions 0-6, flexible 5+ (DescribeGroupsRequest.json,
 * DescribeGroupsResponse.json): the state, protocol and members of classic groups.
 *
 * v3+ can return the authorized operations, v4+ members' group.instance.id, v6 answers an
 * unknown group with GROUP_ID_NOT_FOUND and an error message (KIP-1043). ProtocolData and the
 * members' metadata/assignment are only filled in while the group is Stable; a Dead group has
 * no members.
 */
import { type ApiCodec, fieldNotInVersion, headerVersions } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from './metadata.js';

export interface DescribeGroupsRequest extends WithUnknownTags {
  groups: string[];
  /** IncludeAuthorizedOperations, versions 3+. */
  includeAuthorizedOperations: boolean;
}

export interface DescribedGroupMember extends WithUnknownTags {
  memberId: string;
  /** GroupInstanceId, versions 4+ (ignorable), nullable, default null. */
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** MemberMetadata: for a consumer group, a ConsumerProtocolSubscription (consumer-protocol.ts). */
  memberMetadata: Buffer;
  /** MemberAssignment: for a consumer group, a ConsumerProtocolAssignment (consumer-protocol.ts). */
  memberAssignment: Buffer;
}

export interface DescribedGroup extends WithUnknownTags {
  errorCode: number;
  /** ErrorMessage, versions 6+, nullable, default null. */
  errorMessage: string | null;
  groupId: string;
  /** GroupState, or the empty string. */
  groupState: string;
  /** ProtocolType (e.g. `consumer`), or the empty string. */
  protocolType: string;
  /** ProtocolData (e.g. the assignor's name), or the empty string. */
  protocolData: string;
  members: DescribedGroupMember[];
  /** AuthorizedOperations, versions 3+, default {@link AUTHORIZED_OPERATIONS_OMITTED}. */
  authorizedOperations: number;
}

export interface DescribeGroupsResponse extends WithUnknownTags {
  /** ThrottleTimeMs, versions 1+ (ignorable). */
  throttleTimeMs: number;
  groups: DescribedGroup[];
}

const FIRST_FLEXIBLE = 5;
const REQ = 'DescribeGroupsRequest';
const RES = 'DescribeGroupsResponse';

function encodeRequest(w: Writer, m: DescribeGroupsRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.arrayF(m.groups, flexible, (w, g) => w.stringF(g, flexible)); // Groups []string, versions 0+
  if (v >= 3) w.bool(m.includeAuthorizedOperations); //     IncludeAuthorizedOperations bool, versions 3+
  else if (m.includeAuthorizedOperations) fieldNotInVersion(REQ, 'IncludeAuthorizedOperations', v);
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): DescribeGroupsRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: DescribeGroupsRequest = {
    groups: r.arrayF(flexible, (r) => r.stringF(flexible)),
    includeAuthorizedOperations: v >= 3 ? r.bool() : false,
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: DescribeGroupsResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v >= 1) w.int32(m.throttleTimeMs); //                  ThrottleTimeMs int32, versions 1+ (ignorable)
  w.arrayF(m.groups, flexible, (w, g) => { //                Groups []DescribedGroup, versions 0+
    w.int16(g.errorCode); //                                 ErrorCode int16, versions 0+
    if (v >= 6) w.nullableStringF(g.errorMessage, flexible); // ErrorMessage string, versions 6+, nullable 6+
    else if (g.errorMessage !== null) fieldNotInVersion(RES, 'ErrorMessage', v);
    w.stringF(g.groupId, flexible); //                       GroupId string, versions 0+
    w.stringF(g.groupState, flexible); //                    GroupState string, versions 0+
    w.stringF(g.protocolType, flexible); //                  ProtocolType string, versions 0+
    w.stringF(g.protocolData, flexible); //                  ProtocolData string, versions 0+
    w.arrayF(g.members, flexible, (w, mb) => { //            Members []DescribedGroupMember, versions 0+
      w.stringF(mb.memberId, flexible); //                   MemberId string, versions 0+
      if (v >= 4) w.nullableStringF(mb.groupInstanceId, flexible); // GroupInstanceId string, versions 4+, nullable 4+ (ignorable)
      w.stringF(mb.clientId, flexible); //                   ClientId string, versions 0+
      w.stringF(mb.clientHost, flexible); //                 ClientHost string, versions 0+
      w.bytesF(mb.memberMetadata, flexible); //              MemberMetadata bytes, versions 0+
      w.bytesF(mb.memberAssignment, flexible); //            MemberAssignment bytes, versions 0+
      if (flexible) w.taggedFields(null, mb.unknownTaggedFields);
    });
    if (v >= 3) w.int32(g.authorizedOperations); //         AuthorizedOperations int32, versions 3+
    else if (g.authorizedOperations !== AUTHORIZED_OPERATIONS_OMITTED) fieldNotInVersion(RES, 'AuthorizedOperations', v);
    if (flexible) w.taggedFields(null, g.unknownTaggedFields);
  });
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): DescribeGroupsResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: DescribeGroupsResponse = {
    throttleTimeMs: v >= 1 ? r.int32() : 0,
    groups: r.arrayF(flexible, (r) => {
      const g: DescribedGroup = {
        errorCode: r.int16(),
        errorMessage: v >= 6 ? r.nullableStringF(flexible) : null,
        groupId: r.stringF(flexible),
        groupState: r.stringF(flexible),
        protocolType: r.stringF(flexible),
        protocolData: r.stringF(flexible),
        members: r.arrayF(flexible, (r) => {
          const mb: DescribedGroupMember = {
            memberId: r.stringF(flexible),
            groupInstanceId: v >= 4 ? r.nullableStringF(flexible) : null,
            clientId: r.stringF(flexible),
            clientHost: r.stringF(flexible),
            memberMetadata: r.bytesF(flexible),
            memberAssignment: r.bytesF(flexible),
          };
          return flexible ? r.tagsInto(mb) : mb;
        }),
        authorizedOperations: v >= 3 ? r.int32() : AUTHORIZED_OPERATIONS_OMITTED,
      };
      return flexible ? r.tagsInto(g) : g;
    }),
  };
  return flexible ? r.tagsInto(m) : m;
}

export const DescribeGroups: ApiCodec<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 6,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
