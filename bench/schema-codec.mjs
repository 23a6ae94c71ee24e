// The cost of a codec written as a schema (protocol/schema.ts) next to the hand-written one of
// the same API: DescribeGroups (v5, flexible) requests and responses, encoded and decoded, in
// one run. The hand-written codec is protocol/messages/describe-groups.ts; the schema below is
// the same API from DescribeGroupsRequest.json / DescribeGroupsResponse.json.
//
//   npm run build && node bench/schema-codec.mjs [--seconds 1]
//
// Prints a Markdown table; each figure is the median of 5 timed rounds after a warm-up.
import { createRequire } from 'node:module';
import { cliArgs } from './args.mjs';
import { medianRate } from './measure.mjs';

const require = createRequire(import.meta.url);
const p = require('../dist/protocol/index.js');
const { api, f, struct, t } = require('../dist/protocol/schema.js');
const { DescribeGroups } = require('../dist/protocol/messages/describe-groups.js');

const { arg } = cliArgs();
const seconds = Number(arg('seconds', '1'));

const Member = struct('DescribedGroupMember', {
  memberId: f.string(),
  groupInstanceId: f.string().v('4+').ignorable().nullable('4+').default(null),
  clientId: f.string(),
  clientHost: f.string(),
  memberMetadata: f.bytes(),
  memberAssignment: f.bytes(),
});
const Group = struct('DescribedGroup', {
  errorCode: f.int16(),
  errorMessage: f.string().v('6+').nullable('6+').default(null),
  groupId: f.string(),
  groupState: f.string(),
  protocolType: f.string(),
  protocolData: f.string(),
  members: f.array(Member),
  authorizedOperations: f.int32().v('3+').default(-2147483648),
});
const DescribeGroupsSchema = api({
  name: 'DescribeGroups',
  apiKey: 15,
  versions: '0-6',
  flexible: '5+',
  request: { groups: f.array(t.string), includeAuthorizedOperations: f.bool().v('3+') },
  response: { throttleTimeMs: f.int32().v('1+').ignorable(), groups: f.array(Group) },
});

const measure = (fn) => medianRate(fn, seconds);

const V = 5;
const members = (n) =>
  Array.from({ length: n }, (_, i) => ({
    memberId: `consumer-${i}-5c1b2d3e-0000-4000-8000-${String(i).padStart(12, '0')}`,
    groupInstanceId: i % 2 ? `instance-${i}` : null,
    clientId: 'kafkaesque',
    clientHost: `/10.0.${i % 256}.${i % 200}`,
    memberMetadata: Buffer.alloc(40, i),
    memberAssignment: Buffer.alloc(60, i),
  }));
const response = (n) => ({
  throttleTimeMs: 0,
  groups: [{ errorCode: 0, errorMessage: null, groupId: 'orders', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', members: members(n), authorizedOperations: -2147483648 }],
});

const rows = [];
for (const n of [1, 100, 1000]) {
  const res = response(n);
  const w = new p.Writer();
  DescribeGroups.encodeResponse(w, res, V);
  const bytes = Buffer.from(w.finish());
  const w2 = new p.Writer();
  DescribeGroupsSchema.encodeResponse(w2, res, V);
  if (!bytes.equals(Buffer.from(w2.finish()))) throw new Error('the two codecs write different bytes');
  const enc = (codec) => () => {
    const w = new p.Writer(bytes.length + 64);
    codec.encodeResponse(w, res, V);
    w.finish();
  };
  const dec = (codec) => () => codec.decodeResponse(new p.Reader(bytes), V);
  rows.push([n, bytes.length, measure(enc(DescribeGroups)), measure(enc(DescribeGroupsSchema)), measure(dec(DescribeGroups)), measure(dec(DescribeGroupsSchema))]);
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log('| members | bytes | encode, hand-written (ops/s) | encode, schema | decode, hand-written | decode, schema |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [n, b, eh, es, dh, ds] of rows) {
  console.log(`| ${n} | ${fmt(b)} | ${fmt(eh)} | ${fmt(es)} (${((es / eh) * 100).toFixed(0)}%) | ${fmt(dh)} | ${fmt(ds)} (${((ds / dh) * 100).toFixed(0)}%) |`);
}
