/**
 * A one-broker fake Kafka that answers Metadata, InitProducerId and Produce with our own codecs,
 * for what the real broker cannot be made to do on demand in a shared test run: go away and
 * come back on the same port, stop answering Produce, or refuse a topic.
 *
 * Several FakeKafkas given one {@link FakeReplicas} play the nodes of one cluster: they share
 * the partitions' logs and the producers' state, one of them leads every partition, and a
 * Produce is checked as a Kafka 4.x leader checks it (see FakeReplicas.append).
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { InitProducerId } from '../../protocol/messages/init-producer-id.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { Produce } from '../../protocol/messages/produce.js';
import type * as net from 'node:net';
import { decodeRecordSet, type RecordBatch } from '../../protocol/records.js';
import type { Reader } from '../../protocol/reader.js';
import { FakeBroker, type FakeRequest, writeResponse } from './fake-broker.js';

/** 'hang': Produce requests are never answered; 'hold': they wait for releaseHeld(). */
export type ProduceMode = 'ok' | 'hang' | 'hold';

/** A producer's state on one partition, as a Kafka leader keeps it (ProducerStateEntry). */
interface ProducerEntry {
  epoch: number;
  lastSeq: number;
  /** Its last 5 batches there (Kafka's NUM_BATCHES_TO_RETAIN), for duplicate detection. */
  batches: { firstSeq: number; lastSeq: number; offset: bigint }[];
}

/**
 * What the nodes of a fake cluster share: which node leads every partition, the partitions'
 * logs, and the producer state a leader checks idempotent batches against.
 */
export class FakeReplicas {
  /** The node id leading every partition; its Metadata answers say so, the others answer NOT_LEADER_OR_FOLLOWER. */
  leader: number;
  leaderEpoch = 0;
  readonly logs = new Map<string, Buffer[]>();
  /** The producer id of every InitProducerId answer, in order. */
  readonly producerIds: bigint[] = [];
  private nextProducerId = 1000n;
  /** `topic-partition` -> producer id -> its state there. */
  private readonly producers = new Map<string, Map<bigint, ProducerEntry>>();

  constructor(leader: number) {
    this.leader = leader;
  }

  /** Moves the leadership of every partition to `nodeId`. */
  moveLeader(nodeId: number): void {
    this.leader = nodeId;
    this.leaderEpoch++;
  }

  /**
   * A new producer id at epoch 0: what Kafka's InitProducerId answers a producer without a
   * transactional id, whatever producer id and epoch the request carries
   * (TransactionCoordinator.handleInitProducerId).
   */
  newProducerId(): bigint {
    const id = this.nextProducerId++;
    this.producerIds.push(id);
    return id;
  }

  /**
   * Appends `batch` to the partition's log as a Kafka 4.x leader does
   * (UnifiedLog.analyzeAndValidateProducerState, ProducerAppendInfo.checkSequence): a batch
   * equal to one of the producer's last 5 there is a duplicate, answered with the offset it was
   * written at; an older epoch is refused; a newer epoch must start at sequence 0 and the same
   * epoch go on at the last sequence + 1; a producer the partition has no state for is
   * accepted at any sequence.
   */
  append(key: string, batch: RecordBatch): { errorCode: number; baseOffset: bigint } {
    const log = this.logs.get(key) ?? this.logs.set(key, []).get(key)!;
    const idempotent = batch.producerId >= 0n;
    const producers = this.producers.get(key) ?? this.producers.set(key, new Map()).get(key)!;
    const entry = idempotent ? producers.get(batch.producerId) : undefined;
    const lastSeq = batch.baseSequence + batch.recordsCount - 1;
    if (entry !== undefined) {
      if (batch.producerEpoch === entry.epoch) {
        const dup = entry.batches.find((b) => b.firstSeq === batch.baseSequence && b.lastSeq === lastSeq);
        if (dup !== undefined) return { errorCode: 0, baseOffset: dup.offset };
      }
      if (batch.producerEpoch < entry.epoch) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, baseOffset: -1n };
      const expected = batch.producerEpoch > entry.epoch ? 0 : entry.lastSeq + 1;
      if (batch.baseSequence !== expected) return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1n };
    }
    const offset = BigInt(log.length);
    for (const r of batch.records) log.push(Buffer.from(r.value ?? Buffer.alloc(0)));
    if (idempotent) {
      const e = entry !== undefined && entry.epoch === batch.producerEpoch ? entry : { epoch: batch.producerEpoch, lastSeq: -1, batches: [] };
      e.lastSeq = lastSeq;
      e.batches.push({ firstSeq: batch.baseSequence, lastSeq, offset });
      if (e.batches.length > 5) e.batches.shift();
      producers.set(batch.producerId, e);
    }
    return { errorCode: 0, baseOffset: offset };
  }
}

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
  readonly logs: Map<string, Buffer[]>;
  metadataRequests = 0;
  produceRequests = 0;
  /** The partitions of each Produce request, in arrival order. */
  readonly producePartitions: number[][] = [];
  /** The `acks` and `timeoutMs` fields of each Produce request answered or taken (acks 0), in arrival order. */
  readonly produceHeaders: { acks: number; timeoutMs: number }[] = [];
  /** A batch with more records than this is refused with MESSAGE_TOO_LARGE (the producer splits it). */
  maxRecordsPerBatch = Infinity;
  /** This broker's node id in its Metadata answers. */
  nodeId = 1;
  /** The brokers its Metadata answers list (the first leads every partition); default: itself. */
  advertise: { nodeId: number; host: string; port: number }[] | undefined;
  /** The top-level error code of its Metadata answers (Metadata v13+), e.g. REBOOTSTRAP_REQUIRED. */
  metadataErrorCode = 0;
  /** API keys whose requests are never answered (the connection stays open): a request timeout on demand. */
  readonly unanswered = new Set<number>();

  /**
   * What the next Produce requests get, one step each before `produceMode` applies again: an
   * error code (for every partition of the request), or 'hold' (until releaseHeld()).
   */
  readonly produceScript: Array<number | 'hold'> = [];
  /** Produce requests waiting for releaseHeld() ('hold' mode). */
  private readonly held: { socket: net.Socket; version: number; correlationId: number; body: Reader }[] = [];

  constructor(
    readonly partitions = 1,
    /** Shared with the other nodes of a fake cluster (see FakeReplicas); none: a cluster of one. */
    readonly replicas?: FakeReplicas,
  ) {
    this.logs = replicas?.logs ?? new Map();
  }

  /** Produce requests held so far ('hold' mode). */
  get heldCount(): number {
    return this.held.length;
  }

  /** Answers the held Produce requests, in arrival order, as things stand now. */
  releaseHeld(): void {
    for (const h of this.held.splice(0)) this.answerProduce(h.socket, h.version, h.correlationId, h.body);
  }

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
    if (this.unanswered.has(header.requestApiKey)) return;
    switch (header.requestApiKey) {
      case Metadata.apiKey: {
        this.metadataRequests++;
        const req = Metadata.decodeRequest(body, v);
        const leader = this.replicas?.leader ?? this.advertise?.[0]?.nodeId ?? this.nodeId;
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
                  leaderEpoch: this.replicas?.leaderEpoch ?? 0,
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
          producerId: this.replicas?.newProducerId() ?? 4242n,
          producerEpoch: 0,
          ongoingTxnProducerId: -1n,
          ongoingTxnProducerEpoch: -1,
        });
        return;
      case Produce.apiKey: {
        this.produceRequests++;
        if (this.produceMode === 'hang') return;
        const step = this.produceScript.shift();
        if (step === 'hold' || (step === undefined && this.produceMode === 'hold')) {
          this.held.push({ socket, version: v, correlationId: id, body });
          return;
        }
        this.answerProduce(socket, v, id, body, step ?? 0);
        return;
      }
      default:
        socket.destroy();
    }
  }

  /** Answers a Produce request: `errorCode` for every partition if not 0, else as the log (or the leader) decides. */
  private answerProduce(socket: net.Socket, v: number, id: number, body: Reader, errorCode = 0): void {
    const req = Produce.decodeRequest(body, v);
    this.producePartitions.push(req.topicData.flatMap((t) => t.partitionData.map((p) => p.index)));
    this.produceHeaders.push({ acks: req.acks, timeoutMs: req.timeoutMs });
    // a broker answers nothing to acks 0 (the records are appended all the same)
    if (req.acks === 0) {
      for (const t of req.topicData) {
        for (const p of t.partitionData) {
          const key = `${t.name}-${p.index}`;
          const log = this.logs.get(key) ?? this.logs.set(key, []).get(key)!;
          for (const b of decodeRecordSet(Buffer.from(p.records!), { maxDecompressedBytes: 64 << 20 }).batches) for (const r of b.records) log.push(Buffer.from(r.value ?? Buffer.alloc(0)));
        }
      }
      return;
    }
    const notLeader = this.replicas !== undefined && this.replicas.leader !== this.nodeId;
    const refused = errorCode !== 0 ? errorCode : notLeader ? ErrorCode.NOT_LEADER_OR_FOLLOWER : 0;
    writeResponse(socket, Produce, v, id, {
      responses: req.topicData.map((t) => ({
        name: t.name,
        topicId: t.topicId,
        partitionResponses: t.partitionData.map((p) => {
          if (refused !== 0) return { ...NO_ERROR, index: p.index, errorCode: refused, baseOffset: -1n };
          const key = `${t.name}-${p.index}`;
          const log = this.logs.get(key) ?? this.logs.set(key, []).get(key)!;
          const set = decodeRecordSet(Buffer.from(p.records!), { maxDecompressedBytes: 64 << 20 });
          const base = BigInt(log.length);
          if (set.batches.some((b) => b.records.length > this.maxRecordsPerBatch)) {
            return { ...NO_ERROR, index: p.index, errorCode: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1n };
          }
          if (this.replicas !== undefined) {
            // one batch per partition, as the producer sends
            const { errorCode, baseOffset } = this.replicas.append(key, set.batches[0]!);
            return { ...NO_ERROR, index: p.index, errorCode, baseOffset };
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
  }
}
