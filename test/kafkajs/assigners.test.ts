// Custom partition assigners (KafkaJS's `partitionAssigners: [({ cluster, groupId, logger }) =>
// assigner]`) in kafkaesque/kafkajs consumers, against the real broker: the assignment the
// assigner decides is the one the members get, userData travels in the subscription and in the
// assignment, an assigner that throws is a typed error (run() rejects, or CRASH), and in a group
// mixing KafkaJS 2.2.4 consumers and kafkaesque/kafkajs consumers with the same assigner both
// get what it decides, whichever of them leads.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AssignerProtocol, Kafka, KafkaJSNonRetriableError, logLevel, type PartitionAssigner } from '../../src/kafkajs/index';
import { brokerAddress, uniqueTopic } from '../helpers/broker';
import { until } from '../helpers/wait';

const requireRoot = createRequire(join(__dirname, '../../package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajs = requireRoot('kafkajs') as { Kafka: typeof Kafka; logLevel: typeof logLevel; AssignerProtocol: typeof AssignerProtocol };

const { bootstrap } = brokerAddress();
const ours = new Kafka({ clientId: 'kjs-assigners-ours', brokers: [bootstrap], logLevel: logLevel.NOTHING });
const theirs = new kafkajs.Kafka({ clientId: 'kjs-assigners-kafkajs', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
const admin = ours.admin();
/** KafkaJS's own admin: describeGroups gives the raw JoinGroup metadata and SyncGroup assignment bytes the broker holds. */
const theirAdmin = theirs.admin();
const timeouts = { sessionTimeout: 10_000, rebalanceTimeout: 20_000, heartbeatInterval: 500 };

beforeAll(async () => {
  await admin.connect();
  await theirAdmin.connect();
});
afterAll(async () => {
  await theirAdmin.disconnect();
  await admin.disconnect();
});

type Protocol = typeof AssignerProtocol;
interface Seen {
  members: { memberId: string; version: number; topics: string[]; userData: string }[];
  topics: string[];
  partitions: { partitionId: number; leader: number; replicas: number[]; isr: number[] }[];
}
type Join = { memberId: string; memberAssignment: Record<string, number[]>; groupProtocol: string; isLeader: boolean };

/**
 * An assigner as an application writes it (KafkaJS's documented shape): each member says in its
 * subscription userData how many partitions it wants ("want:N"); members are served in
 * member-id order, each getting the next N partitions of every topic (the last member the rest);
 * each assignment's userData says what was granted. `protocol` is the AssignerProtocol of the
 * client it runs in, so the same code runs in KafkaJS and in kafkaesque/kafkajs.
 */
function wantAssigner(protocol: Protocol, want: number, record: { factoryCalls: unknown[]; seen: Seen[] }): PartitionAssigner {
  return (({ cluster, groupId, logger }: { cluster: { findTopicPartitionMetadata(t: string): Seen['partitions'] }; groupId: string; logger: unknown }) => {
    record.factoryCalls.push({ groupId, hasLogger: typeof logger === 'object' && logger !== null });
    return {
      name: 'WantAssigner',
      version: 1,
      async assign({ members, topics }: { members: { memberId: string; memberMetadata: Buffer }[]; topics: string[] }) {
        const decoded = members.map((m) => ({ memberId: m.memberId, ...protocol.MemberMetadata.decode(m.memberMetadata)! }));
        const partitions = topics.map((t) => cluster.findTopicPartitionMetadata(t));
        record.seen.push({
          members: decoded.map((d) => ({ memberId: d.memberId, version: d.version, topics: d.topics, userData: d.userData.toString() })),
          topics,
          partitions: partitions[0]!.map((p) => ({ partitionId: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr })),
        });
        await new Promise((r) => setTimeout(r, 50)); // an assigner may take its time
        const order = decoded.sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
        const plan = new Map<string, Record<string, number[]>>(order.map((d) => [d.memberId, {}]));
        topics.forEach((t, ti) => {
          const ids = partitions[ti]!.map((p) => p.partitionId).sort((a, b) => a - b);
          let next = 0;
          order.forEach((d, i) => {
            const n = i === order.length - 1 ? ids.length - next : Number(d.userData.toString().slice('want:'.length));
            plan.get(d.memberId)![t] = ids.slice(next, next + n);
            next += n;
          });
        });
        return [...plan].map(([memberId, assignment]) => ({
          memberId,
          memberAssignment: protocol.MemberAssignment.encode({
            version: this.version,
            assignment,
            userData: Buffer.from(`granted:${Object.values(assignment).flat().length}`),
          }),
        }));
      },
      protocol({ topics }: { topics: string[] }) {
        return { name: this.name, metadata: protocol.MemberMetadata.encode({ version: this.version, topics, userData: Buffer.from(`want:${want}`) }) };
      },
    };
  }) as unknown as PartitionAssigner;
}

/** The group as the broker holds it, decoded with KafkaJS's own AssignerProtocol. */
async function wire(groupId: string): Promise<{ protocol: string; members: { memberId: string; subscriptionUserData: string; assignment: Record<string, number[]>; assignmentUserData: string }[] }> {
  const { groups } = await theirAdmin.describeGroups([groupId]);
  const g = groups[0]!;
  return {
    protocol: g.protocol,
    members: g.members.map((m) => {
      const meta = kafkajs.AssignerProtocol.MemberMetadata.decode(m.memberMetadata)!;
      const asg = kafkajs.AssignerProtocol.MemberAssignment.decode(m.memberAssignment)!;
      return { memberId: m.memberId, subscriptionUserData: meta.userData.toString(), assignment: asg.assignment, assignmentUserData: asg.userData.toString() };
    }),
  };
}

const lastJoin = (joins: Join[]): Join => joins[joins.length - 1]!;
const count = (a: Record<string, number[]> | undefined): number => Object.values(a ?? {}).flat().length;

test('two kafkaesque/kafkajs consumers get the assignment their custom assigner decides; userData travels both ways', async () => {
  const topic = uniqueTopic('kjs-asg');
  await admin.createTopics({ topics: [{ topic, numPartitions: 5 }] });
  const groupId = uniqueTopic('kjs-asg-g');
  const rec = { a: { factoryCalls: [] as unknown[], seen: [] as Seen[] }, b: { factoryCalls: [] as unknown[], seen: [] as Seen[] } };
  const a = ours.consumer({ groupId, ...timeouts, partitionAssigners: [wantAssigner(AssignerProtocol, 1, rec.a)] });
  const b = ours.consumer({ groupId, ...timeouts, partitionAssigners: [wantAssigner(AssignerProtocol, 3, rec.b)] });
  const joins = { a: [] as Join[], b: [] as Join[] };
  a.on(a.events.GROUP_JOIN, (e) => joins.a.push(e.payload as Join));
  b.on(b.events.GROUP_JOIN, (e) => joins.b.push(e.payload as Join));
  try {
    await a.subscribe({ topic });
    await b.subscribe({ topic });
    await a.run({ eachMessage: async () => {} });
    await b.run({ eachMessage: async () => {} });
    const idA = lastJoin(joins.a).memberId;
    const idB = lastJoin(joins.b).memberId;
    // served in member-id order: the first gets what it wants, the last the rest
    const expected = idA < idB ? { a: [0], b: [1, 2, 3, 4] } : { b: [0, 1, 2], a: [3, 4] };
    await until(() => count(lastJoin(joins.a).memberAssignment) === expected.a.length && count(lastJoin(joins.b).memberAssignment) === expected.b.length, 30_000, 'the two-member assignment');
    expect(lastJoin(joins.a).memberAssignment).toEqual({ [topic]: expected.a });
    expect(lastJoin(joins.b).memberAssignment).toEqual({ [topic]: expected.b });
    // each factory was called once, with the group and a logger
    expect(rec.a.factoryCalls).toEqual([{ groupId, hasLogger: true }]);
    expect(rec.b.factoryCalls).toEqual([{ groupId, hasLogger: true }]);
    // the leader's assigner saw both members' subscriptions in its own version, and the topic's partitions
    const leaderSeen = [...rec.a.seen, ...rec.b.seen].find((s) => s.members.length === 2)!;
    expect(leaderSeen.topics).toEqual([topic]);
    expect(leaderSeen.members.map((m) => [m.memberId, m.version, m.topics, m.userData]).sort()).toEqual(
      [
        [idA, 1, [topic], 'want:1'],
        [idB, 1, [topic], 'want:3'],
      ].sort(),
    );
    expect(leaderSeen.partitions.map((p) => p.partitionId)).toEqual([0, 1, 2, 3, 4]);
    for (const p of leaderSeen.partitions) {
      expect(p.leader).toBeGreaterThanOrEqual(0);
      expect(p.replicas).toContain(p.leader);
      expect(p.isr).toContain(p.leader);
    }
    // on the wire (read by KafkaJS's admin and decoder): the protocol, the subscriptions' and the assignments' userData
    const g = await wire(groupId);
    expect(g.protocol).toBe('WantAssigner');
    const byId = new Map(g.members.map((m) => [m.memberId, m]));
    expect(byId.get(idA)).toEqual({ memberId: idA, subscriptionUserData: 'want:1', assignment: { [topic]: expected.a }, assignmentUserData: `granted:${expected.a.length}` });
    expect(byId.get(idB)).toEqual({ memberId: idB, subscriptionUserData: 'want:3', assignment: { [topic]: expected.b }, assignmentUserData: `granted:${expected.b.length}` });
  } finally {
    await b.disconnect();
    await a.disconnect();
  }
}, 90_000);

test('an assigner that throws: run() rejects with a KafkaJS error; in a later rebalance, CRASH carries it', async () => {
  const topic = uniqueTopic('kjs-asg-throw');
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  // alone it assigns; with two members it throws
  const fussy = ((): PartitionAssigner =>
    (() => ({
      name: 'Fussy',
      version: 0,
      async assign({ members, topics }: { members: { memberId: string }[]; topics: string[] }) {
        if (members.length > 1) throw new Error('Fussy assigns one member only');
        return [{ memberId: members[0]!.memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { [topics[0]!]: [0, 1] } }) }];
      },
      protocol({ topics }: { topics: string[] }) {
        return { name: 'Fussy', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics }) };
      },
    })) as unknown as PartitionAssigner)();

  // at once: the first join fails, run() rejects, nothing hangs
  const alwaysThrows = (() => ({
    name: 'Broken',
    version: 0,
    async assign() {
      throw new TypeError('cannot read the plan');
    },
    protocol({ topics }: { topics: string[] }) {
      return { name: 'Broken', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics }) };
    },
  })) as unknown as PartitionAssigner;
  const broken = ours.consumer({ groupId: uniqueTopic('kjs-asg-broken-g'), ...timeouts, partitionAssigners: [alwaysThrows] });
  await broken.subscribe({ topic });
  const started = Date.now();
  const err = await broken.run({ eachMessage: async () => {} }).then(
    () => undefined,
    (e: unknown) => e,
  );
  await broken.disconnect();
  expect(err).toBeInstanceOf(KafkaJSNonRetriableError);
  expect((err as Error).message).toContain("partition assignor 'Broken' threw: cannot read the plan");
  expect(Date.now() - started).toBeLessThan(20_000);

  // later: the leader's assigner fails in the rebalance a second member starts
  const groupId = uniqueTopic('kjs-asg-throw-g');
  const a = ours.consumer({ groupId, ...timeouts, partitionAssigners: [fussy] });
  const b = ours.consumer({ groupId, ...timeouts, partitionAssigners: [fussy] });
  const crashes: { error: Error; groupId: string; restart: boolean }[] = [];
  a.on(a.events.CRASH, (e) => crashes.push(e.payload as { error: Error; groupId: string; restart: boolean }));
  let bRunning: Promise<void> | undefined;
  try {
    await a.subscribe({ topic });
    await a.run({ eachMessage: async () => {} });
    await b.subscribe({ topic });
    bRunning = b.run({ eachMessage: async () => {} });
    bRunning.catch(() => undefined);
    await until(() => crashes.length > 0, 30_000, 'CRASH on the leader');
    expect(crashes[0]!.groupId).toBe(groupId);
    expect(crashes[0]!.error).toBeInstanceOf(KafkaJSNonRetriableError);
    expect(crashes[0]!.error.message).toContain("partition assignor 'Fussy' threw: Fussy assigns one member only");
    expect(crashes[0]!.restart).toBe(false);
    // the leader tries again (with its next heartbeat), and fails again
    await until(() => crashes.length >= 2, 30_000, 'a second attempt');
    // the failing leader leaves; the other member leads alone and gets both partitions
    await a.disconnect();
    await bRunning;
    const d = await theirAdmin.describeGroups([groupId]);
    expect(d.groups[0]!.members).toHaveLength(1);
    expect(kafkajs.AssignerProtocol.MemberAssignment.decode(d.groups[0]!.members[0]!.memberAssignment)!.assignment).toEqual({ [topic]: [0, 1] });
  } finally {
    await a.disconnect();
    await b.disconnect();
  }
}, 90_000);

test('an assigner factory that returns no assigner is refused by run() with a KafkaJS error naming it', async () => {
  const topic = uniqueTopic('kjs-asg-shape');
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  const cases: [unknown, string][] = [
    [() => ({ name: 'NoProtocol', version: 0, assign: async () => [] }), "partitionAssigners[0] returned an assigner 'NoProtocol' without protocol()"],
    [() => null, 'partitionAssigners[0] returned null'],
    [() => { throw new Error('needs options'); }, 'partitionAssigners[0] threw when called with { cluster, groupId, logger }: needs options'],
    ['RoundRobinAssigner', 'partitionAssigners[0] is not a function'],
  ];
  for (const [assigner, message] of cases) {
    const c = ours.consumer({ groupId: uniqueTopic('kjs-asg-shape-g'), partitionAssigners: [assigner as PartitionAssigner] });
    await c.subscribe({ topic });
    const err = await c.run({ eachMessage: async () => {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await c.disconnect();
    expect(err).toBeInstanceOf(KafkaJSNonRetriableError);
    expect((err as Error).message).toContain(message);
  }
}, 60_000);

test.each([['kafkajs'], ['ours']] as const)(
  'a mixed group (KafkaJS 2.2.4 and kafkaesque/kafkajs) with the same custom assigner, %s leading: both get what it decides',
  async (leader) => {
    const topic = uniqueTopic('kjs-asg-mixed');
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const groupId = uniqueTopic('kjs-asg-mixed-g');
    const rec = { ours: { factoryCalls: [] as unknown[], seen: [] as Seen[] }, kafkajs: { factoryCalls: [] as unknown[], seen: [] as Seen[] } };
    const mine = ours.consumer({ groupId, ...timeouts, partitionAssigners: [wantAssigner(AssignerProtocol, 3, rec.ours)] });
    const their = theirs.consumer({ groupId, ...timeouts, partitionAssigners: [wantAssigner(kafkajs.AssignerProtocol, 1, rec.kafkajs)] });
    const joins = { ours: [] as Join[], kafkajs: [] as Join[] };
    mine.on(mine.events.GROUP_JOIN, (e) => joins.ours.push(e.payload as Join));
    their.on(their.events.GROUP_JOIN, (e) => joins.kafkajs.push(e.payload as Join));
    const start = async (who: 'ours' | 'kafkajs'): Promise<void> => {
      const c = who === 'ours' ? mine : their;
      await c.connect();
      await c.subscribe({ topic });
      await c.run({ eachMessage: async () => {} });
      await until(() => joins[who].length > 0, 60_000, `${who} joined`);
    };
    try {
      // the first member to join leads the group
      await start(leader);
      await start(leader === 'ours' ? 'kafkajs' : 'ours');
      const done = (): boolean =>
        joins.ours.length > 0 && joins.kafkajs.length > 0 && count(lastJoin(joins.ours).memberAssignment) + count(lastJoin(joins.kafkajs).memberAssignment) === 4 && rec[leader].seen.some((s) => s.members.length === 2);
      await until(done, 60_000, 'the two-member assignment');
      const idOurs = lastJoin(joins.ours).memberId;
      const idTheirs = lastJoin(joins.kafkajs).memberId;
      // served in member-id order: ours wants 3, KafkaJS's member wants 1
      const expected = idOurs < idTheirs ? { ours: [0, 1, 2], kafkajs: [3] } : { kafkajs: [0], ours: [1, 2, 3] };
      await until(() => count(lastJoin(joins.ours).memberAssignment) === expected.ours.length, 30_000, 'the final assignment');
      expect(lastJoin(joins.ours).memberAssignment).toEqual({ [topic]: expected.ours });
      expect(lastJoin(joins.kafkajs).memberAssignment).toEqual({ [topic]: expected.kafkajs });
      // GROUP_JOIN names the assigner the group chose, and who leads, in both clients
      expect(lastJoin(joins.ours).groupProtocol).toBe('WantAssigner');
      expect(lastJoin(joins.kafkajs).groupProtocol).toBe('WantAssigner');
      expect(lastJoin(joins.ours).isLeader).toBe(leader === 'ours');
      expect(lastJoin(joins.kafkajs).isLeader).toBe(leader === 'kafkajs');
      // the assigner ran where it should: in the leader's client only, seeing both members' userData
      const follower = leader === 'ours' ? 'kafkajs' : 'ours';
      expect(rec[follower].seen).toEqual([]);
      const seen = rec[leader].seen.find((s) => s.members.length === 2)!;
      expect(seen.members.map((m) => [m.memberId, m.topics, m.userData]).sort()).toEqual(
        [
          [idOurs, [topic], 'want:3'],
          [idTheirs, [topic], 'want:1'],
        ].sort(),
      );
      // (KafkaJS lists them in the broker's order, kafkaesque in partition order)
      expect(seen.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
      // on the wire: both assignments with the userData the assigner wrote
      const g = await wire(groupId);
      expect(g.protocol).toBe('WantAssigner');
      const byId = new Map(g.members.map((m) => [m.memberId, m]));
      expect(byId.get(idOurs)).toMatchObject({ subscriptionUserData: 'want:3', assignment: { [topic]: expected.ours }, assignmentUserData: `granted:${expected.ours.length}` });
      expect(byId.get(idTheirs)).toMatchObject({ subscriptionUserData: 'want:1', assignment: { [topic]: expected.kafkajs }, assignmentUserData: `granted:${expected.kafkajs.length}` });
    } finally {
      await their.disconnect();
      await mine.disconnect();
    }
  },
  120_000,
);

test('a KafkaJS leader assigning a topic this member did not subscribe to: RECEIVED_UNSUBSCRIBED_TOPICS, and that topic is not consumed', async () => {
  const topic = uniqueTopic('kjs-asg-sub');
  const extra = uniqueTopic('kjs-asg-extra');
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }, { topic: extra, numPartitions: 1 }] });
  const groupId = uniqueTopic('kjs-asg-sub-g');
  // everything of the subscribed topics round the members, plus the extra topic to every member but the leader's own client
  const sloppy = (({ cluster }: { cluster: { findTopicPartitionMetadata(t: string): { partitionId: number }[] } }) => ({
    name: 'SloppyAssigner',
    version: 0,
    async assign({ members, topics }: { members: { memberId: string }[]; topics: string[] }) {
      const ids = members.map((m) => m.memberId).sort();
      return ids.map((memberId, i) => {
        const assignment: Record<string, number[]> = {};
        for (const t of topics) assignment[t] = cluster.findTopicPartitionMetadata(t).map((p) => p.partitionId).filter((p) => p % ids.length === i);
        if (memberId !== leaderId) assignment[extra] = [0];
        return { memberId, memberAssignment: kafkajs.AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }) };
      });
    },
    protocol({ topics }: { topics: string[] }) {
      return { name: 'SloppyAssigner', metadata: kafkajs.AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
    },
  })) as unknown as PartitionAssigner;
  let leaderId = '';
  const their = theirs.consumer({ groupId, ...timeouts, partitionAssigners: [sloppy] });
  const mine = ours.consumer({ groupId, ...timeouts, partitionAssigners: [sloppy] });
  their.on(their.events.GROUP_JOIN, (e) => void (leaderId = (e.payload as { memberId: string }).memberId));
  const unsubscribed: Record<string, unknown>[] = [];
  const joins: Join[] = [];
  mine.on(mine.events.RECEIVED_UNSUBSCRIBED_TOPICS, (e) => unsubscribed.push(e.payload as Record<string, unknown>));
  mine.on(mine.events.GROUP_JOIN, (e) => joins.push(e.payload as Join));
  const got: string[] = [];
  try {
    await their.connect();
    await their.subscribe({ topic, fromBeginning: true });
    await their.run({ eachMessage: async () => {} });
    await until(() => leaderId !== '', 60_000, 'KafkaJS joined');
    await mine.connect();
    await mine.subscribe({ topic, fromBeginning: true });
    await mine.run({ eachMessage: async ({ topic: t }) => void got.push(t) });
    await until(() => unsubscribed.length > 0, 60_000, 'RECEIVED_UNSUBSCRIBED_TOPICS');
    const join = lastJoin(joins);
    expect(join.isLeader).toBe(false);
    expect(join.memberAssignment[extra]).toEqual([0]);
    expect(unsubscribed[0]).toEqual({
      groupId,
      generationId: expect.any(Number),
      memberId: join.memberId,
      assignedTopics: expect.arrayContaining([topic, extra]),
      topicsSubscribed: [topic],
      topicsNotSubscribed: [extra],
    });
    // the extra topic is not consumed; the subscribed one is
    const producer = ours.producer();
    await producer.connect();
    await producer.send({ topic: extra, messages: [{ value: 'not for this member' }] });
    await producer.send({ topic, messages: [0, 1].map((partition) => ({ value: 'for the group', partition })) });
    await producer.disconnect();
    await until(() => got.length >= 1, 20_000, 'a message of the subscribed topic');
    await new Promise((r) => setTimeout(r, 500));
    expect(got).not.toContain(extra);
    expect(got.every((t) => t === topic)).toBe(true);
  } finally {
    await mine.disconnect();
    await their.disconnect();
  }
}, 120_000);
