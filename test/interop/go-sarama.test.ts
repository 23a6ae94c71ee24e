/**
 * A cn-infra service (Go: IBM/sarama under the messaging/kafka layer, values serialized by
 * keyval.SerializerJSON = protojson with the proto field names) and kafkaesque's Multiplexer
 * on the same topics and groups, through the real broker. Every Multiplexer here is built with
 * its DEFAULTS (no initialOffset, hashFunction, nullKey or serializer anywhere), so the cases
 * prove that the defaults are the Go layer's:
 *
 *  1. Go -> kafkaesque: sarama's SyncProducer (test/interop/go/sarama.go) sends interop.Order
 *     messages with string keys (ASCII, unicode, long, the empty string) and with the Go bytes
 *     connection's null key (`sarama.ByteEncoder(nil)`); a Multiplexer's proto connection reads
 *     every one where sarama put it and decodes it to the message Go encoded (checked field by
 *     field against the protobuf wire encoding Go made of the same message). Then kafkaesque
 *     sends the same keys through the Multiplexer and each lands on sarama's partition.
 *  2. kafkaesque -> Go: a proto publisher sends Orders; a sarama ConsumerGroup member decodes
 *     every one with strict protojson.Unmarshal, and its re-encoding equals the protojson
 *     expected for the message sent.
 *  3. Handover on one group: Go consumes part and commits, a Multiplexer on the group reads
 *     exactly the rest; then a Multiplexer marks and commits part, and the Go member resumes
 *     with exactly the rest.
 *  4. A Multiplexer on a new group reads what was produced before it started (OffsetOldest).
 *  5. One group with a sarama member and a Multiplexer at once: they split the partitions
 *     (the range protocol both offer) and read every record exactly once.
 *
 * The Orders come from a seeded generator that writes each message twice: as the canonical
 * protojson Go writes (proto names, 64-bit integers as strings, RFC 3339 timestamps, ...) and as
 * protobufjs `fromObject` input. Case 1 checks both forms against Go's own encodings first, so
 * neither side of a comparison is our serializer's opinion.
 *
 * Go must be installed (test/helpers/go.ts builds the program); without it, or without the
 * broker, the suite fails; it never skips. Figures go to stderr, one line per case.
 */
import { isDeepStrictEqual } from 'node:util';
import * as protobuf from 'protobufjs';
import { Config } from '../../src/client/config.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { Multiplexer } from '../../src/mux/multiplexer.js';
import type { ProtoMessage } from '../../src/mux/proto.js';
import { saramaPartitionForKey } from '../../src/producer/partitioner.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { buildGoInterop, INTEROP_PROTO, runGo } from '../helpers/go.js';
import { createTopic } from '../helpers/topics.js';
import { until } from '../helpers/wait.js';
import { seeded as rng } from '../helpers/random.js';

jest.setTimeout(60_000);

const { bootstrap } = brokerAddress();
const PARTITIONS = 6;
const EMPTY = Buffer.alloc(0);
/** Where sarama's hash partitioner puts `sarama.ByteEncoder(nil)` (hashed as no bytes). */
const NIL_KEY_PARTITION = saramaPartitionForKey(EMPTY, PARTITIONS);

const root = protobuf.loadSync(INTEROP_PROTO);
const Order = root.lookupType('interop.Order');
const Address = root.lookupType('interop.Address');
const GeoPoint = root.lookupType('interop.GeoPoint');
const LineItem = root.lookupType('interop.LineItem');
const Timestamp = root.lookupType('google.protobuf.Timestamp');
const Duration = root.lookupType('google.protobuf.Duration');

let bin: string;
let admin: Cluster;
const open: Multiplexer[] = [];
const summaries: string[] = [];

beforeAll(async () => {
  bin = await buildGoInterop();
  admin = await Cluster.connect({ brokers: [bootstrap] });
}, 300_000);

afterAll(async () => {
  await Promise.all(open.map((m) => m.close().catch(() => {})));
  await admin?.close();
  if (summaries.length > 0) process.stderr.write(`${summaries.join('\n')}\n`);
});

/**
 * A Multiplexer on a Config that sets nothing the Go layer decides (initialOffset, hashFunction,
 * nullKey), with no options but a group to join: its defaults are under test.
 */
async function defaultMux(prefix: string, groupId?: string): Promise<Multiplexer> {
  const config = new Config({ brokers: [bootstrap], heartbeatIntervalMs: 300, sessionTimeoutMs: 6000, autoCommitIntervalMs: 200, lingerMs: 1 });
  const mx = await Multiplexer.fromConfig(config, uniqueTopic(prefix), groupId !== undefined ? { groupId } : undefined);
  open.push(mx);
  return mx;
}

async function closeMux(mx: Multiplexer): Promise<void> {
  await mx.close();
  open.splice(open.indexOf(mx), 1);
}

// ---- the Go program ---------------------------------------------------------------------------

/** A record for `gointerop produce`: a string key (StringEncoder) or the Go bytes connection's null key. */
interface GoRecord {
  key: string | null;
  order: OrderCase;
}

/** One line of `gointerop produce`'s output. */
interface Produced {
  key: string | null;
  keyKind: 'string' | 'nil-bytes';
  partition: number;
  offset: number;
  /** base64 of the value bytes sarama sent (SerializerJSON's protojson) */
  value: string;
  /** base64 of the same message in the protobuf wire format, as Go encoded it */
  proto: string;
}

/** One line of `gointerop consume`'s output. */
interface Consumed {
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  order?: unknown;
  error?: string;
}

async function goProduce(topic: string, records: GoRecord[]): Promise<Produced[]> {
  const input = records
    .map((r) => JSON.stringify(r.key === null ? { keyKind: 'nil-bytes', order: r.order.json } : { key: r.key, keyKind: 'string', order: r.order.json }))
    .join('\n');
  const r = await runGo(bin, ['produce', '-brokers', bootstrap, '-topic', topic, '-proto', INTEROP_PROTO], input, 60_000);
  if (r.code !== 0) throw new Error(`gointerop produce exited ${r.code}: ${r.stderr}`);
  return lines<Produced>(r.stdout);
}

async function goConsume(topic: string, group: string, count: number, idleMs: number): Promise<Consumed[]> {
  const args = ['consume', '-brokers', bootstrap, '-topic', topic, '-group', group, '-proto', INTEROP_PROTO, '-count', String(count), '-idle-ms', String(idleMs)];
  const r = await runGo(bin, args, '', 60_000);
  if (r.code !== 0) throw new Error(`gointerop consume exited ${r.code}: ${r.stderr}`);
  return lines<Consumed>(r.stdout);
}

function lines<T>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

// ---- seeded Orders, in both forms -------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** One message written twice: canonical protojson (proto names, as Go writes it) and protobufjs `fromObject` input. */
interface OrderCase {
  json: { [k: string]: Json };
  obj: Record<string, unknown>;
}

class Gen {
  constructor(readonly rnd: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }
  u64(): bigint {
    return (BigInt(this.int(0, 0xffffffff)) << 32n) | BigInt(this.int(0, 0xffffffff));
  }
  int64(): bigint {
    return this.chance(0.3) ? this.pick([-(2n ** 63n), 2n ** 63n - 1n, -1n, 1n, 2n ** 53n + 1n]) : BigInt.asIntN(64, this.u64() >> BigInt(this.int(0, 40)));
  }
  uint64(): bigint {
    return this.chance(0.3) ? this.pick([2n ** 64n - 1n, 2n ** 63n, 1n, 2n ** 53n + 1n]) : this.u64() >> BigInt(this.int(0, 40));
  }
  int32(): number {
    return this.chance(0.3) ? this.pick([-2147483648, 2147483647, -1, 1]) : this.int(-100000, 100000);
  }
  bytes(max: number): Buffer {
    return Buffer.from(Array.from({ length: this.int(0, max) }, () => this.int(0, 255)));
  }
  text(): string {
    const n = this.int(1, 3);
    return Array.from({ length: n }, () => this.pick(TEXT)).join(this.pick(['', ' ', '-', '/']));
  }
}

const TEXT = [
  'plain',
  'order',
  'héllo wörld',
  '日本語テキスト',
  'ключ',
  'עברית',
  'e\u0301 combining',
  '🎉🚀 emoji',
  'tab\there',
  'line\nbreak',
  'quote"back\\slash',
  'nul\u0000byte',
  '<html>&amp;',
  '\u2028sep\u2029',
];
const DOUBLES: ReadonlyArray<number> = [0.5, -1.25, 123456.789, 1e21, -2.5e-8, Number.MAX_VALUE, Number.MIN_VALUE, Math.PI, 9007199254740993, -273.15, NaN, Infinity, -Infinity];

/** A double: JSON number, or protojson's "NaN"/"Infinity"/"-Infinity" strings. */
function doubleJson(x: number): Json {
  return Number.isFinite(x) ? x : String(x);
}

/** A message under construction: every field written in both forms. */
class Msg {
  readonly json: { [k: string]: Json } = {};
  readonly obj: Record<string, unknown> = {};
  constructor(readonly type: protobuf.Type) {}

  /** Sets field `protoName`: `json` under the proto name, `obj` under protobufjs's name for it. */
  set(protoName: string, json: Json, obj: unknown): this {
    this.json[protoName] = json;
    this.obj[fieldName(this.type, protoName)] = obj;
    return this;
  }

  /** A field with implicit presence: set only when not its default (protojson omits defaults). */
  scalar(protoName: string, json: Json, obj: unknown, isDefault: boolean): this {
    return isDefault ? this : this.set(protoName, json, obj);
  }

  get pair(): OrderCase {
    return { json: this.json, obj: this.obj };
  }
}

/** protobufjs's name of a field: the proto name, or its lowerCamelCase (protobufjs camel-cases parsed files, not its bundled WKTs). */
function fieldName(type: protobuf.Type, protoName: string): string {
  if (type.fields[protoName] !== undefined) return protoName;
  const camel = protoName.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  if (type.fields[camel] !== undefined) return camel;
  throw new Error(`${type.fullName} has no field ${protoName}`);
}

function geoPoint(g: Gen): Msg {
  const m = new Msg(GeoPoint);
  const lat = g.pick([0, 47.5, -33.8688, 90, -90, 1e-300]);
  const lon = g.pick([0, 19.04, 151.2093, 180, -179.999999]);
  return m.scalar('lat_deg', lat, lat, lat === 0).scalar('lon_deg', lon, lon, lon === 0);
}

function address(g: Gen, sparse = false): Msg {
  const m = new Msg(Address);
  if (!sparse || g.chance(0.5)) {
    const street = g.text();
    m.set('street_name', street, street);
  }
  const house = g.pick([0, 1, 221, 4294967295, g.int(2, 99999)]);
  m.scalar('house_number', house, house, house === 0);
  if (g.chance(0.7)) {
    const city = g.text();
    m.set('city', city, city);
  }
  if (g.chance(0.6)) {
    const geo = geoPoint(g);
    m.set('geo_point', geo.json, geo.obj);
  }
  return m;
}

function lineItem(g: Gen): Msg {
  const m = new Msg(LineItem);
  const sku = `SKU-${g.int(0, 99999)}-${g.pick(TEXT)}`;
  m.set('sku_code', sku, sku);
  const q = g.int32();
  m.scalar('quantity', q, q, q === 0);
  const price = g.int64();
  m.scalar('unit_price_micros', String(price), String(price), price === 0n);
  const tags = Array.from({ length: g.int(0, 3) }, () => (g.chance(0.2) ? '' : g.text()));
  if (tags.length > 0) m.set('gift_tags', tags, tags);
  const attrs: Record<string, string> = {};
  for (let i = g.int(0, 3); i > 0; i--) attrs[g.text()] = g.chance(0.2) ? '' : g.text();
  if (Object.keys(attrs).length > 0) m.set('item_attrs', attrs, attrs);
  return m;
}

const pad = (n: number | bigint, w: number): string => String(n).padStart(w, '0');

/** protojson's fraction: none, or 3, 6 or 9 digits, whichever is shortest and exact. */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1_000_000 === 0) return `.${pad(nanos / 1_000_000, 3)}`;
  if (nanos % 1000 === 0) return `.${pad(nanos / 1000, 6)}`;
  return `.${pad(nanos, 9)}`;
}

function nanosOf(g: Gen): number {
  return g.pick([0, g.int(1, 999) * 1_000_000, g.int(1, 999_999) * 1000, g.int(1, 999_999_999)]);
}

/** A Timestamp in [0001-01-01, 9999-12-31] (protojson's range) as RFC 3339 and as {seconds, nanos}. */
function timestamp(g: Gen): { json: string; obj: { seconds: string; nanos?: number } } {
  const seconds = g.pick([-62135596800, 253402300799, 0, g.int(-62135596800, 253402300799), g.int(1_600_000_000, 1_800_000_000)]);
  const nanos = nanosOf(g);
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return { json: `${iso}${fraction(nanos)}Z`, obj: nanos === 0 ? { seconds: String(seconds) } : { seconds: String(seconds), nanos } };
}

/** A Duration within ±10000 years, seconds and nanos of one sign, as "…s" and as {seconds, nanos}. */
function duration(g: Gen): { json: string; obj: { seconds?: string; nanos?: number } } {
  const sign = g.chance(0.4) ? -1 : 1;
  const seconds = g.pick([0, 1, 59, 3600, 315576000000, g.int(0, 1_000_000_000)]);
  let nanos = nanosOf(g);
  if (seconds === 0 && nanos === 0) nanos = 1;
  const obj: { seconds?: string; nanos?: number } = {};
  if (seconds !== 0) obj.seconds = String(sign * seconds);
  obj.nanos = sign * nanos;
  if (nanos === 0) delete obj.nanos;
  return { json: `${sign < 0 ? '-' : ''}${seconds}${fraction(nanos)}s`, obj };
}

/** A google.protobuf.Value: JSON as is, and protobufjs's {kind} form. */
function value(g: Gen, depth = 0): { json: Json; obj: Record<string, unknown> } {
  const kind = g.int(0, depth < 2 ? 5 : 3);
  switch (kind) {
    case 0:
      return { json: null, obj: { nullValue: 'NULL_VALUE' } };
    case 1: {
      const n = g.pick([0, 1, -7, 2.5, 1e21, -3.25e-7, 123456789012, Number.MAX_SAFE_INTEGER]);
      return { json: n, obj: { numberValue: n } };
    }
    case 2: {
      const s = g.chance(0.2) ? '' : g.text();
      return { json: s, obj: { stringValue: s } };
    }
    case 3: {
      const b = g.chance(0.5);
      return { json: b, obj: { boolValue: b } };
    }
    case 4: {
      const items = Array.from({ length: g.int(0, 3) }, () => value(g, depth + 1));
      return { json: items.map((i) => i.json), obj: { listValue: { values: items.map((i) => i.obj) } } };
    }
    default: {
      const s = struct(g, depth + 1);
      return { json: s.json, obj: { structValue: s.obj } };
    }
  }
}

function struct(g: Gen, depth = 0): { json: { [k: string]: Json }; obj: { fields: Record<string, unknown> } } {
  const json: { [k: string]: Json } = {};
  const fields: Record<string, unknown> = {};
  for (let i = g.int(0, 3); i > 0; i--) {
    const k = g.text();
    const v = value(g, depth);
    json[k] = v.json;
    fields[k] = v.obj;
  }
  return { json, obj: { fields } };
}

/** google.protobuf.Any holding an Address, a Duration or a Timestamp (protojson's "value" form for the last two). */
function any(g: Gen): { json: { [k: string]: Json }; obj: Record<string, unknown> } {
  const Any = root.lookupType('google.protobuf.Any');
  const url = (t: protobuf.Type): string => `type.googleapis.com/${t.fullName.slice(1)}`;
  const wrap = (t: protobuf.Type, json: { [k: string]: Json }, inner: Record<string, unknown>) => ({
    json: { '@type': url(t), ...json },
    obj: { [fieldName(Any, 'type_url')]: url(t), value: Buffer.from(t.encode(t.fromObject(inner)).finish()).toString('base64') },
  });
  switch (g.int(0, 2)) {
    case 0: {
      const a = address(g);
      return wrap(Address, a.json, a.obj);
    }
    case 1: {
      const d = duration(g);
      return wrap(Duration, { value: d.json }, d.obj);
    }
    default: {
      const t = timestamp(g);
      return wrap(Timestamp, { value: t.json }, t.obj);
    }
  }
}

const STATUS = ['STATUS_UNSPECIFIED', 'STATUS_ACTIVE', 'STATUS_SUSPENDED', 'STATUS_CLOSED'] as const;
const MASK_PATHS = ['order_id', 'ship_to.city', 'ship_to.geo_point.lat_deg', 'line_items', 'counters_by_name', 'created_at'];
const lowerCamel = (p: string): string => p.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** An interop.Order with most fields set some of the time; `n` makes order_id unique. */
function order(g: Gen, n: number): OrderCase {
  const m = new Msg(Order);
  const id = `ord-${n}-${g.pick(TEXT)}`;
  m.set('order_id', id, id);
  const customer = g.int64();
  m.scalar('customer_id', String(customer), String(customer), customer === 0n);
  const status = g.pick(STATUS);
  m.scalar('status', status, status, status === 'STATUS_UNSPECIFIED');
  if (g.chance(0.8)) {
    const a = address(g);
    m.set('ship_to', a.json, a.obj);
  }
  const items = Array.from({ length: g.int(0, 3) }, () => lineItem(g));
  if (items.length > 0) m.set('line_items', items.map((i) => i.json), items.map((i) => i.obj));
  if (g.chance(0.6)) {
    const counters: Record<string, string> = {};
    for (let i = g.int(1, 3); i > 0; i--) counters[g.text()] = String(g.chance(0.2) ? 0n : g.int64());
    m.set('counters_by_name', counters, counters);
  }
  if (g.chance(0.5)) {
    const json: { [k: string]: Json } = {};
    const obj: Record<string, unknown> = {};
    for (let i = g.int(1, 3); i > 0; i--) {
      const slot = String(g.int32());
      const a = address(g, true);
      json[slot] = a.json;
      obj[slot] = a.obj;
    }
    m.set('addresses_by_slot', json, obj);
  }
  const blob = g.bytes(48);
  m.scalar('payload_blob', blob.toString('base64'), blob.toString('base64'), blob.length === 0);
  const priority = g.chance(0.5);
  m.scalar('is_priority', priority, priority, !priority);
  const total = g.chance(0.85) ? g.pick(DOUBLES) : 0;
  m.scalar('total_amount', doubleJson(total), total, total === 0);
  // float: k/16 is exact in 32 bits and prints the same in 32 and 64 bits
  const discount = g.chance(0.1) ? g.pick([NaN, Infinity, -Infinity]) : g.int(-16000, 16000) / 16;
  m.scalar('discount_ratio', doubleJson(discount), discount, discount === 0);
  const big = g.uint64();
  m.scalar('big_unsigned', String(big), String(big), big === 0n);
  const fixed = g.uint64();
  m.scalar('fixed_sixty_four', String(fixed), String(fixed), fixed === 0n);
  const sfixed = g.int32();
  m.scalar('signed_fixed', sfixed, sfixed, sfixed === 0);
  const small = g.int32();
  m.scalar('small_signed', small, small, small === 0);
  const history = Array.from({ length: g.int(0, 4) }, () => g.pick(STATUS));
  if (history.length > 0) m.set('status_history', history, history);
  const audit = Array.from({ length: g.int(0, 4) }, () => String(g.int64()));
  if (audit.length > 0) m.set('audit_ids', audit, audit);
  const blobs = Array.from({ length: g.int(0, 3) }, () => g.bytes(12).toString('base64'));
  if (blobs.length > 0) m.set('blob_list', blobs, blobs);
  if (g.chance(0.4)) {
    const flags: Record<string, string> = {};
    if (g.chance(0.7)) flags.true = g.text();
    if (g.chance(0.7)) flags.false = g.chance(0.3) ? '' : g.text();
    if (Object.keys(flags).length > 0) m.set('flag_names', flags, flags);
  }
  if (g.chance(0.4)) {
    const byId: Record<string, string> = {};
    for (let i = g.int(1, 3); i > 0; i--) byId[String(g.pick([0n, 2n ** 64n - 1n, g.uint64()]))] = g.pick(STATUS);
    m.set('status_by_id', byId, byId);
  }
  if (g.chance(0.5)) {
    const count = g.pick([0, g.int32()]); // explicit presence: 0 is sent
    m.set('explicit_count', count, count);
  }
  switch (g.int(0, 3)) {
    case 0: {
      const email = g.chance(0.2) ? '' : `${g.pick(['a', 'ünï', 'x.y'])}@example.org`; // a oneof member is sent even when ''
      m.set('email_address', email, email);
      break;
    }
    case 1:
      m.set('phone_number', '+36 1 234 5678', '+36 1 234 5678');
      break;
    case 2: {
      const a = address(g, true);
      m.set('postal_address', a.json, a.obj);
      break;
    }
    default:
  }
  if (g.chance(0.7)) {
    const t = timestamp(g);
    m.set('created_at', t.json, t.obj);
  }
  if (g.chance(0.5)) {
    const d = duration(g);
    m.set('ttl', d.json, d.obj);
  }
  if (g.chance(0.5)) {
    const note = g.chance(0.25) ? '' : g.text(); // a wrapper holding its default is still sent
    m.set('note', note, { value: note });
  }
  if (g.chance(0.4)) {
    const v = g.int64();
    m.set('wrapped_int64', String(v), { value: String(v) });
  }
  if (g.chance(0.4)) {
    const v = g.chance(0.5);
    m.set('wrapped_bool', v, { value: v });
  }
  if (g.chance(0.4)) {
    const v = g.pick([0, ...DOUBLES]);
    m.set('wrapped_double', doubleJson(v), { value: v });
  }
  if (g.chance(0.4)) {
    const v = g.bytes(16).toString('base64');
    m.set('wrapped_bytes', v, { value: v });
  }
  if (g.chance(0.4)) {
    const v = g.pick([0, 1, 4294967295, g.int(0, 1_000_000)]);
    m.set('wrapped_uint32', v, { value: v });
  }
  if (g.chance(0.5)) {
    const s = struct(g);
    m.set('extra', s.json, s.obj);
  }
  if (g.chance(0.5)) {
    const v = value(g);
    m.set('dynamic_value', v.json, v.obj);
  }
  if (g.chance(0.4)) {
    const items = Array.from({ length: g.int(0, 3) }, () => value(g, 1));
    m.set('list_value', items.map((i) => i.json), { values: items.map((i) => i.obj) });
  }
  if (g.chance(0.5)) {
    const a = any(g);
    m.set('detail', a.json, a.obj);
  }
  if (g.chance(0.4)) {
    const paths = MASK_PATHS.filter(() => g.chance(0.4));
    m.set('update_mask', paths.map(lowerCamel).join(','), { paths });
  }
  if (g.chance(0.3)) m.set('nothing', {}, {});
  const times = Array.from({ length: g.int(0, 3) }, () => timestamp(g));
  if (times.length > 0) m.set('event_times', times.map((t) => t.json), times.map((t) => t.obj));
  if (g.chance(0.4)) {
    const json: { [k: string]: Json } = {};
    const obj: Record<string, unknown> = {};
    for (let i = g.int(1, 3); i > 0; i--) {
      const k = g.text();
      const v = value(g, 1);
      json[k] = v.json;
      obj[k] = v.obj;
    }
    m.set('value_map', json, obj);
  }
  if (g.chance(0.6)) {
    const s = g.text();
    m.set('name_with_json_name', s, s); // proto name on the wire (UseProtoNames), not "customJsonName"
  }
  return m.pair;
}

function orders(seed: number, n: number): OrderCase[] {
  const g = new Gen(rng(seed));
  return Array.from({ length: n }, (_, i) => order(g, i));
}

/** `count` distinct keys: the empty key, ASCII, unicode, control characters, long ones. */
function distinctKeys(seed: number, count: number): string[] {
  const g = new Gen(rng(seed));
  const keys = new Set<string>(['']);
  while (keys.size < count) {
    const i = keys.size;
    switch (i % 5) {
      case 0:
        keys.add(`user-${i}`);
        break;
      case 1:
        keys.add(`${g.pick(TEXT)}-${i}`);
        break;
      case 2:
        keys.add(`k${i}-${'long key '.repeat(g.int(20, 120))}`);
        break;
      case 3:
        keys.add(`${String.fromCodePoint(g.int(0x4e00, 0x9fff), g.int(0x1f300, 0x1f5ff))}${i}`);
        break;
      default:
        keys.add(String(g.int(0, 1e9)));
    }
  }
  return [...keys];
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const r = rng(seed);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

// ---- comparing messages -----------------------------------------------------------------------

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: false };
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/**
 * A message as data, for comparison: protobufjs's toObject (64-bit integers as decimal strings,
 * enums by name, bytes base64), without fields that hold their default under implicit presence
 * (set or not, they are the same message on the wire), floats at 32-bit precision, and an Any's
 * payload decoded.
 */
function canonical(type: protobuf.Type, message: object): Record<string, unknown> {
  const m = message instanceof (type.ctor as unknown as new () => object) ? message : type.fromObject(message as Record<string, unknown>);
  return tidy(type, type.toObject(m as protobuf.Message, TO_OBJECT));
}

function tidy(type: protobuf.Type, o: Record<string, unknown>): Record<string, unknown> {
  if (type.fullName === '.google.protobuf.Any') return expandAny(o);
  const out: Record<string, unknown> = {};
  for (const f of type.fieldsArray) {
    f.resolve();
    const v = o[f.name];
    if (v === undefined || v === null) continue;
    if (f.map) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length > 0) out[f.name] = Object.fromEntries(entries.map(([k, x]) => [k, element(f, x)]));
    } else if (f.repeated) {
      if ((v as unknown[]).length > 0) out[f.name] = (v as unknown[]).map((x) => element(f, x));
    } else {
      const e = element(f, v);
      if (f.partOf === null && !(f.resolvedType instanceof protobuf.Type) && isDefault(f, e)) continue;
      out[f.name] = e;
    }
  }
  return out;
}

function element(f: protobuf.Field, x: unknown): unknown {
  if (f.resolvedType instanceof protobuf.Type) return tidy(f.resolvedType, x as Record<string, unknown>);
  if (f.type === 'float' && typeof x === 'number') return Math.fround(x);
  return x;
}

function isDefault(f: protobuf.Field, x: unknown): boolean {
  if (f.resolvedType instanceof protobuf.Enum) return x === 0 || f.resolvedType.values[x as string] === 0;
  if (f.type === 'string' || f.type === 'bytes') return x === '';
  if (f.type === 'bool') return x === false;
  if (LONG_TYPES.has(f.type)) return x === '0' || x === 0;
  return Object.is(x, 0);
}

function expandAny(o: Record<string, unknown>): Record<string, unknown> {
  const url = (o.type_url ?? o.typeUrl) as string | undefined;
  if (url === undefined || url === '') return {};
  const inner = root.lookupType(url.slice(url.lastIndexOf('/') + 1));
  const bytes = Buffer.from((o.value as string | undefined) ?? '', 'base64');
  return { '@type': url, ...tidy(inner, inner.toObject(inner.decode(bytes), TO_OBJECT)) };
}

/** Index of records by partition and offset. */
const at = (partition: number, offset: number | bigint): string => `${partition}@${offset}`;

/** Runs `fn` over `items`, at most `n` at a time. */
async function pool<T, R>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

interface Received {
  partition: number;
  offset: bigint;
  key: Buffer | null;
  message: ProtoMessage;
}

/** What a Go record's key looks like on the wire: null for the nil ByteEncoder, else the UTF-8 bytes (possibly none). */
const wireKey = (key: string | null): Buffer | null => (key === null ? null : Buffer.from(key, 'utf8'));

/** Decodes a received proto message and compares it with the expected canonical form; the error text when it throws. */
function decodeAndCompare(m: ProtoMessage, expected: Record<string, unknown>): { ok: boolean; got?: unknown; error?: string } {
  try {
    const got = canonical(Order, m.getValue(Order));
    return isDeepStrictEqual(got, expected) ? { ok: true } : { ok: false, got };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

// ---- the cases --------------------------------------------------------------------------------

test('1. Go -> kafkaesque: a default Multiplexer reads what sarama sent where sarama put it, decodes it field for field, and puts the same keys on the same partitions', async () => {
  const topic = await createTopic(admin, uniqueTopic('go-sarama-1'), PARTITIONS);
  const keys = distinctKeys(11, 320);
  const cases = orders(1, keys.length * 2 + 40);
  // every key twice, 24 records with the bytes connection's nil key, in a shuffled order
  const records: GoRecord[] = shuffle(
    [...keys, ...keys, ...Array.from({ length: 24 }, () => null)].map((key, i) => ({ key, order: cases[i]! })),
    12,
  );

  const mx = await defaultMux('go-sarama-1');
  const conn = mx.newProtoConnection('x'); // the Multiplexer's default serializer
  const received: Received[] = [];
  conn.consumeTopic((m) => {
    received.push({ partition: m.partition, offset: m.offset, key: m.key, message: m });
    conn.markOffset(m);
  }, topic);
  await mx.start();
  await until(() => mx.assignment().length === PARTITIONS, 20_000, 'the Multiplexer owns all partitions');

  // side by side: sarama produces while the Multiplexer consumes
  const started = Date.now();
  const produced = await goProduce(topic, records);
  const produceMs = Date.now() - started;
  expect(produced).toHaveLength(records.length);

  // the generator writes what Go writes: its protojson is Go's canonical output, its protobufjs form decodes from Go's wire encoding
  const expected = records.map((r) => canonical(Order, r.order.obj));
  const jsonForms = produced.filter((p, i) => isDeepStrictEqual(JSON.parse(Buffer.from(p.value, 'base64').toString('utf8')), records[i]!.order.json)).length;
  const wireForms = produced.filter((p, i) => isDeepStrictEqual(canonical(Order, Order.decode(Buffer.from(p.proto, 'base64'))), expected[i])).length;
  const firstJson = produced.findIndex((p, i) => !isDeepStrictEqual(JSON.parse(Buffer.from(p.value, 'base64').toString('utf8')), records[i]!.order.json));
  if (firstJson >= 0) expect(JSON.parse(Buffer.from(produced[firstJson]!.value, 'base64').toString('utf8'))).toEqual(records[firstJson]!.order.json);
  expect(jsonForms).toBe(records.length);
  expect(wireForms).toBe(records.length);

  // sarama's partitions: FNV-1a for a key, and the empty key's partition for ByteEncoder(nil)
  const saramaPartitionOf = new Map<string | null, number>();
  for (const p of produced) {
    const k = p.keyKind === 'nil-bytes' ? null : p.key!;
    expect(saramaPartitionOf.get(k) ?? p.partition).toBe(p.partition); // one partition per key
    saramaPartitionOf.set(k, p.partition);
  }
  const nilPartitions = new Set(produced.filter((p) => p.keyKind === 'nil-bytes').map((p) => p.partition));

  await until(() => received.length >= records.length, 30_000, `the Multiplexer received the ${records.length} records sarama sent (got ${received.length})`).catch(() => {});
  const receivedFromGo = received.length;
  const byPosition = new Map(received.map((r) => [at(r.partition, r.offset), r]));
  let arrived = 0;
  let keysRight = 0;
  let fieldsRight = 0;
  const mismatches: Array<{ key: string | null; expected: unknown; got?: unknown; error?: string }> = [];
  produced.forEach((p, i) => {
    const r = byPosition.get(at(p.partition, p.offset));
    if (r === undefined) return;
    arrived++;
    const key = wireKey(records[i]!.key);
    if (key === null ? r.key === null : r.key !== null && r.key.equals(key)) keysRight++;
    const c = decodeAndCompare(r.message, expected[i]!);
    if (c.ok) fieldsRight++;
    else if (mismatches.length < 3) mismatches.push({ key: records[i]!.key, expected: expected[i], got: c.got, error: c.error });
  });

  // kafkaesque sends the same keys through the Multiplexer: bytes (Buffer keys), strings, proto publisher
  const bytesConn = mx.newBytesConnection('bytes');
  const publisher = conn.newSyncPublisher(topic);
  const value = Buffer.from(produced[0]!.value, 'base64');
  const sends: Array<{ key: string | null; how: string }> = [
    ...keys.map((key, i) => ({ key, how: ['sendSyncByte', 'sendSyncString', 'put'][i % 3]! })),
    { key: null, how: 'sendSyncByte' },
    { key: null, how: 'sendSyncString' },
    { key: '', how: 'put' }, // a Go proto publisher's Put("", msg): StringEncoder(""), an empty key
  ];
  const placed = await pool(sends, 16, async ({ key, how }) => {
    if (how === 'sendSyncByte') return bytesConn.sendSyncByte(topic, key === null ? null : Buffer.from(key, 'utf8'), value);
    if (how === 'sendSyncString') return bytesConn.sendSyncString(topic, key, value.toString('utf8'));
    return publisher.put(key, Order.fromObject(records[0]!.order.obj));
  });
  const samePartition = placed.filter((res, i) => res.partition === saramaPartitionOf.get(sends[i]!.key)).length;
  const nullKeyPartitions = placed.filter((_, i) => sends[i]!.key === null).map((res) => res.partition);

  summaries.push(
    `go-sarama 1 (Go -> kafkaesque): sarama sent ${produced.length} records (${keys.length} distinct keys incl. the empty key, each twice; 24 with ByteEncoder(nil)) in ${produceMs} ms; ` +
      `the default Multiplexer received ${arrived}/${produced.length} at sarama's partition and offset, keys intact ${keysRight}/${produced.length}, ` +
      `all fields equal ${fieldsRight}/${produced.length}; ByteEncoder(nil) landed on partition ${[...nilPartitions].join(',')} (the empty key's: ${NIL_KEY_PARTITION}); ` +
      `kafkaesque sends on sarama's partition: ${samePartition}/${sends.length} (null keys on ${[...new Set(nullKeyPartitions)].join(',')})`,
  );

  expect(nilPartitions).toEqual(new Set([NIL_KEY_PARTITION]));
  for (const [k, p] of saramaPartitionOf) if (k !== null) expect(p).toBe(saramaPartitionForKey(Buffer.from(k, 'utf8'), PARTITIONS));
  expect(arrived).toBe(produced.length);
  expect(receivedFromGo).toBe(produced.length);
  expect(keysRight).toBe(produced.length);
  expect(mismatches).toEqual([]);
  expect(fieldsRight).toBe(produced.length);
  expect(samePartition).toBe(sends.length);
  await closeMux(mx);
});

test('2. kafkaesque -> Go: a default Multiplexer publishes Orders; sarama decodes every one with strict protojson, field for field', async () => {
  const topic = await createTopic(admin, uniqueTopic('go-sarama-2'), PARTITIONS);
  const keys = distinctKeys(21, 300);
  const cases = orders(2, keys.length * 2 + 40);
  const sends = shuffle(
    [...keys, ...keys, ...Array.from({ length: 20 }, () => null), ...Array.from({ length: 20 }, () => '')].map((key, i) => ({ key, order: cases[i]! })),
    22,
  );

  const mx = await defaultMux('go-sarama-2');
  const publisher = mx.newProtoConnection('orders').newSyncPublisher(topic);
  const started = Date.now();
  const placed = await pool(sends, 16, (s) => publisher.put(s.key, Order.fromObject(s.order.obj)));
  const sendMs = Date.now() - started;
  const onSaramaPartition = placed.filter((res, i) => res.partition === saramaPartitionForKey(sends[i]!.key === null ? EMPTY : Buffer.from(sends[i]!.key!, 'utf8'), PARTITIONS)).length;

  const consumed = await goConsume(topic, uniqueTopic('go-sarama-2-group'), sends.length, 5000);
  const sent = new Map(placed.map((res, i) => [at(res.partition, res.offset), sends[i]!]));
  let matched = 0;
  let keysRight = 0;
  let asProtojsonWrites = 0;
  const errors: string[] = [];
  const mismatches: Array<{ key: string | null; expected: unknown; got: unknown }> = [];
  for (const c of consumed) {
    const s = sent.get(at(c.partition, c.offset));
    if (s === undefined) continue;
    const key = wireKey(s.key);
    if (key === null ? c.key === null : c.key === key.toString('base64')) keysRight++;
    if (c.error !== undefined) {
      if (errors.length < 3) errors.push(c.error);
      continue;
    }
    if (isDeepStrictEqual(c.order, s.order.json)) matched++;
    else if (mismatches.length < 3) mismatches.push({ key: s.key, expected: s.order.json, got: c.order });
    // what we wrote is, as JSON, what protojson writes (proto names, int64 as strings, ...)
    if (isDeepStrictEqual(JSON.parse(Buffer.from(c.value, 'base64').toString('utf8')), c.order)) asProtojsonWrites++;
  }

  summaries.push(
    `go-sarama 2 (kafkaesque -> Go): the default Multiplexer published ${sends.length} Orders (${keys.length} distinct keys x2, 20 empty keys, 20 null keys) in ${sendMs} ms, ` +
      `${onSaramaPartition}/${sends.length} on sarama's partition; sarama read ${consumed.length}, decoded strictly ${consumed.length - consumed.filter((c) => c.error).length}, ` +
      `all fields equal ${matched}/${sends.length}, keys intact ${keysRight}/${sends.length}, values equal (as JSON) to protojson's own output ${asProtojsonWrites}/${sends.length}`,
  );

  expect(consumed).toHaveLength(sends.length);
  expect(new Set(consumed.map((c) => at(c.partition, c.offset)))).toEqual(new Set(sent.keys()));
  expect(errors).toEqual([]);
  expect(mismatches).toEqual([]);
  expect(matched).toBe(sends.length);
  expect(keysRight).toBe(sends.length);
  expect(asProtojsonWrites).toBe(sends.length);
  expect(onSaramaPartition).toBe(sends.length);
  await closeMux(mx);
});

test('3. handover on one group: Go commits part and a Multiplexer reads exactly the rest; a Multiplexer commits part and Go reads exactly the rest', async () => {
  const topic = await createTopic(admin, uniqueTopic('go-sarama-3'), PARTITIONS);
  const group = uniqueTopic('go-sarama-3-group');
  const keys = distinctKeys(31, 60);
  const cases = orders(3, 480);
  const keyOf = (i: number): string | null => (i % 10 === 9 ? null : keys[i % keys.length]!);

  // Go -> kafkaesque: sarama writes 240, the Go member takes 100 and commits them
  const first = await goProduce(topic, cases.slice(0, 240).map((order, i) => ({ key: keyOf(i), order })));
  const goPart = await goConsume(topic, group, 100, 5000);
  const goSeen = new Set(goPart.map((c) => at(c.partition, c.offset)));
  const firstAll = new Set(first.map((p) => at(p.partition, p.offset)));

  const mxA = await defaultMux('go-sarama-3a', group);
  const connA = mxA.newProtoConnection('x');
  const gotA: Received[] = [];
  connA.consumeTopic((m) => {
    gotA.push({ partition: m.partition, offset: m.offset, key: m.key, message: m });
    connA.markOffset(m);
  }, topic);
  await mxA.start();
  await until(() => gotA.length >= 140, 30_000, `the Multiplexer read the 140 Go left (got ${gotA.length})`).catch(() => {});
  await new Promise((r) => setTimeout(r, 1000)); // anything re-read would come now
  const seenA = gotA.map((r) => at(r.partition, r.offset));
  const reReadA = seenA.filter((k) => goSeen.has(k)).length;
  const restA = [...firstAll].filter((k) => !goSeen.has(k));
  const missedA = restA.filter((k) => !seenA.includes(k)).length;
  const byPositionA = new Map(first.map((p, i) => [at(p.partition, p.offset), i]));
  const decodedA = gotA.filter((r) => decodeAndCompare(r.message, canonical(Order, cases[byPositionA.get(at(r.partition, r.offset))!]!.obj)).ok).length;
  await closeMux(mxA); // commits everything it marked

  // kafkaesque -> Go: 240 more through a Multiplexer; another Multiplexer on the group marks 100, commits, closes
  const mxP = await defaultMux('go-sarama-3p');
  const publisher = mxP.newProtoConnection('orders').newSyncPublisher(topic);
  const second = await pool(cases.slice(240), 16, (order, i) => publisher.put(keyOf(i), Order.fromObject(order.obj)));
  const secondAll = new Set(second.map((r) => at(r.partition, r.offset)));
  const mxB = await defaultMux('go-sarama-3b', group);
  const connB = mxB.newProtoConnection('x');
  const markedB: string[] = [];
  const extraB: string[] = [];
  connB.consumeTopic((m) => {
    const k = at(m.partition, m.offset);
    if (!secondAll.has(k)) extraB.push(k); // the first 240 were all committed
    else if (markedB.length < 100) {
      markedB.push(k);
      connB.markOffset(m);
    }
  }, topic);
  await mxB.start();
  await until(() => markedB.length >= 100, 30_000, `the Multiplexer marked 100 (marked ${markedB.length})`).catch(() => {});
  await connB.commitOffsets();
  await closeMux(mxB);

  const goRest = await goConsume(topic, group, 1000, 4000);
  const goRestSeen = goRest.map((c) => at(c.partition, c.offset));
  const markedSet = new Set(markedB);
  const reReadB = goRestSeen.filter((k) => markedSet.has(k) || firstAll.has(k)).length;
  const missedB = [...secondAll].filter((k) => !markedSet.has(k) && !goRestSeen.includes(k)).length;
  const byPositionB = new Map(second.map((r, i) => [at(r.partition, r.offset), i]));
  const decodedB = goRest.filter((c) => c.error === undefined && isDeepStrictEqual(c.order, cases[240 + (byPositionB.get(at(c.partition, c.offset)) ?? -1)]?.json)).length;
  await closeMux(mxP);

  summaries.push(
    `go-sarama 3 (handover on group ${group}): Go -> kafkaesque: Go committed ${goPart.length} of ${first.length}, the Multiplexer read ${gotA.length} ` +
      `(expected ${restA.length}; lost ${missedA}, re-read ${reReadA}), all fields equal ${decodedA}/${gotA.length}; ` +
      `kafkaesque -> Go: the Multiplexer committed ${markedB.length} of ${second.length} (earlier records redelivered to it: ${extraB.length}), Go read ${goRest.length} (expected ${second.length - markedB.length}; lost ${missedB}, re-read ${reReadB}), ` +
      `all fields equal ${decodedB}/${goRest.length}`,
  );

  expect(goPart).toHaveLength(100);
  expect(goPart.filter((c) => c.error !== undefined)).toEqual([]);
  expect(missedA).toBe(0);
  expect(reReadA).toBe(0);
  expect(gotA).toHaveLength(restA.length);
  expect(decodedA).toBe(gotA.length);
  expect(markedB).toHaveLength(100);
  expect(extraB).toEqual([]);
  expect(missedB).toBe(0);
  expect(reReadB).toBe(0);
  expect(goRest).toHaveLength(second.length - markedB.length);
  expect(decodedB).toBe(goRest.length);
});

test('4. a default Multiplexer on a new group reads what was produced before it started (OffsetOldest)', async () => {
  const topic = await createTopic(admin, uniqueTopic('go-sarama-4'), PARTITIONS);
  const keys = distinctKeys(41, 40);
  const cases = orders(4, 120);
  const produced = await goProduce(topic, cases.map((order, i) => ({ key: i % 8 === 7 ? null : keys[i % keys.length]!, order })));

  const mx = await defaultMux('go-sarama-4');
  const conn = mx.newProtoConnection('x');
  const got: Received[] = [];
  conn.consumeTopic((m) => void got.push({ partition: m.partition, offset: m.offset, key: m.key, message: m }), topic);
  await mx.start();
  await until(() => got.length >= produced.length, 20_000, `the Multiplexer read the ${produced.length} earlier records (got ${got.length})`).catch(() => {});
  await new Promise((r) => setTimeout(r, 300));
  const seen = new Set(got.map((r) => at(r.partition, r.offset)));
  const read = produced.filter((p) => seen.has(at(p.partition, p.offset))).length;

  summaries.push(`go-sarama 4 (new group, defaults): ${read}/${produced.length} records produced before start were read (received ${got.length})`);

  expect(read).toBe(produced.length);
  expect(got).toHaveLength(produced.length);
  await closeMux(mx);
});

test('5. one group with members on both sides at once: sarama and a Multiplexer split the partitions, every record read once', async () => {
  const topic = await createTopic(admin, uniqueTopic('go-sarama-5'), PARTITIONS);
  const group = uniqueTopic('go-sarama-5-group');
  const { spawn } = await import('node:child_process');
  const go = spawn(bin, ['consume', '-live', '-brokers', bootstrap, '-topic', topic, '-group', group, '-proto', INTEROP_PROTO, '-join-ms', '30000'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let goOut = '';
  let goErr = '';
  go.stdout.on('data', (d: Buffer) => (goOut += d.toString()));
  go.stderr.on('data', (d: Buffer) => (goErr += d.toString()));
  const goExit = new Promise<number | null>((resolve) => go.on('close', (code) => resolve(code)));
  /** The partitions of the Go member's latest assignment (it prints each on stderr). */
  const goAssigned = (): number[] | undefined => {
    const all = [...goErr.matchAll(/generation (\d+) assigned (\{.*\})/g)];
    const last = all[all.length - 1];
    return last === undefined ? undefined : ((JSON.parse(last[2]!) as Record<string, number[]>)[topic] ?? []).slice().sort((a, b) => a - b);
  };
  const generations = (): number => [...goErr.matchAll(/generation (\d+) assigned/g)].length;
  try {
    await until(() => goAssigned()?.length === PARTITIONS, 30_000, `the Go member alone owning all ${PARTITIONS} partitions (stderr: ${goErr})`);

    const mx = await defaultMux('go-sarama-5', group);
    const conn = mx.newProtoConnection('x');
    const ours: Received[] = [];
    conn.consumeTopic((m) => {
      ours.push({ partition: m.partition, offset: m.offset, key: m.key, message: m });
      conn.markOffset(m);
    }, topic);
    await mx.start();
    // the join rebalances the group: both members hold partitions, none twice, none left out
    await until(
      () => {
        const theirs = goAssigned() ?? [];
        const mine = mx.assignment().filter((tp) => tp.topic === topic).map((tp) => tp.partition);
        return generations() >= 2 && theirs.length > 0 && mine.length > 0 && new Set([...theirs, ...mine]).size === PARTITIONS && theirs.length + mine.length === PARTITIONS;
      },
      40_000,
      `a split of the ${PARTITIONS} partitions between Go (${JSON.stringify(goAssigned())}) and kafkaesque (${JSON.stringify(mx.assignment())})`,
    );
    const goPartitions = goAssigned()!;
    const ourPartitions = mx.assignment().filter((tp) => tp.topic === topic).map((tp) => tp.partition).sort((a, b) => a - b);

    const keys = distinctKeys(51, 120);
    const cases = orders(5, 360);
    const publisher = conn.newSyncPublisher(topic);
    const sent = await pool(cases, 8, async (c, i) => {
      const key = keys[i % keys.length]!;
      const r = await publisher.put(key, Order.fromObject(c.obj));
      return { key, partition: r.partition, offset: Number(r.offset) };
    });
    const goLines = (): Consumed[] => lines<Consumed>(goOut.slice(0, goOut.lastIndexOf('\n') + 1));
    await until(() => ours.length + goLines().length >= sent.length, 30_000, `${sent.length} records between the two members`);
    await new Promise((r) => setTimeout(r, 500)); // anything read twice would show up now
    go.stdin.end(); // the Go member leaves the group, committing what it read
    expect(await goExit).toBe(0);
    const theirs = goLines();

    const readBy = new Map<string, string[]>();
    for (const r of ours) readBy.set(at(r.partition, r.offset), [...(readBy.get(at(r.partition, r.offset)) ?? []), 'kafkaesque']);
    for (const r of theirs) readBy.set(at(r.partition, r.offset), [...(readBy.get(at(r.partition, r.offset)) ?? []), 'go']);
    const lost = sent.filter((s) => !readBy.has(at(s.partition, s.offset))).length;
    const twice = [...readBy.values()].filter((v) => v.length > 1).length;
    const decodedByGo = theirs.filter((r) => r.error === undefined && r.order !== undefined).length;
    summaries.push(
      `go-sarama 5 (one group, both sides): sarama held partitions ${JSON.stringify(goPartitions)}, the Multiplexer ${JSON.stringify(ourPartitions)}; ` +
        `${sent.length} records: Go read ${theirs.length} (decoded ${decodedByGo}), kafkaesque ${ours.length}; lost ${lost}, read twice ${twice}`,
    );

    expect(lost).toBe(0);
    expect(twice).toBe(0);
    expect(theirs.length).toBeGreaterThan(0);
    expect(ours.length).toBeGreaterThan(0);
    expect(decodedByGo).toBe(theirs.length);
    expect(new Set(theirs.map((r) => r.partition)).size).toBeLessThanOrEqual(goPartitions.length);
    for (const r of theirs) expect(goPartitions).toContain(r.partition);
    for (const r of ours) expect(ourPartitions).toContain(r.partition);
    await closeMux(mx);
  } finally {
    if (go.exitCode === null) go.kill('SIGKILL');
  }
});
