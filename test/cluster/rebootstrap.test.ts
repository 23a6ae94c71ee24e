/**
 * Re-bootstrap on the three-node cluster (KIP-899, Java 4.x's metadata.recovery.strategy): the
 * client's one bootstrap address is a name that operators move from an old cluster to a new one
 * (here a TCP forwarder standing in for DNS). The old cluster (a fake broker) goes away; none of
 * the brokers the client knows answers any more, so it connects to the bootstrap address again,
 * finds the three-node cluster behind it and delivers the rest of its records there. kcat reads
 * the topic back from the three nodes. With `metadataRecoveryStrategy: 'none'` the same client
 * keeps asking the brokers it knew and its records fail with a typed error.
 */
import * as net from 'node:net';
import { Config, DeliveryTimeoutError, ProducerError, SyncProducer } from '../../src/index.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import { uniqueTopic } from '../helpers/broker.js';
import { FakeKafka } from '../helpers/fake-kafka.js';
import { createTopic } from '../helpers/topics.js';
import { closeAfter, clusterBrokers, clusterSuite, readWithKcat, report, waitForFullIsr } from './cluster-helpers.js';

jest.setTimeout(120_000);

let admin: Cluster;
clusterSuite((c) => (admin = c));

/** A TCP forwarder whose target can change: what a DNS name moved to another cluster is to a client. */
class Forwarder {
  private server!: net.Server;
  private readonly sockets = new Set<net.Socket>();
  connections = 0;
  port = 0;

  constructor(private target: string) {}

  async start(): Promise<void> {
    this.server = net.createServer((client) => {
      this.connections++;
      const i = this.target.lastIndexOf(':');
      const upstream = net.connect(Number(this.target.slice(i + 1)), this.target.slice(0, i));
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** New connections go to `target`; open ones are cut, as a moved name leaves old sockets dead. */
  moveTo(target: string): void {
    this.target = target;
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function scenario(strategy: 'rebootstrap' | 'none', sends: number): Promise<{ topic: string; before: string[]; after: (string | Error)[]; forwarderConnections: number }> {
  const topic = uniqueTopic(`rebootstrap-${strategy}`);
  await createTopic(admin, topic, 3, 3);
  await waitForFullIsr(admin, [topic]);
  const old = new FakeKafka(3); // the old cluster: one broker, three partitions
  await old.start();
  const name = new Forwarder(old.bootstrap);
  await name.start();
  try {
    const producer = closeAfter(
      await SyncProducer.create(
        new Config({
          brokers: [`127.0.0.1:${name.port}`],
          metadataRecoveryStrategy: strategy,
          lingerMs: 0,
          requestTimeoutMs: 3000,
          deliveryTimeoutMs: 8000,
          retryBackoffMaxMs: 200,
          reconnectBackoffMaxMs: 200,
        }),
      ),
    );
    const before: string[] = [];
    for (let i = 0; i < 6; i++) {
      await producer.send({ topic, key: `k${i}`, value: `old-${i}` });
      before.push(`old-${i}`);
    }
    expect(old.logs.size).toBeGreaterThan(0); // they went to the old cluster

    // the name moves to the three-node cluster and the old cluster is switched off
    name.moveTo(clusterBrokers()[0]!);
    await old.stop();
    const seen = name.connections;
    const after: (string | Error)[] = [];
    for (let i = 0; i < sends; i++) {
      try {
        await producer.send({ topic, key: `k${i}`, value: `new-${i}` });
        after.push(`new-${i}`);
      } catch (err) {
        after.push(err as Error);
      }
    }
    return { topic, before, after, forwarderConnections: name.connections - seen };
  } finally {
    await name.stop();
    await old.stop();
  }
}

test('the bootstrap address moves to the three-node cluster: the client re-bootstraps and delivers there', async () => {
  const t0 = Date.now();
  const { topic, after, forwarderConnections } = await scenario('rebootstrap', 6);
  const ms = Date.now() - t0;
  expect(after).toEqual(['new-0', 'new-1', 'new-2', 'new-3', 'new-4', 'new-5']);
  expect(forwarderConnections).toBeGreaterThan(0); // it came back to the bootstrap address
  const { reading } = await readWithKcat(topic);
  const values = [...reading.partitions.values()].flatMap((p) => [...p.values()].map((r) => r.value)).sort();
  expect(values).toEqual(['new-0', 'new-1', 'new-2', 'new-3', 'new-4', 'new-5']); // none of the old cluster's
  report('rebootstrap', { delivered: after.length, ms, bootstrapConnectionsAfterMove: forwarderConnections });
});

test("with metadataRecoveryStrategy 'none' the client keeps to the brokers it knew: its records fail with a typed error", async () => {
  const { topic, after, forwarderConnections } = await scenario('none', 2);
  expect(after.every((r) => r instanceof ProducerError)).toBe(true);
  expect(after.some((r) => r instanceof DeliveryTimeoutError || (r as ProducerError).code === 'ERR_DELIVERY_TIMEOUT')).toBe(true);
  expect(forwarderConnections).toBe(0);
  const { reading } = await readWithKcat(topic);
  expect(reading.size).toBe(0);
});
