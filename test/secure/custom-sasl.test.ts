/**
 * A custom SASL mechanism (Config `sasl: { mechanism, client }`, docs/security.md) against the
 * secure broker's SASL_PLAINTEXT listener: PLAIN written by the application (one message) and
 * SCRAM-SHA-256 through the custom door (a multi-message exchange) authenticate, produce and
 * consume as alice; a wrong password, a client that throws, one that returns no Buffer and a
 * mechanism the listener does not enable are typed AuthenticationErrors; the option is
 * validated (ConfigError) and the client's secrets never show in the Config's read-back forms.
 */
import * as util from 'node:util';
import { Config, ConfigError, type CustomSaslClient, type SaslTarget } from '../../src/client/config.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import { AuthenticationError } from '../../src/network/errors.js';
import { ScramClient } from '../../src/network/sasl.js';
import { saslRoundTrip } from '../helpers/sasl.js';

jest.setTimeout(60_000);

interface SecureInfo {
  listeners: Record<'SASL_PLAINTEXT', string[]>;
  users: Record<string, { password: string }>;
}
const info = (JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, SecureInfo>).secure;
if (info === undefined) throw new Error('test/secure needs KAFKAESQUE_BROKER_MODE to include secure');
const address = info.listeners.SASL_PLAINTEXT[0]!;
const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
const alicePw = info.users.alice!.password;

/** PLAIN (RFC 4616) written by hand as a custom client; records the targets it was made for. */
function plain(user: string, password: string, targets: SaslTarget[] = []) {
  return (target: SaslTarget): CustomSaslClient => {
    targets.push(target);
    let sent = false;
    return {
      username: user,
      initial: () => {
        sent = true;
        return Buffer.from(`\u0000${user}\u0000${password}`);
      },
      next: (server) => {
        if (!sent || server.length !== 0) throw new Error('unexpected server message');
        return null;
      },
    };
  };
}

async function connectError(client: (t: SaslTarget) => CustomSaslClient, mechanism = 'PLAIN'): Promise<unknown> {
  return BrokerConnection.connect({ host, port, sasl: { mechanism, client } }).then(
    (c) => {
      c.close();
      return undefined;
    },
    (e: unknown) => e,
  );
}

test('a hand-written PLAIN client authenticates alice: admin, producer and consumer work; the factory gets the broker address', async () => {
  const targets: SaslTarget[] = [];
  const sasl = { mechanism: 'PLAIN', client: plain('alice', alicePw, targets) };
  await saslRoundTrip(address, sasl, 'custom-sasl', ['custom 0', 'custom 1']);
  expect(targets.length).toBeGreaterThanOrEqual(3); // a fresh client per connection
  for (const t of targets) expect(t).toEqual({ host, port });
});

test('SCRAM-SHA-256 through the custom door: a multi-message exchange (server-first, server-final verified)', async () => {
  let made = 0;
  const client = (): CustomSaslClient => {
    made++;
    return new ScramClient('sha256', 'alice', alicePw);
  };
  const conn = await BrokerConnection.connect({ host, port, sasl: { mechanism: 'SCRAM-SHA-256', client } });
  conn.close();
  expect(made).toBe(1);
  const err = await connectError(() => new ScramClient('sha256', 'alice', 'wrong-password'), 'SCRAM-SHA-256');
  expect(err).toBeInstanceOf(AuthenticationError);
});

test('a wrong password is an AuthenticationError naming the mechanism and user, not the password', async () => {
  const err = await connectError(plain('alice', 'not-the-password'));
  expect(err).toBeInstanceOf(AuthenticationError);
  expect((err as Error).message).toMatch(/PLAIN/);
  expect((err as Error).message).toMatch(/alice/);
  expect((err as Error).message).toMatch(/SASL_AUTHENTICATION_FAILED/);
  expect((err as Error).message).not.toContain('not-the-password');
});

test('a client that throws, one that returns no Buffer, and a factory that returns nothing are AuthenticationErrors', async () => {
  const throwing = await connectError(() => ({
    initial: () => Promise.reject(new Error('no credentials at hand')),
    next: () => null,
  }));
  expect(throwing).toBeInstanceOf(AuthenticationError);
  expect((throwing as Error).message).toMatch(/PLAIN \(custom mechanism\) failed in initial\(\): no credentials at hand/);

  const notBuffer = await connectError(() => ({ initial: () => 'a string' as unknown as Buffer, next: () => null }));
  expect(notBuffer).toBeInstanceOf(AuthenticationError);
  expect((notBuffer as Error).message).toMatch(/not a Buffer/);

  const nothing = await connectError(() => undefined as unknown as CustomSaslClient);
  expect(nothing).toBeInstanceOf(AuthenticationError);
  expect((nothing as Error).message).toMatch(/initial\(\) and next\(\)/);

  const nextThrows = await connectError(() => ({ initial: () => Buffer.from(`\u0000alice\u0000${alicePw}`), next: () => { throw new Error('refusing the answer'); } }));
  expect(nextThrows).toBeInstanceOf(AuthenticationError);
  expect((nextThrows as Error).message).toMatch(/failed in next\(\): refusing the answer/);
});

test('a mechanism the listener does not enable is an AuthenticationError listing what it offers', async () => {
  const err = await connectError(plain('alice', alicePw), 'X-CUSTOM');
  expect(err).toBeInstanceOf(AuthenticationError);
  expect((err as Error).message).toMatch(/does not enable X-CUSTOM; it offers .*PLAIN/);
});

describe('Config validation', () => {
  const bad = (sasl: unknown): ConfigError => {
    try {
      new Config({ brokers: [address], sasl: sasl as never });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return e as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  test('client must be a function; the mechanism an RFC 4422 name; no other keys', () => {
    expect(bad({ mechanism: 'PLAIN', client: {} }).field).toBe('sasl.client');
    expect(bad({ mechanism: 'plain', client: plain('a', 'b') }).field).toBe('sasl.mechanism');
    expect(bad({ mechanism: 'plain', client: plain('a', 'b') }).message).toMatch(/RFC 4422/);
    expect(bad({ mechanism: 'A-MECHANISM-NAME-TOO-LONG', client: plain('a', 'b') }).field).toBe('sasl.mechanism');
    expect(bad({ mechanism: '', client: plain('a', 'b') }).field).toBe('sasl.mechanism');
    expect(bad({ client: plain('a', 'b') }).field).toBe('sasl.mechanism');
    expect(bad({ mechanism: 'PLAIN', client: plain('a', 'b'), username: 'alice' }).field).toBe('sasl.username');
  });

  test('read back as its name only: nothing the client holds shows in toString, inspect or JSON', () => {
    const secret = 'very-secret-pw';
    const config = new Config({ brokers: [address], sasl: { mechanism: 'MY-MECH_1', client: plain('alice', secret) } });
    expect(config.sasl).toEqual({ mechanism: 'MY-MECH_1', provider: 'custom' });
    expect(config.saslCredentials()).toBeUndefined();
    expect(config.oauthBearerTokenProvider()).toBeUndefined();
    expect(config.customSaslMechanism()?.mechanism).toBe('MY-MECH_1');
    for (const shown of [String(config), util.inspect(config, { depth: 10, showHidden: true }), JSON.stringify(config)]) {
      expect(shown).not.toContain(secret);
      expect(shown).toContain('MY-MECH_1');
    }
    // setSASL switches between the kinds
    config.setSASL({ mechanism: 'plain', username: 'alice', password: secret });
    expect(config.customSaslMechanism()).toBeUndefined();
    expect(config.saslCredentials()?.username).toBe('alice');
  });
});
