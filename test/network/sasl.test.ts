/**
 * SASL mechanism clients without a broker: SCRAM against the test vectors of RFC 5802 (SHA-1)
 * and RFC 7677 (SHA-256), SHA-512 against a small SCRAM server written from the RFC, PLAIN's
 * bytes, and the checks a client must make (nonce, iterations, server signature).
 */
import * as crypto from 'node:crypto';
import * as util from 'node:util';
import {
  createSaslClient,
  hideSaslPassword,
  PlainClient,
  ScramClient,
  type ScramHash,
} from '../../src/network/sasl.js';
import { SaslMechanismError } from '../../src/network/errors.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('SCRAM test vectors', () => {
  test('RFC 5802 section 5 (SCRAM-SHA-1)', async () => {
    const c = new ScramClient('sha1', 'user', 'pencil', 'fyko+d2lbbFgONRv9qkxdawL');
    expect((await c.initial()).toString()).toBe('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL');
    const final = await c.next(b('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096'));
    expect(final!.toString()).toBe('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=');
    expect(await c.next(b('v=rmF9pqV8S7suAoZWja4dJRkFsKQ='))).toBeNull();
  });

  test('RFC 7677 section 3 (SCRAM-SHA-256)', async () => {
    const c = new ScramClient('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    expect(c.mechanism).toBe('SCRAM-SHA-256');
    expect((await c.initial()).toString()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = await c.next(
      b('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'),
    );
    expect(final!.toString()).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(await c.next(b('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).toBeNull();
  });

  test('RFC 7677 vector with a wrong server signature is refused', async () => {
    const c = new ScramClient('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    await c.initial();
    await c.next(b('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'));
    await expect(c.next(b('v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).rejects.toThrow(/does not verify/);
  });
});

/** A SCRAM server from RFC 5802 section 3, holding StoredKey/ServerKey as a broker does. */
function scramServer(hash: ScramHash, password: string, iterations = 4096) {
  const len = { sha1: 20, sha256: 32, sha512: 64 }[hash];
  const salt = crypto.randomBytes(16);
  const salted = crypto.pbkdf2Sync(password, salt, iterations, len, hash);
  const hmac = (k: Buffer, d: string): Buffer => crypto.createHmac(hash, k).update(d).digest();
  const storedKey = crypto.createHash(hash).update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  let clientFirstBare = '';
  let serverFirst = '';
  return {
    first(clientFirst: string): string {
      expect(clientFirst.startsWith('n,,')).toBe(true);
      clientFirstBare = clientFirst.slice(3);
      const nonce = /r=([^,]+)/.exec(clientFirstBare)![1]!;
      serverFirst = `r=${nonce}${crypto.randomBytes(8).toString('hex')},s=${salt.toString('base64')},i=${iterations}`;
      return serverFirst;
    },
    final(clientFinal: string): string | null {
      const withoutProof = clientFinal.slice(0, clientFinal.indexOf(',p='));
      const proof = Buffer.from(clientFinal.slice(clientFinal.indexOf(',p=') + 3), 'base64');
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const sig = hmac(storedKey, authMessage);
      const clientKey = Buffer.from(proof.map((x, i) => x ^ sig[i]!));
      if (!crypto.createHash(hash).update(clientKey).digest().equals(storedKey)) return null;
      return `v=${hmac(serverKey, authMessage).toString('base64')}`;
    },
  };
}

describe.each(['sha256', 'sha512'] as const)('SCRAM-%s against an RFC 5802 server', (hash) => {
  test('the right password authenticates and the server signature verifies', async () => {
    const server = scramServer(hash, 'p€ssword,=');
    const c = createSaslClient({ mechanism: hash === 'sha256' ? 'scram-sha-256' : 'SCRAM-SHA-512', username: 'u,=x', password: 'p€ssword,=' });
    expect(c.mechanism).toBe(hash === 'sha256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512');
    const first = (await c.initial()).toString();
    expect(first).toMatch(/^n,,n=u=2C=3Dx,r=[A-Za-z0-9+/=]{32}$/);
    const final = (await c.next(b(server.first(first))))!.toString();
    const serverFinal = server.final(final);
    expect(serverFinal).not.toBeNull();
    expect(await c.next(b(serverFinal!))).toBeNull();
  });

  test('a wrong password fails the server check', async () => {
    const server = scramServer(hash, 'right');
    const c = new ScramClient(hash, 'u', 'wrong');
    const final = (await c.next(b(server.first((await c.initial()).toString()))))!.toString();
    expect(server.final(final)).toBeNull();
  });

  test('a server that does not know the password cannot fake success', async () => {
    const impostor = scramServer(hash, 'not-the-password');
    const c = new ScramClient(hash, 'u', 'the-password');
    const first = (await c.initial()).toString();
    const final = (await c.next(b(impostor.first(first))))!.toString();
    // the impostor answers with its own signature, as if the proof were good
    const forged = `v=${crypto.randomBytes(hash === 'sha256' ? 32 : 64).toString('base64')}`;
    void final;
    await expect(c.next(b(forged))).rejects.toBeInstanceOf(SaslMechanismError);
  });
});

describe('SCRAM client checks', () => {
  const started = async (nonce = 'abc'): Promise<ScramClient> => {
    const c = new ScramClient('sha256', 'u', 'pw', nonce);
    await c.initial();
    return c;
  };
  test('a server nonce that does not extend the client nonce', async () => {
    await expect((await started()).next(b('r=xyz123,s=QSXCR+Q6sek8bf92,i=4096'))).rejects.toThrow(/nonce/);
  });
  test('a server nonce equal to the client nonce', async () => {
    await expect((await started()).next(b('r=abc,s=QSXCR+Q6sek8bf92,i=4096'))).rejects.toThrow(/nonce/);
  });
  test('too few or too many iterations', async () => {
    await expect((await started()).next(b('r=abcd,s=QSXCR+Q6sek8bf92,i=1'))).rejects.toThrow(/iteration/);
    await expect((await started()).next(b('r=abcd,s=QSXCR+Q6sek8bf92,i=99999999'))).rejects.toThrow(/iteration/);
    await expect((await started()).next(b('r=abcd,s=QSXCR+Q6sek8bf92,i=4096x'))).rejects.toThrow(/iteration/);
  });
  test('a missing attribute, a mandatory extension, a server error', async () => {
    await expect((await started()).next(b('r=abcd,i=4096'))).rejects.toThrow(/lacks/);
    await expect((await started()).next(b('m=ext,r=abcd,s=QSXCR+Q6sek8bf92,i=4096'))).rejects.toThrow(/extension/);
    await expect((await started()).next(b('e=other-error'))).rejects.toThrow(/refused/);
    await expect((await started()).next(b('garbage'))).rejects.toThrow(/malformed/);
  });
  test('server-final with e= is refused', async () => {
    const c = await started();
    await c.next(b('r=abcd,s=QSXCR+Q6sek8bf92,i=4096'));
    await expect(c.next(b('e=invalid-proof'))).rejects.toThrow(/invalid-proof/);
  });
  test('messages out of order', async () => {
    const c = new ScramClient('sha256', 'u', 'pw');
    await expect(c.next(b('r=x,s=y,i=4096'))).rejects.toBeInstanceOf(SaslMechanismError);
    await c.initial();
    await expect(c.initial()).rejects.toBeInstanceOf(SaslMechanismError);
  });
  test('random client nonces differ', async () => {
    const a = (await new ScramClient('sha256', 'u', 'pw').initial()).toString();
    const z = (await new ScramClient('sha256', 'u', 'pw').initial()).toString();
    expect(a).not.toBe(z);
  });
});

describe('PLAIN', () => {
  test('authzid NUL authcid NUL password, in UTF-8', async () => {
    const c = createSaslClient({ mechanism: 'PLAIN', username: 'alice', password: 'sécret' });
    expect(c.mechanism).toBe('PLAIN');
    expect(await c.initial()).toEqual(Buffer.from('\0alice\0sécret', 'utf8'));
    expect(await c.next(Buffer.alloc(0))).toBeNull();
  });
});

describe('the password is never shown', () => {
  const password = 'hunter2-very-secret';
  test.each([
    ['PlainClient', () => new PlainClient('alice', password)],
    ['ScramClient', () => new ScramClient('sha512', 'alice', password)],
    ['hideSaslPassword', () => hideSaslPassword({ mechanism: 'plain', username: 'alice', password })],
  ])('%s: util.inspect and JSON.stringify', (_name, make) => {
    const o = make();
    expect(util.inspect(o, { showHidden: false, depth: 10 })).not.toContain(password);
    expect(JSON.stringify(o)).not.toContain(password);
  });
  test('hideSaslPassword still hands the password to its reader, and a spread drops it', () => {
    const o = hideSaslPassword({ mechanism: 'plain', username: 'alice', password });
    expect(o.password).toBe(password);
    expect({ ...o }).toEqual({ mechanism: 'plain', username: 'alice' });
  });
  test('an unknown mechanism is refused', () => {
    expect(() => createSaslClient({ mechanism: 'gssapi' as 'plain', username: 'u', password })).toThrow(SaslMechanismError);
  });
});
