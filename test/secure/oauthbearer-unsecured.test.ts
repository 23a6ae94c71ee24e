/**
 * SASL/OAUTHBEARER against Kafka's unsecured validator (OAuthBearerUnsecuredValidatorCallbackHandler,
 * the broker's default for OAUTHBEARER when no handler is configured): the secure broker's
 * OAUTH_UNSECURED listener takes unsigned JWTs (`alg: none`), checks their expiry and `sub`
 * claim, and the principal is `sub`. A valid token produces and consumes as alice (her ACLs);
 * an expired one and one without `sub` are typed AuthenticationErrors; bob, valid but without
 * ACLs, is refused by the authorizer, not by the validator.
 */
import { Config } from '../../src/client/config.js';
import { SyncProducer } from '../../src/client/producers.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import { AuthenticationError } from '../../src/network/errors.js';
import type { OAuthBearerToken } from '../../src/network/sasl.js';
import { uniqueTopic } from '../helpers/broker.js';
import { saslRoundTrip } from '../helpers/sasl.js';

jest.setTimeout(60_000);

interface SecureInfo {
  listeners: Record<'OAUTH_UNSECURED', string[]>;
}

const info = (JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, SecureInfo>).secure;
if (info === undefined) throw new Error('test/secure needs KAFKAESQUE_BROKER_MODE to include secure');
const address = info.listeners.OAUTH_UNSECURED?.[0];
if (address === undefined) throw new Error('the secure broker has no OAUTH_UNSECURED listener: restart it with this checkout (npm run broker -- restart --mode secure)');
const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];

const b64url = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** An unsigned JWT (JWS with `alg: none` and an empty signature), as the unsecured validator takes them. */
function unsigned(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'none' })}.${b64url(claims)}.`;
}

const now = (): number => Math.floor(Date.now() / 1000);
const tokenOf = (jwt: string) => async (): Promise<OAuthBearerToken> => ({ value: jwt, lifetimeMs: 60_000 });

test('an unsigned token with sub and exp authenticates; its sub is the principal the ACLs see (alice produces and consumes)', async () => {
  const sasl = { mechanism: 'oauthbearer' as const, token: tokenOf(unsigned({ sub: 'alice', iat: now(), exp: now() + 300, scope: 'kafka' })) };
  await saslRoundTrip(address, sasl, 'oauth-unsecured', ['hello 0', 'hello 1', 'hello 2']);
});

test('an expired unsigned token is refused with a typed AuthenticationError that does not show the token', async () => {
  const jwt = unsigned({ sub: 'alice', iat: now() - 600, exp: now() - 300 });
  const err = await BrokerConnection.connect({ host, port, sasl: { mechanism: 'oauthbearer', token: tokenOf(jwt) } }).then(
    (c) => {
      c.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthenticationError);
  expect((err as Error).message).toMatch(/OAUTHBEARER/);
  expect((err as Error).message).not.toContain(jwt);
});

test('an unsigned token without sub is refused', async () => {
  const jwt = unsigned({ iat: now(), exp: now() + 300 });
  await expect(BrokerConnection.connect({ host, port, sasl: { mechanism: 'oauthbearer', token: tokenOf(jwt) } })).rejects.toBeInstanceOf(AuthenticationError);
});

test('bob, valid but without ACLs, authenticates and is refused by the authorizer', async () => {
  const sasl = { mechanism: 'oauthbearer' as const, token: tokenOf(unsigned({ sub: 'bob', iat: now(), exp: now() + 300 })) };
  const conn = await BrokerConnection.connect({ host, port, sasl });
  conn.close();
  const producer = await SyncProducer.create(new Config({ brokers: [address], sasl, idempotent: false }));
  try {
    await expect(producer.sendMsgByte(uniqueTopic('oauth-unsecured-bob'), null, 'x')).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
  } finally {
    await producer.close();
  }
});
