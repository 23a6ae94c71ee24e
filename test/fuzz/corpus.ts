/**
 * The fuzz corpus: response frames captured from a real broker (test/fixtures/fuzz/corpus/, one
 * JSON file per API, written by test/fuzz/capture.ts) and the inputs that once broke a decoder
 * (test/fixtures/fuzz/regressions/, replayed on every run).
 *
 * A corpus frame is what follows the INT32 size prefix on the wire: the response header
 * (correlation id, then a tag buffer when the header is v1) and the body.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ApiCodec } from '../../protocol/api.js';
import { ApiVersions } from '../../protocol/messages/api-versions.js';
import { ConsumerGroupHeartbeat } from '../../protocol/messages/consumer-group-heartbeat.js';
import { CreatePartitions } from '../../protocol/messages/create-partitions.js';
import { CreateTopics } from '../../protocol/messages/create-topics.js';
import { DescribeGroups } from '../../protocol/messages/describe-groups.js';
import { Fetch } from '../../protocol/messages/fetch.js';
import { FindCoordinator } from '../../protocol/messages/find-coordinator.js';
import { Heartbeat } from '../../protocol/messages/heartbeat.js';
import { InitProducerId } from '../../protocol/messages/init-producer-id.js';
import { JoinGroup } from '../../protocol/messages/join-group.js';
import { LeaveGroup } from '../../protocol/messages/leave-group.js';
import { ListOffsets } from '../../protocol/messages/list-offsets.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { OffsetCommit } from '../../protocol/messages/offset-commit.js';
import { OffsetFetch } from '../../protocol/messages/offset-fetch.js';
import { OffsetForLeaderEpoch } from '../../protocol/messages/offset-for-leader-epoch.js';
import { Produce } from '../../protocol/messages/produce.js';
import { SaslAuthenticate } from '../../protocol/messages/sasl-authenticate.js';
import { SaslHandshake } from '../../protocol/messages/sasl-handshake.js';
import { SyncGroup } from '../../protocol/messages/sync-group.js';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'fuzz');
export const CORPUS_DIR = path.join(FIXTURES, 'corpus');
export const REGRESSIONS_DIR = path.join(FIXTURES, 'regressions');

/** Every response codec kafkaesque has, by API key. */
export const CODECS: ReadonlyMap<number, ApiCodec<unknown, unknown>> = new Map(
  (
    [
      Produce,
      Fetch,
      ListOffsets,
      Metadata,
      OffsetCommit,
      OffsetFetch,
      FindCoordinator,
      JoinGroup,
      Heartbeat,
      LeaveGroup,
      SyncGroup,
      DescribeGroups,
      SaslHandshake,
      ApiVersions,
      CreateTopics,
      InitProducerId,
      OffsetForLeaderEpoch,
      SaslAuthenticate,
      ConsumerGroupHeartbeat,
      CreatePartitions,
    ] as ApiCodec<unknown, unknown>[]
  ).map((c) => [c.apiKey, c]),
);

/** One captured response frame. */
export interface CorpusEntry {
  apiKey: number;
  api: string;
  version: number;
  /** The frame after its size prefix (response header + body), as hex in the files. */
  frame: Buffer;
}

interface CorpusFileEntry {
  apiKey: number;
  api: string;
  version: number;
  frame: string;
}

/** What a regression replays: a response frame, a record set, or a compressed records section. */
export type RegressionTarget = 'response' | 'records' | 'decompress' | 'assignment' | 'subscription' | 'connection';

export interface Regression {
  /** File name, for messages. */
  name: string;
  target: RegressionTarget;
  /** Response frames: the API and version the frame is decoded as. */
  apiKey?: number;
  version?: number;
  /** decompress: the compression type id (0..4). */
  compression?: number;
  /** What broke and how it was fixed. */
  note: string;
  /** The error class the input must end in (`ProtocolDecodeError`, ...); any typed error when absent. */
  expect?: string;
  input: Buffer;
}

/** Loads every corpus file, sorted so the order (and so every seeded run) is stable. */
export function loadCorpus(dir = CORPUS_DIR): CorpusEntry[] {
  if (!fs.existsSync(dir)) return [];
  const out: CorpusEntry[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const entries = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CorpusFileEntry[];
    for (const e of entries) out.push({ apiKey: e.apiKey, api: e.api, version: e.version, frame: Buffer.from(e.frame, 'hex') });
  }
  return out;
}

/** Writes the corpus, one file per API (`fetch.json`), entries sorted by version. */
export function saveCorpus(entries: readonly CorpusEntry[], dir = CORPUS_DIR): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const byApi = new Map<string, CorpusEntry[]>();
  for (const e of entries) {
    const list = byApi.get(e.api) ?? [];
    list.push(e);
    byApi.set(e.api, list);
  }
  const written: string[] = [];
  for (const [api, list] of byApi) {
    list.sort((a, b) => a.version - b.version || a.frame.length - b.frame.length);
    const file = path.join(dir, `${api.replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase())}.json`);
    const body = list.map((e) => JSON.stringify({ apiKey: e.apiKey, api: e.api, version: e.version, frame: e.frame.toString('hex') }));
    fs.writeFileSync(file, `[\n${body.join(',\n')}\n]\n`);
    written.push(file);
  }
  return written;
}

/** Loads the regression inputs (`*.json`: target, note, hex input, and apiKey/version or compression). */
export function loadRegressions(dir = REGRESSIONS_DIR): Regression[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => {
      const raw = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Omit<Regression, 'input' | 'name'> & { input: string };
      return { ...raw, name, input: Buffer.from(raw.input, 'hex') };
    });
}
