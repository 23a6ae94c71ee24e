// The broker harness, configuration files of the broker and the Java clients. scripts/broker/harness.mjs is the public module; docs/broker.md the manual.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULTS, HARNESS_DIR, PLUGIN_KEYS } from './settings.mjs';
import { jwksUrl } from './jvm.mjs';

// ------------------------------------------------------------------------------------------
// Configuration files
// ------------------------------------------------------------------------------------------

function fill(template, values, file) {
  return template.replace(/\$\{([A-Z_]+)\}/g, (_, k) => {
    if (!(k in values)) throw new Error(`${file}: no value for \${${k}}`);
    return String(values[k]);
  });
}

function template(name) {
  return fs.readFileSync(path.join(HARNESS_DIR, 'templates', name), 'utf8');
}

const slash = (p) => p.split(path.sep).join('/');

/** The server.properties text of each node of a mode, keyed by node id. */
export function renderProperties(d) {
  const common = template('common.properties');
  const out = {};
  for (const node of d.nodes) {
    const values = {
      DATA_DIR: slash(node.dataDir),
      NUM_PARTITIONS: DEFAULTS.numPartitions,
      INTERNAL_PARTITIONS: DEFAULTS.internalPartitions,
      REPLICATION_FACTOR: d.mode === 'cluster' ? 3 : 1,
      MIN_ISR: d.mode === 'cluster' ? 2 : 1,
      NODE_ID: node.id,
      CLIENT_ADDR: node.bootstrap,
      CONTROLLER_ADDR: node.controller,
      HOST: node.host,
    };
    let own;
    if (d.mode === 'single') own = fill(template('single.properties'), values, 'single.properties');
    else if (d.mode === 'cluster') own = fill(template('cluster-node.properties'), { ...values, VOTERS: d.voters }, 'cluster-node.properties');
    else {
      const plainUsers = Object.entries(d.users).map(([n, u]) => `user_${n}="${u.password}"`).join(' ');
      own = fill(
        template('secure.properties'),
        {
          ...values,
          PLAINTEXT_ADDR: d.listeners.PLAINTEXT[0],
          SASL_PLAINTEXT_ADDR: d.listeners.SASL_PLAINTEXT[0],
          SSL_ADDR: d.listeners.SSL[0],
          SASL_SSL_ADDR: d.listeners.SASL_SSL[0],
          OAUTH_UNSECURED_ADDR: d.listeners.OAUTH_UNSECURED[0],
          ADMIN_PASSWORD: d.users.admin.password,
          PLAIN_USERS: plainUsers,
          CERTS_DIR: slash(d.certs.dir),
          STORE_PASSWORD: d.certs.password,
          JWKS_URL: jwksUrl(d),
          OAUTH_AUDIENCE: d.oauth.audience,
          OAUTH_ISSUER: d.oauth.issuer,
          REAUTH_MS: d.oauth.reauthMs,
        },
        'secure.properties',
      );
    }
    out[node.id] = `${own}\n${fill(common, values, 'common.properties')}`;
  }
  return out;
}

/** Keys set in a properties text (continuation lines are not used by our templates). */
export function propertyKeys(text) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
    .map((l) => l.slice(0, l.indexOf('=')).trim());
}

/** Keys of the first "KafkaConfig values:" dump of a broker log, or null if there is none yet. */
export function loggedConfigKeys(logText) {
  const i = logText.indexOf('KafkaConfig values:');
  if (i < 0) return null;
  const keys = new Set();
  for (const line of logText.slice(i).split('\n').slice(1)) {
    const m = /^\t([\w.-]+) = /.exec(line);
    if (!m) break;
    keys.add(m[1]);
  }
  return keys;
}

/** Keys we set that the broker does not know (it ignores them without a word). */
export function unknownKeys(propsText, logText) {
  const known = loggedConfigKeys(logText);
  if (!known) return null;
  // per-listener overrides (listener.name.<l>.<key>) are not in the dump, nor are the keys
  // only the authorizer reads (they work: the secure-mode ACL checks prove it)
  return propertyKeys(propsText).filter((k) => !k.startsWith('listener.name.') && !PLUGIN_KEYS.includes(k) && !known.has(k));
}

function clientConfigText(d, user, kind) {
  const u = d.users[user];
  const lines = [];
  const jaas = (mech) =>
    mech === 'PLAIN'
      ? `org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${u.password}";`
      : `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${u.password}";`;
  const trust = [`ssl.truststore.type=PKCS12`, `ssl.truststore.location=${slash(d.certs.truststore)}`, `ssl.truststore.password=${d.certs.password}`];
  if (kind === 'mtls') {
    const c = d.certs.clients[user];
    lines.push(`# ${user} over SSL (${d.listeners.SSL[0]}) with a client certificate (CN=${user})`, 'security.protocol=SSL', ...trust);
    lines.push('ssl.keystore.type=PKCS12', `ssl.keystore.location=${slash(c.keystore)}`, `ssl.keystore.password=${d.certs.password}`, `ssl.key.password=${d.certs.password}`);
  } else if (kind === 'sasl-ssl') {
    lines.push(`# ${user} over SASL_SSL (${d.listeners.SASL_SSL[0]}), SCRAM-SHA-512`, 'security.protocol=SASL_SSL', ...trust);
    lines.push('sasl.mechanism=SCRAM-SHA-512', `sasl.jaas.config=${jaas('SCRAM')}`);
  } else {
    const mech = kind.toUpperCase();
    lines.push(`# ${user} over SASL_PLAINTEXT (${d.listeners.SASL_PLAINTEXT[0]}), ${mech}`, 'security.protocol=SASL_PLAINTEXT');
    lines.push(`sasl.mechanism=${mech}`, `sasl.jaas.config=${jaas(mech)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function writeClientConfigs(d) {
  fs.mkdirSync(d.clientsDir, { recursive: true });
  for (const [key, file] of Object.entries(d.clientConfigs)) {
    const [user, kind] = key === 'admin' ? ['admin', 'plain'] : [key.slice(0, key.indexOf('-')), key.slice(key.indexOf('-') + 1)];
    fs.writeFileSync(file, clientConfigText(d, user, kind));
  }
}

/**
 * The secure mode's identity provider keys (see layout.mjs, oauth): an RSA key pair made once,
 * the private key as PKCS#8 PEM for the tests, the public key as a JWKS for the broker.
 */
export function ensureOAuthKeys(d) {
  const o = d.oauth;
  if (fs.existsSync(o.jwks) && fs.existsSync(o.privateKey)) return false;
  fs.mkdirSync(o.dir, { recursive: true });
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(o.privateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: o.kid, alg: 'RS256', use: 'sig' };
  fs.writeFileSync(o.jwks, `${JSON.stringify({ keys: [jwk] }, null, 2)}\n`);
  return true;
}
