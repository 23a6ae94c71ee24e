/**
 * A one-broker fake Kafka that answers Metadata, InitProducerId and Produce with our own codecs,
 * for what the real broker cannot be made to do on demand in a shared test run: go away and
 * come back on the same port, stop answering Produce, or refuse a topic.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { InitProducerId } from '../../protocol/messages/init-producer-id.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { Produce } from '../../protocol/messages/produce.js';
import { decodeRecordSet } from '../../protocol/records.js';
import { FakeBroker, type FakeRequest, writeResponse } from './fake-broker.js';

export type ProduceMode = 'ok' | 'hang';

const NO_ERROR = {
  errorCode: 0,
  baseOffset: 0n,
  logAppendTimeMs: -1n,
  logStartOffset: 0n,
  recordErrors: [],
  errorMessage: null,
  currentLeader: { leaderId: -1, leaderEpoch: -1 },
};

export class FakeKafka {
  private broker: FakeBroker | undefined;
  port = 0;
  produceMode: ProduceMode = 'ok';
  /** Topics answered with TOPIC_AUTHORIZATION_FAILED. */
  readonly forbidden = new Set<string>();
  /** Records appended per topic-partition. */
  readonly logs = new Map<string, Buffer[]>();
  metadataRequests = 0;
  produceRequests = 0;
  /** The partitions of each Produce request, in arrival order. */
  readonly producePartitions: number[][] = [];
  /** A batch with more records than this is refused with MESSAGE_TOO_LARGE (the producer splits it). */
  maxRecordsPerBatch = Infinity;
  /** This broker's node id in its Metadata answers. */
  nodeId = 1;
  /** The brokers its Metadata answers list (the first leads every partition); default: itself. */
  advertise: { nodeId: number; host: string; port: number }[] | undefined;
  /** The top-level error code of its Metadata answers (Metadata v13+), e.g. REBOOTSTRAP_REQUIRED. */
  metadataErrorCode = 0;

  constructor(readonly partitions = 1) {}

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.broker = await FakeBroker.start({ onRequest: (req) => this.handle(req) }, this.port);
    this.port = this.broker.port;
  }

  /** Closes every connection and refuses new ones, as a stopped broker does. */
  async stop(): Promise<void> {
    await this.broker?.stop();
    this.broker = undefined;
  }

  private handle({ header, body, socket }: FakeRequest): void {
    const v = header.requestApiVersion;
    const id = header.correlationId;
    switch (header.requestApiKey) {
      case Metadata.apiKey: {
        this.metadataRequests++;
        const req = Metadata.decodeRequest(body, v);
        const leader = this.advertise?.[0]?.nodeId ?? this.nodeId;
        writeResponse(socket, Metadata, v, id, {
          throttleTimeMs: 0,
          brokers: (this.advertise ?? [{ nodeId: this.nodeId, host: '127.0.0.1', port: this.port }]).map((b) => ({ ...b, rack: null })),
          clusterId: 'fake-cluster-0000000000',
          controllerId: leader,
          topics: (req.topics ?? []).map((t) => ({
            errorCode: this.forbidden.has(t.name ?? '') ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : 0,
            name: t.name,
            topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
            isInternal: false,
            partitions: this.forbidden.has(t.name ?? '')
              ? []
              : Array.from({ length: this.partitions }, (_, i) => ({
                  errorCode: 0,
                  partitionIndex: i,
                  leaderId: leader,
                  leaderEpoch: 0,
                  replicaNodes: [leader],
                  isrNodes: [leader],
                  offlineReplicas: [],
                })),
            topicAuthorizedOperations: -2147483648,
          })),
          clusterAuthorizedOperations: -2147483648,
          errorCode: this.metadataErrorCode,
        });
        return;
      }
      case InitProducerId.apiKey:
        writeResponse(socket, InitProducerId, v, id, {
          throttleTimeMs: 0,
          errorCode: 0,
          producerId: 4242n,
          producerEpoch: 0,
          ongoingTxnProducerId: -1n,
          ongoingTxnProducerEpoch: -1,
        });
        return;
      case Produce.apiKey: {
        this.produceRequests++;
        if (this.produceMode === 'hang') return;
        const req = Produce.decodeRequest(body, v);
        this.producePartitions.push(req.topicData.flatMap((t) => t.partitionData.map((p) => p.index)));
        writeResponse(socket, Produce, v, id, {
          responses: req.topicData.map((t) => ({
            name: t.name,
            topicId: t.topicId,
            partitionResponses: t.partitionData.map((p) => {
              const key = `${t.name}-${p.index}`;
              const log = this.logs.get(key) ?? this.logs.set(key, []).get(key)!;
              const set = decodeRecordSet(Buffer.from(p.records!), { maxDecompressedBytes: 64 << 20 });
              const base = BigInt(log.length);
              if (set.batches.some((b) => b.records.length > this.maxRecordsPerBatch)) {
                return { ...NO_ERROR, index: p.index, errorCode: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1n };
              }
              for (const b of set.batches) for (const r of b.records) log.push(Buffer.from(r.value ?? Buffer.alloc(0)));
              return {
                index: p.index,
                errorCode: 0,
                baseOffset: base,
                logAppendTimeMs: -1n,
                logStartOffset: 0n,
                recordErrors: [],
                errorMessage: null,
                currentLeader: { leaderId: -1, leaderEpoch: -1 },
              };
            }),
          })),
          throttleTimeMs: 0,
          nodeEndpoints: [],
        });
        return;
      }
      default:
        socket.destroy();
    }
  }
}
