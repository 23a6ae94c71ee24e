// Jest globalTeardown: stop the brokers that global-setup.cjs started for this run (and only
// those: a broker that was already running stays up). KAFKAESQUE_KEEP_BROKER=1 keeps them too,
// which makes the next `npm test` start faster; stop it later with `npm run broker -- stop`.
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const harnessUrl = pathToFileURL(path.join(__dirname, '..', '..', 'scripts', 'broker', 'harness.mjs')).href;

module.exports = async function globalTeardown() {
  const started = globalThis.__KAFKAESQUE_STARTED_MODES__ || [];
  if (!started.length) return;
  const say = (line) => process.stderr.write(`${line}\n`);
  if (process.env.KAFKAESQUE_KEEP_BROKER === '1') {
    say(`kafkaesque broker: KAFKAESQUE_KEEP_BROKER=1, leaving ${started.join(', ')} running`);
    return;
  }
  const h = await import(harnessUrl);
  for (const mode of started) {
    const r = await h.stop({ mode, log: say });
    if (!r.notRunning) say(`kafkaesque broker: stopped the ${mode} broker started for this run (${r.seconds.toFixed(1)} s)`);
  }
};
