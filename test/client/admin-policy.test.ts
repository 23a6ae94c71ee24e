/**
 * Admin against the real broker: POLICY_VIOLATION (44), the answer of a broker whose topic or
 * config policy refuses a request (KIP-108 CreateTopicPolicy, KIP-133 AlterConfigPolicy). The
 * test broker runs scripts/broker/policy/KafkaesqueTestPolicy.java: it refuses topics named
 * policy-refused-* and setting retention.ms on topics named policy-*.
 */
import { Admin } from '../../src/client/admin.js';
import { KafkaProtocolError } from '../../protocol/errors.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();
let admin: Admin;

beforeAll(async () => {
  admin = await Admin.create({ brokers: [bootstrap] });
  // a broker started before the harness configured the policy answers these calls with success:
  // say so once, instead of three puzzling failures
  const nodeId = (await admin.describeCluster()).brokers[0]!.nodeId;
  const [broker] = await admin.describeConfigs([{ type: 'broker', name: String(nodeId) }], {
    keys: ['create.topic.policy.class.name', 'alter.config.policy.class.name'],
  });
  const set = Object.fromEntries(broker!.entries.map((e) => [e.name, e.value]));
  if (set['create.topic.policy.class.name'] !== 'KafkaesqueTestPolicy' || set['alter.config.policy.class.name'] !== 'KafkaesqueTestPolicy') {
    throw new Error(
      `the broker on ${bootstrap} runs without the test policy (create.topic.policy.class.name=${String(set['create.topic.policy.class.name'])}, ` +
        `alter.config.policy.class.name=${String(set['alter.config.policy.class.name'])}); it was started before the harness set them: ` +
        'restart it (npm run broker -- restart)',
    );
  }
});
afterAll(async () => {
  await admin?.close();
});

function expectPolicyViolation(error: KafkaProtocolError | null, brokerMessage: RegExp): void {
  expect(error).toBeInstanceOf(KafkaProtocolError);
  expect(error!.errorName).toBe('POLICY_VIOLATION');
  expect(error!.errorCode).toBe(44);
  expect(error!.retriable).toBe(false);
  expect(error!.brokerMessage).toMatch(brokerMessage);
  expect(error!.message).toContain(error!.brokerMessage!);
}

test("createTopics: the topic the create topic policy refuses gets POLICY_VIOLATION with the broker's reason; the other one in the call is created", async () => {
  const refused = uniqueTopic('policy-refused-x');
  const good = uniqueTopic('admin-policy-ok');
  const results = await admin.createTopics([
    { name: refused, numPartitions: 1 },
    { name: good, numPartitions: 2 },
  ]);
  expect(results.map((r) => r.name)).toEqual([refused, good]);
  expectPolicyViolation(results[0]!.error, new RegExp(`create topic policy refuses topic '${refused}'`));
  expect(results[1]!.error).toBeNull();
  expect(results[1]!.numPartitions).toBe(2);

  const listed = (await admin.listTopics()).map((t) => t.name);
  expect(listed).toContain(good);
  expect(listed).not.toContain(refused);
});

test('createTopics with validateOnly: the policy is asked too, and nothing is created', async () => {
  const refused = uniqueTopic('policy-refused-v');
  const good = uniqueTopic('admin-policy-v');
  const results = await admin.createTopics(
    [
      { name: refused, numPartitions: 1 },
      { name: good, numPartitions: 1 },
    ],
    { validateOnly: true },
  );
  expectPolicyViolation(results[0]!.error, new RegExp(`create topic policy refuses topic '${refused}'`));
  expect(results[1]!.error).toBeNull();
  const listed = (await admin.listTopics()).map((t) => t.name);
  expect(listed).not.toContain(refused);
  expect(listed).not.toContain(good);
});

test('incrementalAlterConfigs: the resource the alter config policy refuses gets POLICY_VIOLATION and keeps its value; the other resource in the call is changed', async () => {
  const guarded = uniqueTopic('policy-guarded');
  const free = uniqueTopic('admin-policy-free');
  const created = await admin.createTopics(
    [
      { name: guarded, numPartitions: 1 },
      { name: free, numPartitions: 1 },
    ],
    { waitForLeaders: true },
  );
  expect(created.map((r) => r.error)).toEqual([null, null]);

  const results = await admin.incrementalAlterConfigs([
    { type: 'topic', name: guarded, changes: [{ name: 'retention.ms', op: 'set', value: '3600000' }] },
    { type: 'topic', name: free, changes: [{ name: 'retention.ms', op: 'set', value: '3600000' }] },
  ]);
  expect(results.map((r) => [r.type, r.name])).toEqual([
    ['topic', guarded],
    ['topic', free],
  ]);
  expectPolicyViolation(results[0]!.error, new RegExp(`alter config policy refuses setting retention\\.ms on topic '${guarded}'`));
  expect(results[1]!.error).toBeNull();

  const described = await admin.describeConfigs(
    [
      { type: 'topic', name: guarded },
      { type: 'topic', name: free },
    ],
    { keys: ['retention.ms'] },
  );
  expect(described.map((d) => [d.name, d.entries[0]?.value, d.entries[0]?.source])).toEqual([
    [guarded, '604800000', 'default'],
    [free, '3600000', 'dynamic-topic'],
  ]);

  // the policy refuses that one config, not the topic: another change to it goes through
  const [other] = await admin.incrementalAlterConfigs([{ type: 'topic', name: guarded, changes: [{ name: 'max.message.bytes', op: 'set', value: '500000' }] }]);
  expect(other!.error).toBeNull();
});
