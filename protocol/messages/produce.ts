/**
 * Produce (key 0), versions 3-13, flexible 9+ (ProduceRequest.json, ProduceResponse.json).
 *
 * v0-v2 were removed in Kafka 4.0 (KIP-896) though brokers still advertise them
 * (KAFKA-18659): this codec starts at v3. zstd needs v7+ (KIP-110). v13 addresses topics by
 * id (KIP-516). Each partition carries exactly one record batch (magic 2).
 */
import { type ApiCodec, fieldNotInVersion, headerVersions, ZERO_UUID } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';
import {
  defaultLeaderIdAndEpoch,
  isDefaultLeaderIdAndEpoch,
  type LeaderIdAndEpoch,
  type NodeEndpoint,
  readLeaderIdAndEpoch,
  readNodeEndpoints,
  type TaggedWriters,
  writeLeaderIdAndEpoch,
  writeNodeEndpoints,
} from './common.js';

export interface PartitionProduceData extends WithUnknownTags {
  index: number;
  /** Records: the encoded record batch (see records.ts), nullable. */
  records: Uint8Array | null;
}

export interface TopicProduceData extends WithUnknownTags {
  /** Name, versions 0-12. */
  name: string;
  /** TopicId, versions 13+. */
  topicId: string;
  partitionData: PartitionProduceData[];
}

export interface ProduceRequest extends WithUnknownTags {
  /** TransactionalId, versions 3+, nullable, default null. */
  transactionalId: string | null;
  /** Acks: 0 none, 1 leader, -1 all in-sync replicas. */
  acks: number;
  timeoutMs: number;
  topicData: TopicProduceData[];
}

export interface BatchIndexAndErrorMessage extends WithUnknownTags {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

export interface PartitionProduceResponse extends WithUnknownTags {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  /** LogAppendTimeMs, versions 2+, default -1. */
  logAppendTimeMs: bigint;
  /** LogStartOffset, versions 5+, default -1. */
  logStartOffset: bigint;
  /** RecordErrors, versions 8+ (KIP-467). */
  recordErrors: BatchIndexAndErrorMessage[];
  /** ErrorMessage, versions 8+, nullable. */
  errorMessage: string | null;
  /** CurrentLeader, versions 10+, tag 0 (KIP-951). */
  currentLeader: LeaderIdAndEpoch;
}

export interface TopicProduceResponse extends WithUnknownTags {
  /** Name, versions 0-12. */
  name: string;
  /** TopicId, versions 13+. */
  topicId: string;
  partitionResponses: PartitionProduceResponse[];
}

export interface ProduceResponse extends WithUnknownTags {
  responses: TopicProduceResponse[];
  /** ThrottleTimeMs, versions 1+. */
  throttleTimeMs: number;
  /** NodeEndpoints, versions 10+, tag 0 (KIP-951). */
  nodeEndpoints: NodeEndpoint[];
}

/** The first version that addresses topics by TopicId alone (KIP-516); below it, by Name. */
export const PRODUCE_FIRST_TOPIC_ID_VERSION = 13;

/**
 * The last version a transactions-V1 producer sends: from v12 a Produce with a transactional id
 * adds its partition to the transaction itself (KIP-890 part 2, transactions V2).
 */
export const PRODUCE_LAST_TRANSACTIONS_V1_VERSION = 11;

const FIRST_FLEXIBLE = 9;

function encodeRequest(w: Writer, m: ProduceRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.nullableStringF(m.transactionalId, flexible); //        TransactionalId string, versions 3+, nullable
  w.int16(m.acks); //                                        Acks int16, versions 0+
  w.int32(m.timeoutMs); //                                   TimeoutMs int32, versions 0+
  w.arrayF(m.topicData, flexible, (w, t) => { //             TopicData []TopicProduceData, versions 0+
    if (v <= 12) w.stringF(t.name, flexible); //             Name string, versions 0-12
    if (v >= 13) w.uuid(t.topicId); //                       TopicId uuid, versions 13+
    w.arrayF(t.partitionData, flexible, (w, p) => { //       PartitionData []PartitionProduceData, versions 0+
      w.int32(p.index); //                                   Index int32, versions 0+
      w.nullableBytesF(p.records, flexible); //              Records records, versions 0+, nullable
      if (flexible) w.taggedFields(null, p.unknownTaggedFields);
    });
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): ProduceRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: ProduceRequest = {
    transactionalId: r.nullableStringF(flexible),
    acks: r.int16(),
    timeoutMs: r.int32(),
    topicData: r.arrayF(flexible, (r) => {
      const t: TopicProduceData = {
        name: v <= 12 ? r.stringF(flexible) : '',
        topicId: v >= 13 ? r.uuid() : ZERO_UUID,
        partitionData: r.arrayF(flexible, (r) => {
          const p: PartitionProduceData = { index: r.int32(), records: r.nullableBytesF(flexible) };
          return flexible ? r.tagsInto(p) : p;
        }),
      };
      return flexible ? r.tagsInto(t) : t;
    }),
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: ProduceResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.arrayF(m.responses, flexible, (w, t) => { //             Responses []TopicProduceResponse, versions 0+
    if (v <= 12) w.stringF(t.name, flexible); //             Name string, versions 0-12
    if (v >= 13) w.uuid(t.topicId); //                       TopicId uuid, versions 13+
    w.arrayF(t.partitionResponses, flexible, (w, p) => { //  PartitionResponses, versions 0+
      w.int32(p.index); //                                   Index int32, versions 0+
      w.int16(p.errorCode); //                               ErrorCode int16, versions 0+
      w.int64(p.baseOffset); //                              BaseOffset int64, versions 0+
      w.int64(p.logAppendTimeMs); //                         LogAppendTimeMs int64, versions 2+
      if (v >= 5) w.int64(p.logStartOffset); //              LogStartOffset int64, versions 5+
      if (v >= 8) {
        w.arrayF(p.recordErrors, flexible, (w, e) => { //    RecordErrors []BatchIndexAndErrorMessage, versions 8+
          w.int32(e.batchIndex); //                          BatchIndex int32, versions 8+
          w.nullableStringF(e.batchIndexErrorMessage, flexible); // BatchIndexErrorMessage, versions 8+, nullable
          if (flexible) w.taggedFields(null, e.unknownTaggedFields);
        });
        w.nullableStringF(p.errorMessage, flexible); //      ErrorMessage string, versions 8+, nullable
      }
      if (flexible) {
        const tagged: TaggedWriters = [];
        if (v >= 10 && !isDefaultLeaderIdAndEpoch(p.currentLeader)) { // CurrentLeader, versions 10+, tag 0
          tagged.push([0, (w) => writeLeaderIdAndEpoch(w, p.currentLeader)]);
        }
        w.taggedFields(tagged, p.unknownTaggedFields);
      }
      if (v < 10 && !isDefaultLeaderIdAndEpoch(p.currentLeader)) fieldNotInVersion('ProduceResponse', 'CurrentLeader', v);
    });
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  w.int32(m.throttleTimeMs); //                              ThrottleTimeMs int32, versions 1+
  if (flexible) {
    const tagged: TaggedWriters = [];
    if (v >= 10 && m.nodeEndpoints.length > 0) tagged.push([0, (w) => writeNodeEndpoints(w, m.nodeEndpoints)]); // NodeEndpoints, 10+, tag 0
    w.taggedFields(tagged, m.unknownTaggedFields);
  }
  if (v < 10 && m.nodeEndpoints.length > 0) fieldNotInVersion('ProduceResponse', 'NodeEndpoints', v);
}

function decodeResponse(r: Reader, v: number): ProduceResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const responses = r.arrayF(flexible, (r) => {
    const t: TopicProduceResponse = {
      name: v <= 12 ? r.stringF(flexible) : '',
      topicId: v >= 13 ? r.uuid() : ZERO_UUID,
      partitionResponses: r.arrayF(flexible, (r) => {
        const p: PartitionProduceResponse = {
          index: r.int32(),
          errorCode: r.int16(),
          baseOffset: r.int64(),
          logAppendTimeMs: r.int64(),
          logStartOffset: v >= 5 ? r.int64() : -1n,
          recordErrors:
            v >= 8
              ? r.arrayF(flexible, (r) => {
                  const e: BatchIndexAndErrorMessage = {
                    batchIndex: r.int32(),
                    batchIndexErrorMessage: r.nullableStringF(flexible),
                  };
                  return flexible ? r.tagsInto(e) : e;
                })
              : [],
          errorMessage: v >= 8 ? r.nullableStringF(flexible) : null,
          currentLeader: defaultLeaderIdAndEpoch(),
        };
        if (!flexible) return p;
        return r.tagsInto(p, (tag, r) => {
          if (tag !== 0 || v < 10) return false;
          p.currentLeader = readLeaderIdAndEpoch(r);
          return true;
        });
      }),
    };
    return flexible ? r.tagsInto(t) : t;
  });
  const m: ProduceResponse = { responses, throttleTimeMs: r.int32(), nodeEndpoints: [] };
  if (!flexible) return m;
  return r.tagsInto(m, (tag, r) => {
    if (tag !== 0 || v < 10) return false;
    m.nodeEndpoints = readNodeEndpoints(r);
    return true;
  });
}

/** What {@link readProduceAnswers} hands each topic and partition of a Produce response to. */
export interface ProduceAnswerVisitor {
  /** A topic's entry begins: its name (versions ≤ 12, else '') and id (versions ≥ 13). */
  topic(name: string, topicId: string): void;
  /** One partition of the current topic. */
  partition(index: number, errorCode: number, baseOffset: bigint, logAppendTimeMs: bigint, errorMessage: string | null): void;
}

/**
 * Reads a Produce response as {@link Produce}.decodeResponse does, field for field, but hands
 * each partition's answer to `visit` instead of building an object per partition (a producer
 * at thousands of partitions reads tens of thousands a second). Record errors, the current
 * leader and node endpoints (tagged fields) are read past. Returns the throttle time.
 */
export function readProduceAnswers(r: Reader, v: number, visit: ProduceAnswerVisitor): number {
  const flexible = v >= FIRST_FLEXIBLE;
  const topics = r.arrayCountF(flexible);
  for (let t = 0; t < topics; t++) {
    const name = v <= 12 ? r.stringF(flexible) : '';
    const topicId = v >= 13 ? r.uuid() : ZERO_UUID;
    visit.topic(name, topicId);
    const partitions = r.arrayCountF(flexible);
    for (let p = 0; p < partitions; p++) {
      const index = r.int32();
      const errorCode = r.int16();
      const baseOffset = r.int64();
      const logAppendTimeMs = r.int64();
      if (v >= 5) r.skip(8, 'LogStartOffset');
      let errorMessage: string | null = null;
      if (v >= 8) {
        const recordErrors = r.arrayCountF(flexible);
        for (let e = 0; e < recordErrors; e++) {
          r.int32(); // BatchIndex
          r.nullableStringF(flexible); // BatchIndexErrorMessage
          if (flexible) r.taggedFields(null);
        }
        errorMessage = r.nullableStringF(flexible);
      }
      if (flexible) r.taggedFields(null); // CurrentLeader (10+, tag 0) and unknown tags
      visit.partition(index, errorCode, baseOffset, logAppendTimeMs, errorMessage);
    }
    if (flexible) r.taggedFields(null);
  }
  const throttleTimeMs = r.int32();
  if (flexible) r.taggedFields(null); // NodeEndpoints (10+, tag 0) and unknown tags
  return throttleTimeMs;
}

export const Produce: ApiCodec<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 13,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
