/**
 * A fake broker on 127.0.0.1 for what a real broker cannot be made to do: garbage bytes,
 * half-written frames, responses to requests never sent. It answers ApiVersions with our own
 * codec (so a BrokerConnection can connect), then hands every later request to the scenario.
 */
import * as net from 'node:net';
import { decodeRequestHeader, encodeResponseHeader } from '../../protocol/header.js';
import type { ApiCodec } from '../../protocol/api.js';
import { ApiVersions, type ApiVersionsResponse } from '../../protocol/messages/api-versions.js';
import { CreateTopics } from '../../protocol/messages/create-topics.js';
import { Fetch } from '../../protocol/messages/fetch.js';
import { InitProducerId } from '../../protocol/messages/init-producer-id.js';
import { ListOffsets } from '../../protocol/messages/list-offsets.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { Produce } from '../../protocol/messages/produce.js';
import { Reader } from '../../protocol/reader.js';
import { Writer } from '../../protocol/writer.js';
import type { RequestHeader } from '../../protocol/header.js';

export interface FakeRequest {
  header: RequestHeader;
  /** The request body (after the header). */
  body: Reader;
  socket: net.Socket;
}

export interface FakeBrokerOptions {
  /** Called for every request but the first ApiVersions. */
  onRequest?: (req: FakeRequest) => void;
  /** Overrides the ApiVersions answer (raw frame writer); default: a 4.x-like answer. */
  onApiVersions?: (req: FakeRequest) => void;
}

/** ApiVersions ranges a 4.2 broker advertises for the APIs the tests use. */
export const FAKE_API_RANGES = [
  { apiKey: 0, minVersion: 0, maxVersion: 13 },
  { apiKey: 1, minVersion: 4, maxVersion: 18 },
  { apiKey: 2, minVersion: 1, maxVersion: 11 },
  { apiKey: 3, minVersion: 0, maxVersion: 13 },
  { apiKey: 18, minVersion: 0, maxVersion: 4 },
  { apiKey: 19, minVersion: 2, maxVersion: 7 },
  { apiKey: 22, minVersion: 0, maxVersion: 5 },
];

/** The codecs the fake knows, by API key: they tell the request header version. */
const CODECS: Record<number, ApiCodec<unknown, unknown>> = Object.fromEntries(
  [Produce, Fetch, ListOffsets, Metadata, ApiVersions, CreateTopics, InitProducerId].map((c) => [
    c.apiKey,
    c as ApiCodec<unknown, unknown>,
  ]),
);

/** Writes a response frame for `codec` at `version` (header included). */
export function writeResponse<Res>(
  socket: net.Socket,
  codec: ApiCodec<unknown, Res>,
  version: number,
  correlationId: number,
  response: Res,
): void {
  const w = new Writer();
  encodeResponseHeader(w, { correlationId }, codec.responseHeaderVersion(version));
  codec.encodeResponse(w, response, version);
  writeFrame(socket, Buffer.from(w.finish()));
}

/** Writes one frame: INT32 size then `body`. */
export function writeFrame(socket: net.Socket, body: Buffer): void {
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(body.length, 0);
  socket.write(Buffer.concat([size, body]));
}

/** Encodes an ApiVersions response frame body (header v0 + body) for a correlation id. */
export function apiVersionsResponseBody(
  correlationId: number,
  version: number,
  override?: Partial<ApiVersionsResponse>,
): Buffer {
  const w = new Writer();
  encodeResponseHeader(w, { correlationId }, 0);
  ApiVersions.encodeResponse(
    w,
    {
      errorCode: 0,
      apiKeys: FAKE_API_RANGES,
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
      ...override,
    },
    version,
  );
  return Buffer.from(w.finish());
}

export class FakeBroker {
  readonly server: net.Server;
  readonly sockets = new Set<net.Socket>();
  readonly requests: RequestHeader[] = [];

  private constructor(server: net.Server) {
    this.server = server;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  static async start(options: FakeBrokerOptions = {}, port = 0): Promise<FakeBroker> {
    const server = net.createServer();
    const fake = new FakeBroker(server);
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
      socket.on('error', () => {});
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 4) {
          const size = pending.readInt32BE(0);
          if (pending.length < 4 + size) return;
          const frame = pending.subarray(4, 4 + size);
          pending = pending.subarray(4 + size);
          const r = new Reader(frame);
          const apiKey = frame.readInt16BE(0);
          const apiVersion = frame.readInt16BE(2);
          const headerVersion = CODECS[apiKey]?.requestHeaderVersion(apiVersion) ?? 1;
          const header = decodeRequestHeader(r, headerVersion);
          fake.requests.push(header);
          const req = { header, body: r, socket };
          if (apiKey === 18) {
            if (options.onApiVersions) options.onApiVersions(req);
            else writeFrame(socket, apiVersionsResponseBody(header.correlationId, apiVersion));
          } else {
            options.onRequest?.(req);
          }
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return fake;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
