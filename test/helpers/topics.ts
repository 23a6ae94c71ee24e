/** Creates test topics with Admin, over the caller's own Cluster, and waits until that Cluster sees their leaders. */
import { Admin } from '../../src/client/admin.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import { uniqueTopic } from './broker.js';

/**
 * Creates `name` (TOPIC_ALREADY_EXISTS is accepted: auto-creation may have been first) and resolves
 * once `cluster.topic(name)` shows `partitions` partitions, each with a leader, which is what
 * callers read next. `replicationFactor` -1 is the broker's default.replication.factor.
 */
export async function createTopic(cluster: Cluster, name: string, partitions: number, replicationFactor = -1): Promise<string> {
  // not closed: closing it would close the caller's Cluster
  const admin = Admin.withCluster(cluster);
  const [created] = await admin.createTopics([{ name, numPartitions: partitions, replicationFactor }], { waitForLeaders: true, timeoutMs: 30_000 });
  if (created!.error !== null && created!.error.errorName !== 'TOPIC_ALREADY_EXISTS') throw created!.error;
  // Admin waited until a broker's metadata showed the leaders; the caller's Cluster caches its
  // own, which must show them too
  const deadline = Date.now() + 30_000;
  for (;;) {
    await cluster.refresh([name]);
    const t = cluster.topic(name);
    if (t && t.partitions.length === partitions && t.availablePartitions.length === partitions) return name;
    if (Date.now() > deadline) throw new Error(`topic ${name}: the test's Cluster sees no leader for each of its ${partitions} partitions after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What {@link clientScope} gives a test file. */
export interface ClientScope {
  /** The file's Admin (made in beforeAll). */
  admin(): Admin;
  /** Closes `client` in afterAll (newest first); returns it. */
  track<T extends { close(): Promise<unknown> }>(client: T): T;
  /** A new topic `<prefix>-...` of `partitions` partitions, its leaders known. */
  topic(partitions: number, configs?: Record<string, string>): Promise<string>;
}

/**
 * A test file's Admin on `brokers` and the clients it opens: the Admin is made in beforeAll, and
 * in afterAll the tracked clients are closed (newest first, failures ignored), then the Admin.
 */
export function clientScope(brokers: string[], prefix: string): ClientScope {
  let admin: Admin | undefined;
  const opened: Array<{ close(): Promise<unknown> }> = [];
  beforeAll(async () => {
    admin = await Admin.create({ brokers });
  });
  afterAll(async () => {
    for (const c of opened.reverse()) await c.close().catch(() => {});
    await admin?.close();
  });
  const scope: ClientScope = {
    admin: () => {
      if (admin === undefined) throw new Error('clientScope: the Admin is made in beforeAll; use it inside a test');
      return admin;
    },
    track: (client) => {
      opened.push(client);
      return client;
    },
    topic: async (partitions, configs = {}) => {
      const name = uniqueTopic(prefix);
      const [r] = await scope.admin().createTopics([{ name, numPartitions: partitions, configs }], { waitForLeaders: true });
      if (r!.error) throw r!.error;
      return name;
    },
  };
  return scope;
}
