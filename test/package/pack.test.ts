/**
 * The published package, not the source tree: `npm pack` the built package, install the
 * tarball into an empty folder, then import it as ESM and require it as CommonJS, and type-
 * check a TypeScript consumer against the shipped declarations (a `types` field pointing at a
 * missing file would make every type `any`; `@ts-expect-error` lines catch that).
 *
 * The same for the test doubles' entry point, `kafkaesque/testing`, and the OpenTelemetry one,
 * `kafkaesque/otel`, whose `@opentelemetry/api` is an optional peer dependency: the core must
 * load without it (the tarball is installed where it is not), the otel entry once it is added.
 *
 * Needs `npm run build` first; `npm test` runs it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { javaPartitionForKey, saramaPartitionForKey } from '../../src/producer/partitioner.js';

const root = join(__dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the packed tarball', () => {
  let dir: string;
  let tarball: string;

  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'src', 'index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test');
    }
    dir = mkdtempSync(join(tmpdir(), 'kafkaesque-pack-'));
    const out = run(npm, ['pack', '--json', '--pack-destination', dir], root);
    tarball = join(dir, (JSON.parse(out) as Array<{ filename: string }>)[0]!.filename);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], dir);
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('ships the build and declarations, not the sources or tests', () => {
    const listing = run('tar', ['-tzf', tarball], dir).split('\n');
    expect(listing).toContain('package/dist/src/index.js');
    expect(listing).toContain('package/dist/src/index.mjs');
    expect(listing).toContain('package/dist/src/index.d.ts');
    expect(listing).toContain('package/dist/src/index.d.mts');
    expect(listing).toContain('package/dist/protocol/index.js');
    for (const f of ['index.js', 'index.mjs', 'index.d.ts', 'index.d.mts']) expect(listing).toContain(`package/dist/src/testing/${f}`);
    for (const f of ['index.js', 'index.mjs', 'index.d.ts', 'index.d.mts']) expect(listing).toContain(`package/dist/src/otel/${f}`);
    expect(listing.some((f) => f.startsWith('package/test/'))).toBe(false);
    expect(listing.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.d.mts'))).toBe(false);
  });

  test('installs the kafkaesque command (the bin), which runs', () => {
    const out = run(join(dir, 'node_modules', '.bin', 'kafkaesque'), ['--help'], dir);
    expect(out).toMatch(/^kafkaesque <command>/);
  });

  test('require() works (CommonJS)', () => {
    const out = run(
      process.execPath,
      [
        '-e',
        `const k = require('kafkaesque');
         const p = require('kafkaesque/protocol');
         if (typeof k.BrokerConnection !== 'function') throw new Error('BrokerConnection missing');
         if (k.protocol.Metadata.apiKey !== 3 || p.Metadata !== k.protocol.Metadata) throw new Error('protocol export');
         if (k.ErrorCode.NOT_LEADER_OR_FOLLOWER !== 6) throw new Error('ErrorCode');
         console.log('cjs ok ' + Object.keys(k).length);`,
      ],
      dir,
    );
    expect(out).toMatch(/^cjs ok \d+/);
  });

  test('require() works for kafkaesque/testing, sharing the classes of kafkaesque; the core does not carry it', () => {
    const out = run(
      process.execPath,
      [
        '-e',
        `const k = require('kafkaesque');
         const t = require('kafkaesque/testing');
         if ('MockMultiplexer' in k) throw new Error('the core entry exports the test doubles');
         const mock = new t.MockMultiplexer({ partitions: { orders: 4 } });
         const conn = mock.newBytesConnection('c');
         if (!(conn instanceof k.BytesConnection)) throw new Error('not the real connection class');
         try { mock.newBytesConnection('c'); throw new Error('duplicate accepted'); } catch (e) { if (!(e instanceof k.MuxUsageError)) throw e; }
         conn.sendSyncString('orders', 'k', 'v').then(async (r) => {
           if (mock.sent()[0].connection !== 'c' || r.offset !== 0n) throw new Error('not recorded');
           const p = new t.MockSyncProducer();
           p.failNextSend();
           const err = await p.sendMsgByte('t', null, 'v').catch((e) => e);
           if (!(err instanceof k.ProducerError) || !(err.cause instanceof t.MockSendError)) throw new Error('failure injection');
           console.log('testing cjs ok ' + r.partition);
         }).catch((e) => { console.error(e); process.exit(1); });`,
      ],
      dir,
    );
    expect(out.trim()).toBe(`testing cjs ok ${saramaPartitionForKey(Buffer.from('k'), 4)}`); // sarama's partition of the key
  });

  test('import works (ESM), named and default, sharing classes with require()', () => {
    writeFileSync(
      join(dir, 'esm.mjs'),
      `import { BrokerConnection, KafkaesqueError, ErrorCode } from 'kafkaesque';
       import kafkaesque from 'kafkaesque';
       import { Metadata, Reader, Writer } from 'kafkaesque/protocol';
       import { createRequire } from 'node:module';
       const required = createRequire(import.meta.url)('kafkaesque');
       if (typeof BrokerConnection !== 'function' || kafkaesque.BrokerConnection !== BrokerConnection) throw new Error('named/default');
       if (required.KafkaesqueError !== KafkaesqueError) throw new Error('dual package hazard: two copies of the classes');
       const w = new Writer(); Metadata.encodeRequest(w, { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }, 12);
       const back = Metadata.decodeRequest(new Reader(w.finish()), 12);
       if (back.topics !== null || ErrorCode.NONE !== 0) throw new Error('codec');
       console.log('esm ok');`,
    );
    expect(run(process.execPath, ['esm.mjs'], dir).trim()).toBe('esm ok');
  });

  test('import works for kafkaesque/testing (ESM), named and default, sharing classes with require()', () => {
    writeFileSync(
      join(dir, 'testing.mjs'),
      `import { MockMultiplexer, MockAsyncProducer } from 'kafkaesque/testing';
       import testing from 'kafkaesque/testing';
       import { ProtoConnection, HandlerError } from 'kafkaesque';
       import { createRequire } from 'node:module';
       const required = createRequire(import.meta.url)('kafkaesque/testing');
       if (testing.MockMultiplexer !== MockMultiplexer || required.MockMultiplexer !== MockMultiplexer) throw new Error('named/default/require');
       const mock = new MockMultiplexer();
       const conn = mock.newProtoConnection('p');
       if (!(conn instanceof ProtoConnection)) throw new Error('not the real connection class');
       const seen = [];
       conn.consumeTopic(() => { throw new Error('handler failed'); }, 't');
       mock.newBytesConnection('b').consumeTopic((m) => { seen.push(m.value.toString()); }, 't');
       await mock.start();
       const err = await mock.deliver('t', { value: 'hello' }).catch((e) => e);
       if (!(err instanceof HandlerError) || seen[0] !== 'hello') throw new Error('delivery');
       const p = new MockAsyncProducer();
       let ok = 0;
       p.on('success', () => ok++);
       p.sendMsgByte('t', null, 'v');
       await p.flush();
       if (ok !== 1) throw new Error('async success');
       console.log('testing esm ok');`,
    );
    expect(run(process.execPath, ['testing.mjs'], dir).trim()).toBe('testing esm ok');
  });

  test('the shipped declarations type-check a consumer in both module systems', () => {
    const consumer = (importLine: string): string => `${importLine}
      const code: number = k.ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      const info = k.errorCodeInfo(code);
      const retriable: boolean = info.retriable;
      // @ts-expect-error errorCodeInfo takes a number: this line fails only if the types are real
      k.errorCodeInfo('NOT_LEADER_OR_FOLLOWER');
      async function f(): Promise<void> {
        const c = await k.BrokerConnection.connect({ host: '127.0.0.1', port: 9092 });
        const res = await c.send(k.protocol.Metadata, { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
        const id: string | null = res.clusterId;
        // @ts-expect-error brokers is an array, not a string
        const wrong: string = res.brokers;
        void id; void wrong; c.close();
      }
      void f; void retriable;
      export {};
    `;
    writeFileSync(join(dir, 'consumer.mts'), consumer(`import * as k from 'kafkaesque';`));
    writeFileSync(join(dir, 'consumer.cts'), consumer(`import k = require('kafkaesque');`));
    // a test of the consumer's own code, with the test doubles
    const testing = (importLines: string): string => `${importLines}
      async function placeOrder(conn: Pick<k.BytesConnection, 'sendSyncString'>, producer: t.SyncProducerLike): Promise<bigint> {
        const r = await conn.sendSyncString('orders', 'o-1', 'created');
        await producer.sendMsgByte('audit', null, 'o-1');
        return r.offset;
      }
      async function f(): Promise<void> {
        const mock = new t.MockMultiplexer({ partitions: { orders: 3 } });
        const conn: k.BytesConnection = mock.newBytesConnection('orders');
        const offset: bigint = await placeOrder(conn, mock.syncProducer);
        const sent: t.SentMessage[] = mock.sent({ topic: 'orders' });
        const partition: number = sent[0]!.partition;
        // @ts-expect-error a sent offset is a bigint: this line fails only if the types are real
        const wrong: string = sent[0]!.offset;
        const d: t.Delivery = await mock.deliver('orders', { key: 'o-1', value: 'paid' });
        void offset; void partition; void wrong; void d;
      }
      void f;
      export {};
    `;
    writeFileSync(join(dir, 'testing-consumer.mts'), testing(`import * as k from 'kafkaesque';\n      import * as t from 'kafkaesque/testing';`));
    writeFileSync(join(dir, 'testing-consumer.cts'), testing(`import k = require('kafkaesque');\n      import t = require('kafkaesque/testing');`));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'node16',
          moduleResolution: 'node16',
          target: 'ES2022',
          // the declarations import node: modules; the consumer borrows our @types/node
          typeRoots: [join(root, 'node_modules', '@types')],
          types: ['node'],
          skipLibCheck: false,
        },
        files: ['consumer.mts', 'consumer.cts', 'testing-consumer.mts', 'testing-consumer.cts'],
      }),
    );
    let output = '';
    try {
      output = run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], dir);
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`type-check of the packed package failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
    expect(output).toBe('');
  });
  test('the core entry loads without @opentelemetry/api (an optional peer, not installed here) and never requires it', () => {
    const out = run(
      process.execPath,
      [
        '-e',
        `let missing = false;
         let found = '';
         try { found = require.resolve('@opentelemetry/api'); } catch (e) { missing = e.code === 'MODULE_NOT_FOUND'; }
         if (!missing) throw new Error('@opentelemetry/api is installed where this directory resolves modules (' + found + ', e.g. a node_modules in an ancestor of the temp dir): remove it, or this test proves nothing');
         const k = require('kafkaesque');
         if (k.TRACING_CHANNELS.send !== 'kafkaesque:producer:send') throw new Error('TRACING_CHANNELS');
         const loaded = Object.keys(require.cache).filter((f) => f.includes('opentelemetry') || f.includes('/otel/'));
         if (loaded.length > 0) throw new Error('the core loaded ' + loaded.join(', '));
         let otelError = '';
         try { require('kafkaesque/otel'); } catch (e) { otelError = e.code + ' ' + e.message.split('\\n')[0]; }
         console.log('core ok; otel: ' + otelError);`,
      ],
      dir,
    );
    expect(out.trim()).toBe("core ok; otel: MODULE_NOT_FOUND Cannot find module '@opentelemetry/api'");
  });

  test('kafkaesque/otel loads once @opentelemetry/api is installed, with require() and import', () => {
    // the version this repository pins (a devDependency)
    const api = (JSON.parse(readFileSync(join(root, 'node_modules', '@opentelemetry', 'api', 'package.json'), 'utf8')) as { version: string }).version;
    run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', `@opentelemetry/api@${api}`], dir);
    const cjs = run(
      process.execPath,
      [
        '-e',
        `const o = require('kafkaesque/otel');
         const k = require('kafkaesque');
         if (o.TRACING_CHANNELS !== k.TRACING_CHANNELS) throw new Error('two copies of the channel names');
         const t = o.instrumentKafkaesque();
         if (typeof t.process !== 'function') throw new Error('handle');
         t.disable();
         console.log('otel cjs ok');`,
      ],
      dir,
    );
    expect(cjs.trim()).toBe('otel cjs ok');
    writeFileSync(
      join(dir, 'otel.mjs'),
      `import { instrumentKafkaesque, TRACEPARENT_HEADER } from 'kafkaesque/otel';
       import otel from 'kafkaesque/otel';
       if (otel.instrumentKafkaesque !== instrumentKafkaesque || TRACEPARENT_HEADER !== 'traceparent') throw new Error('named/default');
       instrumentKafkaesque({ requestSpans: true }).disable();
       console.log('otel esm ok');`,
    );
    expect(run(process.execPath, ['otel.mjs'], dir).trim()).toBe('otel esm ok');

    // and its declarations type-check a consumer
    writeFileSync(
      join(dir, 'otel-consumer.mts'),
      `import { instrumentKafkaesque, type KafkaesqueInstrumentation } from 'kafkaesque/otel';
       import { TRACING_CHANNELS, type SendTrace } from 'kafkaesque';
       const t: KafkaesqueInstrumentation = instrumentKafkaesque({ requestSpans: true });
       const name: string = TRACING_CHANNELS.send;
       const seen = (ctx: SendTrace): bigint => ctx.offset;
       // @ts-expect-error requestSpans is a boolean: this line fails only if the types are real
       instrumentKafkaesque({ requestSpans: 'yes' });
       void t; void name; void seen;
       export {};`,
    );
    writeFileSync(
      join(dir, 'tsconfig.otel.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', target: 'ES2022', typeRoots: [join(root, 'node_modules', '@types')], types: ['node'], skipLibCheck: false },
        files: ['otel-consumer.mts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      output = run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.otel.json')], dir);
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`type-check of kafkaesque/otel failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
    expect(output).toBe('');
  }, 120_000);
  test('kafkaesque/kafkajs: require() and import give one implementation, and its declarations type-check', () => {
    const listing = run('tar', ['-tzf', tarball], dir).split('\n');
    for (const f of ['index.js', 'index.mjs', 'index.d.ts', 'index.d.mts']) expect(listing).toContain(`package/dist/src/kafkajs/${f}`);
    const cjs = run(
      process.execPath,
      [
        '-e',
        `const { Kafka, Partitioners, CompressionTypes, logLevel, KafkaJSError, KafkaJSProtocolError } = require('kafkaesque/kafkajs');
         const kafka = new Kafka({ clientId: 'x', brokers: ['127.0.0.1:9'] });
         if (typeof kafka.producer().send !== 'function' || typeof kafka.consumer({ groupId: 'g' }).run !== 'function') throw new Error('clients');
         const p = Partitioners.DefaultPartitioner();
         const meta = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [], isr: [] }));
         if (p({ topic: 't', partitionMetadata: meta, message: { key: 'a' } }) !== ${javaPartitionForKey(Buffer.from('a'), 3)}) throw new Error('partition');
         if (CompressionTypes.ZSTD !== 4 || logLevel.DEBUG !== 5) throw new Error('enums');
         if (!(new KafkaJSProtocolError('x') instanceof KafkaJSError)) throw new Error('errors');
         console.log('kafkajs cjs ok');`,
      ],
      dir,
    );
    expect(cjs.trim()).toBe('kafkajs cjs ok');
    writeFileSync(
      join(dir, 'kafkajs.mjs'),
      `import { Kafka, KafkaJSError } from 'kafkaesque/kafkajs';
       import kafkajs from 'kafkaesque/kafkajs';
       import { createRequire } from 'node:module';
       const require = createRequire(import.meta.url);
       if (kafkajs.Kafka !== Kafka || require('kafkaesque/kafkajs').KafkaJSError !== KafkaJSError) throw new Error('two copies');
       console.log('kafkajs esm ok');`,
    );
    expect(run(process.execPath, ['kafkajs.mjs'], dir).trim()).toBe('kafkajs esm ok');
    writeFileSync(
      join(dir, 'kafkajs-consumer.mts'),
      `import { Kafka, type EachMessagePayload, type RecordMetadata } from 'kafkaesque/kafkajs';
       const kafka = new Kafka({ brokers: ['b:9092'] });
       const handle = async ({ message }: EachMessagePayload): Promise<void> => { const o: string = message.offset; void o; };
       const sent = (r: RecordMetadata[]): string | undefined => r[0]?.baseOffset;
       // @ts-expect-error groupId is required: this line fails only if the types are real
       kafka.consumer({});
       void handle; void sent;
       export {};`,
    );
    writeFileSync(
      join(dir, 'tsconfig.kafkajs.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', target: 'ES2022', typeRoots: [join(root, 'node_modules', '@types')], types: ['node'], skipLibCheck: false },
        files: ['kafkajs-consumer.mts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      expect(run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.kafkajs.json')], dir)).toBe('');
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`type-check of kafkaesque/kafkajs failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  }, 120_000);
});
