/**
 * Custom partition assignors in Config.assignors (Java's partition.assignment.strategy given a
 * class): the shape checked at construction, and against the real broker: the leader awaits an
 * async assign and the members get exactly what it decided, userData travels both ways
 * (subscription to the leader, assignment to each member), the assignor sees the leader's
 * metadata, and an assignor that throws or returns what the group cannot use fails the
 * rebalance with an AssignorError instead of hanging or crashing.
 */
import { Config, type ConfigOptions } from '../../src/client/config.js';
import { ConfigError } from '../../src/client/errors.js';
import { Consumer } from '../../src/client/consumer.js';
import { Cluster } from '../../src/cluster/cluster.js';
import type { AssignorPartitionInfo, MemberSubscription, PartitionAssignor, TopicPartition } from '../../src/consumer/assignors/index.js';
import { AssignorError } from '../../src/consumer/errors.js';
import { AssignorError as PublicAssignorError } from '../../src/index.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import { sleep, until } from '../helpers/wait.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();

const noop: PartitionAssignor = { name: 'noop', assign: () => new Map() };

describe('Config.assignors with custom PartitionAssignor objects', () => {
  test('are accepted next to the built-in names, kept as given, and shown by name only', () => {
    const c = new Config({ brokers: ['b:9092'], group: 'g', topics: ['t'], assignors: [noop, 'range'] });
    expect(c.assignors).toEqual([noop, 'range']);
    expect(c.assignors[0]).toBe(noop);
    expect(c.toJSON().assignors).toEqual(['[PartitionAssignor: noop]', 'range']);
    expect(String(c)).toContain('"assignors":["[PartitionAssignor: noop]","range"]');
  });

  test.each<[string, unknown, string, string]>([
    ['not an object', 42, 'assignors[0]', 'got 42'],
    ['null', null, 'assignors[0]', 'got null'],
    ['no name', { assign: () => new Map() }, 'assignors[0].name', 'got undefined'],
    ['an empty name', { name: '', assign: () => new Map() }, 'assignors[0].name', "got ''"],
    ['no assign', { name: 'x' }, 'assignors[0].assign', 'a function (partitionsPerTopic'],
    ['assign not a function', { name: 'x', assign: 'all to me' }, 'assignors[0].assign', "got 'all to me'"],
    ['subscriptionUserData not a function', { name: 'x', assign: () => new Map(), subscriptionUserData: Buffer.from('u') }, 'assignors[0].subscriptionUserData', 'a function, or nothing'],
    ['onAssignment not a function', { name: 'x', assign: () => new Map(), onAssignment: 1 }, 'assignors[0].onAssignment', 'a function, or nothing'],
    ['an unknown rebalance protocol', { name: 'x', assign: () => new Map(), rebalanceProtocols: ['EAGER', 'STICKY'] }, 'assignors[0].rebalanceProtocols', "'EAGER' and 'COOPERATIVE'"],
    ['no rebalance protocol', { name: 'x', assign: () => new Map(), rebalanceProtocols: [] }, 'assignors[0].rebalanceProtocols', "'EAGER' and 'COOPERATIVE'"],
  ])('a custom assignor with %s is a ConfigError naming the field', (_what, assignor, field, inMessage) => {
    let err: unknown;
    try {
      new Config({ brokers: ['b:9092'], group: 'g', topics: ['t'], assignors: [assignor as PartitionAssignor] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.field).toBe(field);
    expect(e.message).toContain(inMessage);
  });

  test('a custom assignor named like another one in the list is a ConfigError', () => {
    const clash = { name: 'range', assign: () => new Map() };
    expect(() => new Config({ brokers: ['b:9092'], group: 'g', topics: ['t'], assignors: ['range', clash] })).toThrow(/Config\.assignors: got 'range' twice/);
    expect(() => new Config({ brokers: ['b:9092'], group: 'g', topics: ['t'], assignors: [noop, { ...noop }] })).toThrow(ConfigError);
    // a custom assignor may take a built-in's name when that one is not offered too
    expect(new Config({ brokers: ['b:9092'], group: 'g', topics: ['t'], assignors: [clash] }).assignors).toEqual([clash]);
  });

  test('AssignorError is public', () => {
    expect(PublicAssignorError).toBe(AssignorError);
    const e = new AssignorError('mine', 'threw', new Error('boom'));
    expect(e.code).toBe('ERR_ASSIGNOR');
    expect(e.retriable).toBe(false);
    expect(e.message).toContain("partition assignor 'mine' threw: boom");
  });
});

describe('custom assignors against the broker', () => {
  let admin: Cluster;
  beforeAll(async () => {
    admin = await Cluster.connect({ brokers: [bootstrap] });
  });
  afterAll(async () => {
    await admin?.close();
  });

  function config(topic: string, group: string, assignor: PartitionAssignor, extra: ConfigOptions = {}): Config {
    return new Config({
      brokers: [bootstrap],
      group,
      topics: [topic],
      assignors: [assignor],
      heartbeatIntervalMs: 300,
      sessionTimeoutMs: 6000,
      ...extra,
    });
  }

  const sorted = (tps: readonly TopicPartition[]): string[] => tps.map((t) => `${t.topic}-${t.partition}`).sort();

  test('the leader awaits an async assign, the members get what it decided, and userData travels both ways', async () => {
    const topic = await createTopic(admin, uniqueTopic('custom-asg'), 4);
    const group = uniqueTopic('custom-asg-g');
    const leaderSaw: Array<{ members: MemberSubscription[]; metadata: ReadonlyMap<string, readonly AssignorPartitionInfo[]>; counts: Map<string, unknown> }> = [];
    const received = new Map<string, Array<{ partitions: string[]; userData: string | null }>>();
    // everything to the member with the smallest member id; each member's assignment carries
    // userData naming the member and the userData it sent
    const make = (tag: string): PartitionAssignor => ({
      name: 'smallest-id-takes-all',
      subscriptionUserData: () => Buffer.from(`sub:${tag}`),
      async assign(partitionsPerTopic, members, _generationId, metadata) {
        leaderSaw.push({ members: [...members], metadata, counts: new Map(partitionsPerTopic) });
        await sleep(200);
        const first = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))[0]!;
        const all: TopicPartition[] = [];
        for (const [t, n] of partitionsPerTopic) for (let p = 0; p < (n as number); p++) all.push({ topic: t, partition: p });
        return new Map(members.map((m) => [m.memberId, { partitions: m === first ? all : [], userData: Buffer.from(`for:${m.userData?.toString()}`) }]));
      },
      onAssignment(a) {
        (received.get(tag) ?? received.set(tag, []).get(tag)!).push({ partitions: sorted(a.partitions), userData: a.userData?.toString() ?? null });
      },
    });
    const a = await Consumer.create(config(topic, group, make('a')));
    const b = await Consumer.create(config(topic, group, make('b')));
    try {
      const all = [0, 1, 2, 3].map((p) => `${topic}-${p}`);
      const ids = { a: a.groupMetadata().memberId, b: b.groupMetadata().memberId };
      const smallest = ids.a < ids.b ? 'a' : 'b';
      const other = smallest === 'a' ? 'b' : 'a';
      const consumers = { a, b };
      await until(() => sorted(consumers[smallest].assignment()).length === 4 && consumers[other].assignment().length === 0, 20_000, 'the two-member assignment');
      expect(sorted(consumers[smallest].assignment())).toEqual(all);
      expect(consumers[other].assignment()).toEqual([]);
      // the last assignment the leader computed saw both members and their subscription userData
      const last = leaderSaw[leaderSaw.length - 1]!;
      expect(last.members.map((m) => m.userData?.toString()).sort()).toEqual(['sub:a', 'sub:b']);
      expect(last.members.map((m) => m.memberId).sort()).toEqual([ids.a, ids.b].sort());
      expect([...last.counts]).toEqual([[topic, 4]]);
      const parts = last.metadata.get(topic)!;
      expect(parts.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
      for (const p of parts) {
        expect(p.topic).toBe(topic);
        expect(p.leader).toBeGreaterThanOrEqual(0);
        expect(p.replicas).toContain(p.leader);
        expect(p.isr).toContain(p.leader);
        expect(p.errorCode).toBe(0);
      }
      // each member heard its own share and the userData the leader wrote for it
      await until(() => (received.get(other) ?? []).some((r) => r.userData === `for:sub:${other}`), 10_000, 'the second member heard its assignment');
      const lastOf = (tag: 'a' | 'b') => received.get(tag)![received.get(tag)!.length - 1]!;
      expect(lastOf(smallest)).toEqual({ partitions: all, userData: `for:sub:${smallest}` });
      expect(lastOf(other)).toEqual({ partitions: [], userData: `for:sub:${other}` });
    } finally {
      await b.close();
      await a.close();
    }
  });

  test('an assignor that throws fails the join with an AssignorError carrying its error', async () => {
    const topic = await createTopic(admin, uniqueTopic('custom-asg-throw'), 2);
    const boom = new Error('no plan for this group');
    const throwing: PartitionAssignor = {
      name: 'throws',
      async assign() {
        throw boom;
      },
    };
    const started = Date.now();
    const err = await Consumer.create(config(topic, uniqueTopic('custom-asg-throw-g'), throwing)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AssignorError);
    expect((err as AssignorError).assignorName).toBe('throws');
    expect((err as AssignorError).cause).toBe(boom);
    expect((err as AssignorError).message).toContain("partition assignor 'throws' threw: no plan for this group");
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('an assignor that never returns fails the join after rebalanceTimeoutMs with an AssignorError', async () => {
    const topic = await createTopic(admin, uniqueTopic('custom-asg-slow'), 1);
    const never: PartitionAssignor = { name: 'never-returns', assign: () => new Promise(() => undefined) };
    const started = Date.now();
    const err = await Consumer.create(config(topic, uniqueTopic('custom-asg-slow-g'), never, { rebalanceTimeoutMs: 1500 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AssignorError);
    expect((err as Error).message).toContain("partition assignor 'never-returns' did not return an assignment within rebalanceTimeoutMs (1500 ms)");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test.each<[string, (topic: string, members: readonly MemberSubscription[]) => unknown, RegExp]>([
    ['a member the group does not have', (t) => new Map([['nobody', [{ topic: t, partition: 0 }]]]), /assigned partitions to 'nobody', which is not a member of the group/],
    ['a topic nobody subscribes to', (_t, ms) => new Map([[ms[0]!.memberId, [{ topic: 'elsewhere', partition: 0 }]]]), /assigned "elsewhere" to member '.*', a topic no member subscribes to/],
    ['a partition out of range', (t, ms) => new Map([[ms[0]!.memberId, [{ topic: t, partition: 2 }]]]), /assigned partition 2 of '.*' .*partitions 0 to 1/],
    ['no Map', () => [['x', []]], /returned object, not a Map/],
    ['userData that is not a Buffer', (t, ms) => new Map([[ms[0]!.memberId, { partitions: [{ topic: t, partition: 0 }], userData: 'text' }]]), /userData that is not a Buffer/],
  ])('an assignment with %s fails the join with an AssignorError', async (_what, plan, message) => {
    const topic = await createTopic(admin, uniqueTopic('custom-asg-bad'), 2);
    const bad = { name: 'bad-plan', assign: (_c: unknown, members: readonly MemberSubscription[]) => plan(topic, members) } as unknown as PartitionAssignor;
    const err = await Consumer.create(config(topic, uniqueTopic('custom-asg-bad-g'), bad)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AssignorError);
    expect((err as Error).message).toMatch(message);
  });

  test('a COOPERATIVE assignor that moves a partition straight to another member fails the rebalance; the group recovers without it', async () => {
    const topic = await createTopic(admin, uniqueTopic('custom-asg-coop'), 2);
    const group = uniqueTopic('custom-asg-coop-g');
    // everything to the member that joined last (the largest userData stamp): a direct move
    let stamp = 0;
    const newestTakesAll = (): PartitionAssignor => {
      const mine = Buffer.alloc(4);
      mine.writeInt32BE(++stamp);
      return {
        name: 'newest-takes-all',
        rebalanceProtocols: ['COOPERATIVE'],
        subscriptionUserData: () => mine,
        assign(counts, members) {
          const newest = [...members].sort((x, y) => y.userData!.readInt32BE(0) - x.userData!.readInt32BE(0))[0]!;
          const all: TopicPartition[] = [];
          for (const [t, n] of counts) for (let p = 0; p < (n as number); p++) all.push({ topic: t, partition: p });
          return new Map([[newest.memberId, all]]);
        },
      };
    };
    const a = await Consumer.create(config(topic, group, newestTakesAll()));
    const errors: Error[] = [];
    a.on('error', (e) => errors.push(e));
    expect(a.assignment()).toHaveLength(2);
    const bStarting = Consumer.create(config(topic, group, newestTakesAll()));
    try {
      await until(() => errors.some((e) => e instanceof AssignorError), 30_000, 'the leader reporting the cooperative violation');
      const e = errors.find((x) => x instanceof AssignorError)!;
      expect(e.message).toMatch(/moved .* from member '.*' straight to '.*' in one COOPERATIVE rebalance/);
      // the offending leader leaves: the new member leads alone and takes everything from nobody
      await a.close();
      const b = await bStarting;
      try {
        await until(() => b.assignment().length === 2, 20_000, 'the remaining member owning both partitions');
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
      await bStarting.then((b) => b.close()).catch(() => undefined);
    }
  });
});
