/**
 * Tracing on the secure broker: with every tracing channel subscribed and kafkaesque/otel on
 * (request spans included), a SASL connection (PLAIN and SCRAM-SHA-512, a right and a wrong
 * password) publishes its mechanism, never its credentials: no payload, error or span attribute
 * holds a password.
 */
import * as dc from 'node:diagnostics_channel';
import * as util from 'node:util';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import { AuthenticationError } from '../../src/network/errors.js';
import { TRACING_CHANNELS } from '../../src/index.js';
import { instrumentKafkaesque } from '../../src/otel/index.js';

interface SecureInfo {
  listeners: Record<'SASL_PLAINTEXT', string[]>;
  users: Record<string, { password: string }>;
}
const info = (JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, SecureInfo>).secure;
if (info === undefined) throw new Error('test/secure needs KAFKAESQUE_BROKER_MODE to include secure');
const address = info.listeners.SASL_PLAINTEXT[0]!;
const host = address.slice(0, address.lastIndexOf(':'));
const port = Number(address.slice(address.lastIndexOf(':') + 1));
const alicePw = info.users.alice!.password;
const WRONG = 'wrong-password-0123456789';

test('SASL connections are traced with their mechanism, never a password', async () => {
  const seen: object[] = [];
  const subs: Array<() => void> = [];
  for (const name of Object.values(TRACING_CHANNELS)) {
    const on = (ctx: object): void => void seen.push({ ...ctx });
    const handlers = { start: on, end: on, asyncStart: on, asyncEnd: on, error: on };
    dc.tracingChannel(name).subscribe(handlers);
    subs.push(() => dc.tracingChannel(name).unsubscribe(handlers));
  }
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracing = instrumentKafkaesque({ tracerProvider: provider, requestSpans: true });
  try {
    for (const mechanism of ['plain', 'scram-sha-512'] as const) {
      const conn = await BrokerConnection.connect({ host, port, sasl: { mechanism, username: 'alice', password: alicePw } });
      conn.close();
      await expect(BrokerConnection.connect({ host, port, sasl: { mechanism, username: 'alice', password: WRONG } })).rejects.toBeInstanceOf(AuthenticationError);
    }
    const connects = seen.filter((s) => 'saslMechanism' in s) as Array<{ saslMechanism: string; error?: Error }>;
    expect(new Set(connects.map((c) => c.saslMechanism))).toEqual(new Set(['PLAIN', 'SCRAM-SHA-512']));
    expect(connects.filter((c) => c.error instanceof AuthenticationError).length).toBeGreaterThanOrEqual(2);
    expect(seen.some((s) => (s as { apiName?: string }).apiName === 'SaslAuthenticate')).toBe(true);

    const spans = exporter.getFinishedSpans();
    expect(spans.some((s) => s.name === 'SaslAuthenticate')).toBe(true);
    expect(spans.some((s) => s.attributes['kafkaesque.connection.sasl_mechanism'] === 'SCRAM-SHA-512')).toBe(true);
    const text = util.inspect(seen, { depth: 8, showHidden: true }) + JSON.stringify(spans.map((s) => ({ a: s.attributes, e: s.events, st: s.status })));
    expect(text).not.toContain(alicePw);
    expect(text).not.toContain(WRONG);
  } finally {
    tracing.disable();
    for (const off of subs) off();
    await provider.shutdown();
  }
});
