// The broker harness, Kafka wire probes (ApiVersions v0, Metadata v4). scripts/broker/harness.mjs is the public module; docs/broker.md the manual.
import net from 'node:net';

// ------------------------------------------------------------------------------------------
// Kafka wire probes (tiny: ApiVersions v0 and Metadata v4, non-flexible)
// ------------------------------------------------------------------------------------------

/** Resolves true when something accepts a TCP connection on host:port. */
export function tcpCheck(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

let correlation = 1;

/** One request/response on a fresh connection; resolves the response body (after the header). */
export function kafkaRequest(host, port, apiKey, apiVersion, body = Buffer.alloc(0), timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('kafkaesque-harness');
    const corr = correlation++ & 0x7fffffff;
    const header = Buffer.alloc(10);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(corr, 4);
    header.writeInt16BE(clientId.length, 8);
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + clientId.length + body.length, 0);
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const fail = (e) => {
      sock.destroy();
      reject(e);
    };
    sock.setTimeout(timeoutMs, () => fail(new Error(`timeout talking to ${host}:${port}`)));
    sock.once('error', fail);
    sock.once('close', () => reject(new Error(`connection to ${host}:${port} closed`)));
    sock.once('connect', () => sock.write(Buffer.concat([size, header, clientId, body])));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4) return;
      const len = buf.readInt32BE(0);
      if (buf.length < 4 + len) return;
      sock.destroy();
      const got = buf.readInt32BE(4);
      if (got !== corr) reject(new Error(`correlation id ${got} != ${corr}`));
      else resolve(buf.subarray(8, 4 + len));
    });
  });
}

/** ApiVersions v0 -> { errorCode, apis: Map<key, [min, max]> } */
export async function apiVersions(host, port, timeoutMs = 2000) {
  const b = await kafkaRequest(host, port, 18, 0, Buffer.alloc(0), timeoutMs);
  const errorCode = b.readInt16BE(0);
  const n = b.readInt32BE(2);
  const apis = new Map();
  for (let i = 0, o = 6; i < n; i++, o += 6) apis.set(b.readInt16BE(o), [b.readInt16BE(o + 2), b.readInt16BE(o + 4)]);
  return { errorCode, apis };
}

/** True when a Kafka broker answers ApiVersions on host:port. */
export async function kafkaProbe(host, port, timeoutMs = 2000) {
  try {
    const r = await apiVersions(host, port, timeoutMs);
    return r.errorCode === 0 && r.apis.has(3);
  } catch {
    return false;
  }
}

/** Metadata v4 with no topics -> { brokers: [{ id, host, port }], controllerId, clusterId } */
export async function metadataBrokers(host, port, timeoutMs = 2000) {
  const req = Buffer.from([0, 0, 0, 0, 0]); // topics: empty array; allow_auto_topic_creation: false
  const b = await kafkaRequest(host, port, 3, 4, req, timeoutMs);
  let o = 4; // throttle_time_ms
  const n = b.readInt32BE(o);
  o += 4;
  const brokers = [];
  const str = () => {
    const len = b.readInt16BE(o);
    o += 2;
    if (len < 0) return null;
    const s = b.toString('utf8', o, o + len);
    o += len;
    return s;
  };
  for (let i = 0; i < n; i++) {
    const id = b.readInt32BE(o);
    o += 4;
    const h = str();
    const p = b.readInt32BE(o);
    o += 4;
    str(); // rack
    brokers.push({ id, host: h, port: p });
  }
  const clusterId = str();
  const controllerId = b.readInt32BE(o);
  return { brokers, clusterId, controllerId };
}
