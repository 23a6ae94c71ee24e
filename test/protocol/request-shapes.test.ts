/**
 * The request builders next to the codecs (protocol/messages/*.ts) and the cluster layer's
 * topic-id helpers (src/cluster/topic-ids.ts): each built request encodes in every version its
 * codec speaks (no field the version lacks is set) and reads back with the fields that version
 * carries.
 */
import { type ApiCodec, ZERO_UUID } from '../../protocol/api.js';
import { CoordinatorKeyType, FindCoordinator, findCoordinatorRequest, findCoordinatorResult } from '../../protocol/messages/find-coordinator.js';
import { InitProducerId, initProducerIdRequest } from '../../protocol/messages/init-producer-id.js';
import { LeaveGroup, leaveGroupErrorCode, leaveGroupRequest } from '../../protocol/messages/leave-group.js';
import { OffsetFetch, offsetFetchRequest, offsetFetchResponseGroups } from '../../protocol/messages/offset-fetch.js';
import { Reader } from '../../protocol/reader.js';
import { Writer } from '../../protocol/writer.js';
import type { Cluster, TopicInfo } from '../../src/cluster/cluster.js';
import { answerTopicName, topicIdOf, topicIdsKnown, versionForTopicIds } from '../../src/cluster/topic-ids.js';

function roundTrip<Req>(codec: ApiCodec<Req, unknown>, request: Req, version: number): Req {
  const w = new Writer();
  codec.encodeRequest(w, request, version);
  return codec.decodeRequest(new Reader(w.finish()), version);
}

function versions(codec: ApiCodec<unknown, unknown>): number[] {
  return Array.from({ length: codec.maxVersion - codec.minVersion + 1 }, (_, i) => codec.minVersion + i);
}

const ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

test('OffsetFetch: one group in GroupId/Topics before v8, in Groups from v8; RequireStable from v7', () => {
  for (const v of versions(OffsetFetch)) {
    const back = roundTrip(OffsetFetch, offsetFetchRequest(v, 'g', [{ name: 't', topicId: ID, partitionIndexes: [0, 2] }], true), v);
    if (v >= 8) {
      expect(back.groups).toHaveLength(1);
      expect(back.groups[0]!.groupId).toBe('g');
      const t = back.groups[0]!.topics![0]!;
      expect(v >= 10 ? t.topicId : t.name).toBe(v >= 10 ? ID : 't');
      expect(t.partitionIndexes).toEqual([0, 2]);
    } else {
      expect(back.groupId).toBe('g');
      expect(back.topics).toEqual([expect.objectContaining({ name: 't', partitionIndexes: [0, 2] })]);
    }
    expect(back.requireStable).toBe(v >= 7);
  }
});

test('OffsetFetch answers: the single group of v1-7 looks like a group of v8+', () => {
  const partitions = [{ partitionIndex: 1, committedOffset: 5n, committedLeaderEpoch: -1, metadata: null, errorCode: 0 }];
  const old = { throttleTimeMs: 0, errorCode: 0, groups: [], topics: [{ name: 't', partitions }] };
  expect(offsetFetchResponseGroups(7, old)).toEqual([{ groupId: '', errorCode: 0, topics: [{ name: 't', topicId: ZERO_UUID, partitions }] }]);
  const groups = [{ groupId: 'g', errorCode: 0, topics: [{ name: '', topicId: ID, partitions }] }];
  expect(offsetFetchResponseGroups(10, { throttleTimeMs: 0, errorCode: 0, topics: [], groups })).toBe(groups);
});

test('FindCoordinator: the key alone before v4, in CoordinatorKeys from v4; the answer for it either way', () => {
  for (const v of versions(FindCoordinator)) {
    const back = roundTrip(FindCoordinator, findCoordinatorRequest(v, CoordinatorKeyType.GROUP, 'g'), v);
    expect(v >= 4 ? back.coordinatorKeys : [back.key]).toEqual(['g']);
  }
  const res = { throttleTimeMs: 0, errorCode: 15, errorMessage: null, nodeId: 2, host: 'h', port: 1, coordinators: [] };
  expect(findCoordinatorResult(3, res)).toEqual({ nodeId: 2, errorCode: 15 });
  expect(findCoordinatorResult(4, res)).toBeUndefined();
  const c = { key: 'g', nodeId: 3, host: 'h', port: 1, errorCode: 0, errorMessage: null };
  expect(findCoordinatorResult(4, { ...res, coordinators: [c] })).toBe(c);
});

test('LeaveGroup: MemberId before v3, one entry of Members from v3; the first error of the answer', () => {
  for (const v of versions(LeaveGroup)) {
    const back = roundTrip(LeaveGroup, leaveGroupRequest(v, 'g', { memberId: 'm', groupInstanceId: null, reason: v >= 5 ? 'closing' : null }), v);
    if (v >= 3) expect(back.members.map((m) => m.memberId)).toEqual(['m']);
    else expect(back.memberId).toBe('m');
  }
  const member = (errorCode: number): { memberId: string; groupInstanceId: null; errorCode: number } => ({ memberId: 'm', groupInstanceId: null, errorCode });
  expect(leaveGroupErrorCode({ throttleTimeMs: 0, errorCode: 0, members: [member(0), member(25)] })).toBe(25);
  expect(leaveGroupErrorCode({ throttleTimeMs: 0, errorCode: 16, members: [member(25)] })).toBe(16);
  expect(leaveGroupErrorCode({ throttleTimeMs: 0, errorCode: 0, members: [member(0)] })).toBe(0);
});

test('InitProducerId: the id and epoch to bump go out from v3 only (KIP-360)', () => {
  for (const v of versions(InitProducerId)) {
    const back = roundTrip(InitProducerId, initProducerIdRequest(v, 60_000, { producerId: 7n, producerEpoch: 3 }), v);
    expect([back.producerId, back.producerEpoch]).toEqual(v >= 3 ? [7n, 3] : [-1n, -1]);
    const fresh = roundTrip(InitProducerId, initProducerIdRequest(v, 60_000, null), v);
    expect([fresh.producerId, fresh.producerEpoch]).toEqual([-1n, -1]);
  }
});

test('topic ids: known only with a real id for every topic; the version stays below the id versions otherwise', () => {
  const topics = new Map<string, Pick<TopicInfo, 'topicId'>>([
    ['with-id', { topicId: ID }],
    ['zero', { topicId: ZERO_UUID }],
  ]);
  const cluster = {
    topic: (name: string) => topics.get(name),
    topicNameById: (id: string) => [...topics].find(([, t]) => t.topicId === id)?.[0],
  } as unknown as Cluster;
  expect(topicIdOf(cluster, 'with-id')).toBe(ID);
  expect(topicIdOf(cluster, 'zero')).toBe(ZERO_UUID);
  expect(topicIdOf(cluster, 'unknown')).toBe(ZERO_UUID);
  expect(topicIdsKnown(cluster, ['with-id'])).toBe(true);
  expect(topicIdsKnown(cluster, ['with-id', 'unknown'])).toBe(false);
  expect(topicIdsKnown(cluster, [])).toBe(true);
  const conn = { versionFor: () => 13 };
  expect(versionForTopicIds(conn, OffsetFetch, 10, true)).toBe(13);
  expect(versionForTopicIds(conn, OffsetFetch, 10, false)).toBe(9);
  expect(versionForTopicIds({ versionFor: () => 8 }, OffsetFetch, 10, false)).toBe(8);
  expect(answerTopicName(cluster, 't', ID)).toBe('t');
  expect(answerTopicName(cluster, '', ID)).toBe('with-id');
  expect(answerTopicName(cluster, '', 'AAAAAAAAAAAAAAAAAAAAAg')).toBe('');
});
