// Jest globalSetup: make sure a real Kafka broker is there for the tests.
//  - For each mode in KAFKAESQUE_BROKER_MODE (default "single"): if a broker already answers on
//    its address, use it; otherwise start one with scripts/broker/harness.mjs and remember
//    that we did, so global-teardown.cjs stops only what we started.
//  - Exports to the tests (jest workers inherit process.env):
//      KAFKAESQUE_BROKER       bootstrap of the first mode, e.g. 127.0.0.1:9092
//                              (a cluster: the three addresses, comma-separated)
//      KAFKAESQUE_BROKER_MODE  the modes, e.g. "single"
//      KAFKAESQUE_BROKER_INFO  JSON { [mode]: describe(mode) }: listeners, users, cert paths
//  - No Java, no Maven, a failed fetch or start: this THROWS, so the run fails. Tests never
//    skip silently for want of a broker.
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const harnessUrl = pathToFileURL(path.join(__dirname, '..', '..', 'scripts', 'broker', 'harness.mjs')).href;

module.exports = async function globalSetup() {
  const h = await import(harnessUrl);
  const say = (line) => process.stderr.write(`${line}\n`);
  const modes = h.testModes();
  // the single-node address stays the base of every derived port, even when KAFKAESQUE_BROKER
  // is pointed at a cluster below (workers and child processes read it again)
  process.env.KAFKAESQUE_BASE_BROKER ??= (process.env.KAFKAESQUE_BROKER || h.DEFAULTS.broker).split(',')[0];
  const started = [];
  const info = {};
  process.stderr.write('\n');
  for (const mode of modes) {
    let r;
    try {
      r = await h.start({ mode, log: say });
    } catch (e) {
      if (e instanceof h.HarnessError) {
        const detail = e.details && e.details.log ? `\n${e.details.log}` : '';
        const err = new Error(`kafkaesque broker: ${e.message}${detail}\nThe tests need a real Kafka broker; see docs/broker.md.`);
        err.stack = err.message; // the message says it all; a stack of the harness would not help
        throw err;
      }
      throw e;
    }
    const d = r.describe;
    if (r.alreadyRunning) {
      say(`kafkaesque broker: using the ${mode} broker already running on ${d.bootstrapServers}${r.foreign ? ' (not started by this harness)' : ''}`);
    } else {
      started.push(mode);
      say(`kafkaesque broker: started ${mode} on ${d.bootstrapServers} in ${r.seconds.toFixed(1)} s for this run`);
    }
    if (r.unknownKeys && r.unknownKeys.length) say(`kafkaesque broker: WARNING: settings unknown to the broker: ${r.unknownKeys.join(', ')}`);
    info[mode] = d;
  }
  globalThis.__KAFKAESQUE_STARTED_MODES__ = started;
  process.env.KAFKAESQUE_BROKER = info[modes[0]].bootstrapServers;
  process.env.KAFKAESQUE_BROKER_MODE = modes.join(',');
  process.env.KAFKAESQUE_BROKER_INFO = JSON.stringify(info);
};
