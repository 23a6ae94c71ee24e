/** The Multiplexer's YAML config file: every key mapped onto Config; every problem names file, line and key. */
import * as path from 'node:path';
import { loadMuxConfigFile, parseMuxConfig } from '../../src/mux/config-file.js';
import { MuxConfigError } from '../../src/mux/errors.js';
import { Multiplexer } from '../../src/mux/multiplexer.js';

const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', 'mux', name);

function configError(fn: () => unknown): MuxConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MuxConfigError);
    return err as MuxConfigError;
  }
  throw new Error('no error thrown');
}

test('every key of a full file reaches the Config', () => {
  const { config, groupId } = loadMuxConfigFile(fixture('full.yaml'));
  expect(groupId).toBe('orders');
  expect(config.brokers).toEqual(['127.0.0.1:9092', '127.0.0.2:9093']);
  expect(config.clientId).toBe('orders-service');
  expect(config.compression).toBe('zstd');
  expect(config.compressionLevel).toBe(3);
  expect(config.acks).toBe(-1);
  expect(config.partitioner).toBe('round-robin');
  expect(config.initialOffset).toBe('oldest');
  expect(config.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'alice', password: '[redacted]' });
  expect(config.saslCredentials()?.password).toBe('s3cret');
  expect(config.tls).toMatchObject({ rejectUnauthorized: false, servername: 'kafka.local' });
});

test('an empty file gives the defaults (127.0.0.1:9092, no group id, no TLS)', () => {
  const { config, groupId } = loadMuxConfigFile(fixture('empty.yaml'));
  expect(config.brokers).toEqual(['127.0.0.1:9092']);
  expect(groupId).toBeUndefined();
  expect(config.tls).toBe(false);
});

test('an unknown key names the file, the line and the key', () => {
  const err = configError(() => loadMuxConfigFile(fixture('unknown-key.yaml')));
  expect(err.code).toBe('ERR_MUX_CONFIG');
  expect(err.file).toBe(fixture('unknown-key.yaml'));
  expect(err.line).toBe(6);
  expect(err.key).toBe('tls.skip_verify');
  expect(err.message).toContain('unknown-key.yaml:6');
  expect(err.message).toContain('skip-verify');
});

test('malformed YAML is an error with its line, never a fallback', () => {
  const err = configError(() => loadMuxConfigFile(fixture('malformed.yaml')));
  expect(err.message).toMatch(/malformed\.yaml:\d+: invalid YAML/);
  expect(err.line).toBeGreaterThanOrEqual(3);
});

test('a value Config refuses is reported at its key and line', () => {
  const acks = configError(() => loadMuxConfigFile(fixture('bad-acks.yaml')));
  expect(acks.key).toBe('acks');
  expect(acks.line).toBe(3);
  expect(acks.message).toContain("'all'");
  const addr = configError(() => loadMuxConfigFile(fixture('bad-addr.yaml')));
  expect(addr.key).toBe('addrs');
  expect(addr.line).toBe(3);
});

test('wrong types, unreadable TLS files and missing files are errors', () => {
  expect(configError(() => parseMuxConfig('tls:\n  enabled: yes please\n', 'x.yaml')).key).toBe('tls.enabled');
  expect(configError(() => parseMuxConfig('- a\n- b\n', 'x.yaml')).message).toContain('mapping');
  expect(configError(() => parseMuxConfig('addrs: 5\n', 'x.yaml')).key).toBe('addrs');
  const ca = configError(() => loadMuxConfigFile(fixture('missing-ca.yaml')));
  expect(ca.key).toBe('tls.ca-file');
  expect(ca.line).toBe(3);
  const missing = configError(() => loadMuxConfigFile(fixture('no-such-file.yaml')));
  expect(missing.message).toContain('no-such-file.yaml');
});

test('Multiplexer.fromFile rejects a bad file before connecting', async () => {
  await expect(Multiplexer.fromFile(fixture('unknown-key.yaml'), 'x')).rejects.toBeInstanceOf(MuxConfigError);
});
