/** What the secured-broker tests do once authenticated, shared by the SASL test files. */
import { Admin } from '../../src/client/admin.js';
import { Config, type ConfigOptions, OffsetOldest } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import type { BrokerConnection } from '../../src/network/broker-connection.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { uniqueTopic } from './broker.js';

/** Metadata for no topics: proves the connection is authenticated (anonymous would be refused/closed). */
export async function metadataOk(conn: BrokerConnection): Promise<void> {
  const res = await conn.send(Metadata, {
    topics: [],
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  expect(res.brokers.length).toBe(1);
}

/**
 * With `sasl` on `address`: an Admin creates a topic, a SyncProducer writes `values` to it, and a
 * Consumer reads them back from the oldest offset; each client closed after its part.
 */
export async function saslRoundTrip(address: string, sasl: ConfigOptions['sasl'], prefix: string, values: string[]): Promise<void> {
  const topic = uniqueTopic(prefix);
  const admin = await Admin.create({ brokers: [address], sasl });
  try {
    const [made] = await admin.createTopics([{ name: topic, numPartitions: 1 }], { waitForLeaders: true });
    expect(made!.error).toBeNull();
  } finally {
    await admin.close();
  }
  const producer = await SyncProducer.create(new Config({ brokers: [address], sasl }));
  try {
    for (const v of values) await producer.sendMsgByte(topic, null, v);
  } finally {
    await producer.close();
  }
  const consumer = await Consumer.create(new Config({ brokers: [address], sasl }));
  try {
    const pc = await consumer.consumePartition(topic, 0, OffsetOldest);
    const seen: string[] = [];
    for await (const m of pc.messages()) {
      seen.push(m.value!.toString());
      if (seen.length === values.length) break;
    }
    expect(seen).toEqual(values);
  } finally {
    await consumer.close();
  }
}
