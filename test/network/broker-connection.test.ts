/**
 * BrokerConnection against the real broker (connect, negotiate, metadata, auto-creation)
 * and against a fake one for the bad input a real broker never sends.
 */
import { ZERO_UUID } from '../../protocol/api.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { encodeResponseHeader } from '../../protocol/header.js';
import { ApiVersions } from '../../protocol/messages/api-versions.js';
import { Metadata, type MetadataRequest, type MetadataResponse } from '../../protocol/messages/metadata.js';
import { Writer } from '../../protocol/writer.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import {
  ConnectionClosedError,
  ConnectionError,
  ProtocolViolationError,
  RequestTimeoutError,
  UnsupportedVersionError,
} from '../../src/network/errors.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { apiVersionsResponseBody, FakeBroker, type FakeRequest, writeFrame } from '../helpers/fake-broker.js';

function metadataRequest(topics: string[] | null, allowAutoTopicCreation = true): MetadataRequest {
  return {
    topics: topics === null ? null : topics.map((name) => ({ topicId: ZERO_UUID, name })),
    allowAutoTopicCreation,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  };
}

describe('BrokerConnection against the real broker', () => {
  const { host, port, bootstrap } = brokerAddress();
  let conn: BrokerConnection;

  beforeAll(async () => {
    conn = await BrokerConnection.connect({ host, port, clientId: 'kafkaesque-test' });
  });
  afterAll(() => conn?.close());

  test('negotiates the highest common version of each API', () => {
    expect(conn.versionFor(ApiVersions)).toBe(4);
    expect(conn.versionFor(Metadata)).toBe(13);
    // 4.x advertises Produce from v0 (KAFKA-18659) but rejects v0-v2: the range is visible...
    expect(conn.brokerRange(0)?.minVersion).toBe(0);
    // ...and a codec whose minimum is 3 never negotiates below it.
    const produceLike = { ...Metadata, apiKey: 0, name: 'Produce', minVersion: 3, maxVersion: 2 };
    expect(() => conn.versionFor(produceLike)).toThrow(UnsupportedVersionError);
  });

  test('fetches cluster metadata', async () => {
    const res = await conn.send(Metadata, metadataRequest(null));
    expect(res.errorCode).toBe(0);
    expect(res.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(res.brokers.length).toBeGreaterThanOrEqual(1);
    expect(res.brokers.map((b) => `${b.host}:${b.port}`)).toContain(bootstrap);
    expect(res.brokers.map((b) => b.nodeId)).toContain(res.controllerId);
  });

  test('auto-creates a topic and sees its partitions and leaders', async () => {
    const topic = uniqueTopic('autocreate');
    let res: MetadataResponse | undefined;
    const deadline = Date.now() + 15_000;
    // The first answer is LEADER_NOT_AVAILABLE or UNKNOWN_TOPIC_OR_PARTITION while the
    // controller creates the topic; the client layer retries exactly like this.
    for (;;) {
      res = await conn.send(Metadata, metadataRequest([topic]));
      const t = res.topics[0]!;
      if (t.errorCode === ErrorCode.NONE && t.partitions.length > 0 && t.partitions.every((p) => p.leaderId >= 0)) break;
      expect([ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]).toContain(t.errorCode);
      if (Date.now() > deadline) throw new Error(`topic ${topic} not ready: ${JSON.stringify(t)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const t = res.topics[0]!;
    expect(t.name).toBe(topic);
    expect(t.topicId).not.toBe(ZERO_UUID);
    expect(t.isInternal).toBe(false);
    const nodeIds = res.brokers.map((b) => b.nodeId);
    for (const p of t.partitions) {
      expect(p.errorCode).toBe(0);
      expect(nodeIds).toContain(p.leaderId);
      expect(p.leaderEpoch).toBeGreaterThanOrEqual(0);
      expect(p.replicaNodes).toContain(p.leaderId);
      expect(p.isrNodes).toContain(p.leaderId);
    }
    expect(t.partitions.map((p) => p.partitionIndex).sort()).toEqual([...t.partitions.keys()]);
  });

  test('an unknown topic without auto-creation reports UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const res = await conn.send(Metadata, metadataRequest([uniqueTopic('absent')], false));
    expect(res.topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  test('every Metadata version a 4.x broker accepts round-trips', async () => {
    for (let v = Metadata.minVersion; v <= Metadata.maxVersion; v++) {
      const res = await conn.send(Metadata, metadataRequest(v === 0 ? [] : null), { version: v });
      expect(res.brokers.length).toBeGreaterThanOrEqual(1);
      if (v >= 2) expect(res.clusterId).not.toBeNull();
    }
  });

  test('many requests in flight resolve to their own responses', async () => {
    const topics = Array.from({ length: 40 }, (_, i) => `in-flight-${i}-${Date.now()}`);
    const responses = await Promise.all(topics.map((t) => conn.send(Metadata, metadataRequest([t], false))));
    responses.forEach((res, i) => expect(res.topics[0]!.name).toBe(topics[i]));
  });

  test('a connection to a port with no broker fails with ConnectionError', async () => {
    const fake = await FakeBroker.start();
    const freePort = fake.port;
    await fake.stop();
    await expect(BrokerConnection.connect({ host: '127.0.0.1', port: freePort })).rejects.toBeInstanceOf(ConnectionError);
  });

  test('close rejects pending requests with ConnectionClosedError', async () => {
    const c = await BrokerConnection.connect({ host, port });
    const pending = c.send(Metadata, metadataRequest(null));
    c.close();
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(c.send(Metadata, metadataRequest(null))).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(c.closed).toBe(true);
  });
});

describe('BrokerConnection against bad input from a fake broker', () => {
  const real = brokerAddress();
  let fake: FakeBroker | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  /** The real broker still answers on a separate connection: only the bad one closed. */
  async function realBrokerStillAnswers(): Promise<void> {
    const c = await BrokerConnection.connect({ host: real.host, port: real.port });
    try {
      const res = await c.send(Metadata, metadataRequest(null));
      expect(res.brokers.length).toBeGreaterThan(0);
    } finally {
      c.close();
    }
  }

  async function expectClosedWith(
    onRequest: (req: FakeRequest) => void,
    errorClass: new (...args: never[]) => Error,
    message: RegExp,
    options: { maxFrameBytes?: number; requestTimeoutMs?: number } = {},
  ): Promise<void> {
    fake = await FakeBroker.start({ onRequest });
    const c = await BrokerConnection.connect({ host: '127.0.0.1', port: fake.port, ...options });
    const closed = new Promise((resolve) => c.once('close', resolve));
    const result = c.send(Metadata, metadataRequest(null));
    await expect(result).rejects.toBeInstanceOf(errorClass);
    await expect(result).rejects.toThrow(message);
    expect(await closed).toBeInstanceOf(errorClass);
    expect(c.closed).toBe(true);
    await realBrokerStillAnswers();
  }

  test('a truncated frame followed by a close gives ConnectionClosedError', async () => {
    await expectClosedWith(
      ({ socket, header }) => {
        const body = Buffer.alloc(64);
        body.writeInt32BE(header.correlationId, 0);
        const size = Buffer.alloc(4);
        size.writeInt32BE(200, 0); // promises 200 bytes, sends 64
        socket.end(Buffer.concat([size, body]));
      },
      ConnectionClosedError,
      /closed by the broker/,
    );
  });

  test('a garbled body gives ProtocolViolationError', async () => {
    await expectClosedWith(
      ({ socket, header }) => {
        const w = new Writer();
        encodeResponseHeader(w, { correlationId: header.correlationId }, 1);
        // throttle time, then a brokers array claiming 1,000,000 elements in a few bytes
        w.int32(0).uvarint(1_000_001).int32(1).int32(2);
        writeFrame(socket, Buffer.from(w.finish()));
      },
      ProtocolViolationError,
      /cannot decode Metadata v13 response: .*claims 1000000 elements/,
    );
  });

  test('a frame length above the maximum gives ProtocolViolationError without allocating it', async () => {
    const before = process.memoryUsage().arrayBuffers;
    await expectClosedWith(
      ({ socket }) => {
        const size = Buffer.alloc(4);
        size.writeInt32BE(0x7ffffff0, 0); // ~2 GiB
        socket.write(size);
      },
      ProtocolViolationError,
      /frame of 2147483632 bytes exceeds the maximum of 1048576 bytes/,
      { maxFrameBytes: 1024 * 1024 },
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  test('a negative frame length gives ProtocolViolationError', async () => {
    await expectClosedWith(
      ({ socket }) => socket.write(Buffer.from([0xff, 0xff, 0xff, 0xfe])),
      ProtocolViolationError,
      /negative frame size -2/,
    );
  });

  test('a response with an unknown correlation id gives ProtocolViolationError', async () => {
    await expectClosedWith(
      ({ socket, header }) => {
        const w = new Writer();
        encodeResponseHeader(w, { correlationId: header.correlationId + 1000 }, 1);
        writeFrame(socket, Buffer.from(w.finish()));
      },
      ProtocolViolationError,
      /correlation id \d+ matches no request/,
    );
  });

  test('trailing bytes after a valid body give ProtocolViolationError', async () => {
    await expectClosedWith(
      ({ socket, header }) => {
        const w = new Writer();
        encodeResponseHeader(w, { correlationId: header.correlationId }, 1);
        Metadata.encodeResponse(
          w,
          {
            throttleTimeMs: 0,
            brokers: [],
            clusterId: null,
            controllerId: -1,
            topics: [],
            clusterAuthorizedOperations: -2147483648,
            errorCode: 0,
          },
          13,
        );
        w.raw(Buffer.from('junk'));
        writeFrame(socket, Buffer.from(w.finish()));
      },
      ProtocolViolationError,
      /4 unexpected trailing bytes/,
    );
  });

  test('no response within the timeout gives RequestTimeoutError and closes the connection', async () => {
    await expectClosedWith(() => {}, RequestTimeoutError, /no response within 300 ms/, { requestTimeoutMs: 300 });
  });

  test('falls back to the ApiVersions version the broker offers (KIP-511)', async () => {
    const seen: number[] = [];
    fake = await FakeBroker.start({
      onApiVersions: ({ socket, header }) => {
        seen.push(header.requestApiVersion);
        if (header.requestApiVersion > 2) {
          // An older broker answers an unknown version in v0 with UNSUPPORTED_VERSION.
          writeFrame(
            socket,
            apiVersionsResponseBody(header.correlationId, 0, {
              errorCode: ErrorCode.UNSUPPORTED_VERSION,
              apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }],
            }),
          );
        } else {
          writeFrame(socket, apiVersionsResponseBody(header.correlationId, header.requestApiVersion));
        }
      },
    });
    const c = await BrokerConnection.connect({ host: '127.0.0.1', port: fake.port });
    expect(seen).toEqual([4, 2]);
    expect(c.versionFor(Metadata)).toBe(13);
    c.close();
  });
});
