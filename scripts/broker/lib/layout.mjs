// The broker harness, the layout of each mode: nodes, ports, files, users, certificates. scripts/broker/harness.mjs is the public module; docs/broker.md the manual.
import net from 'node:net';
import path from 'node:path';
import { DEFAULTS, HarnessError, checkMode, settings } from './settings.mjs';

// ------------------------------------------------------------------------------------------
// Layout of each mode: nodes, ports, files, users, certificates
// ------------------------------------------------------------------------------------------

const USERS = {
  admin: { password: 'admin-secret', superUser: true, acls: 'super user (super.users=User:admin)' },
  alice: { password: 'alice-secret', superUser: false, acls: 'All on topic *, group *, transactional-id *, cluster' },
  bob: { password: 'bob-secret', superUser: false, acls: 'none (every request is denied)' },
};
const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
export const CERT_NAMES = ['broker', ...Object.keys(USERS)];

function addr(host, port) {
  if (port > 65535) throw new HarnessError(`port ${port} is out of range: choose a lower port in KAFKAESQUE_BROKER`);
  return `${host}:${port}`;
}

function nodeFiles(dir) {
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    propertiesFile: path.join(dir, 'server.properties'),
    logFile: path.join(dir, 'broker.log'),
    pidFile: path.join(dir, 'broker.pid'),
  };
}

/**
 * Everything a test or a script needs to know about a mode, as plain data. Pure: reads and
 * writes no file, starts nothing.
 */
export function describe(mode = 'single', env = process.env) {
  checkMode(mode);
  const s = settings(env);
  const runDir = path.join(s.runRoot, mode);
  const base = {
    mode,
    kafkaVersion: s.kafkaVersion,
    profile: s.profile,
    runDir,
    stateFile: path.join(runDir, 'state.json'),
    libsDir: s.libsDir,
    classpath: path.join(s.libsDir, '*'),
    users: {},
    certs: null,
    clientConfigs: {},
  };
  if (mode === 'single') {
    const client = addr(s.host, s.port);
    const controller = addr(s.host, s.controllerPort);
    const node = { id: 1, host: s.host, port: s.port, bootstrap: client, controller, ...nodeFiles(runDir) };
    node.ports = [s.port, s.controllerPort];
    return {
      ...base,
      bootstrap: [client],
      bootstrapServers: client,
      listeners: { PLAINTEXT: [client], CONTROLLER: [controller] },
      nodes: [node],
      heap: ['256m', '768m'],
    };
  }
  if (mode === 'cluster') {
    const nodes = [1, 2, 3].map((id) => {
      const port = s.clusterPort + 100 + id * 10;
      const dir = path.join(runDir, `node${id}`);
      return {
        id,
        host: s.host,
        port,
        bootstrap: addr(s.host, port),
        controller: addr(s.host, port + 1),
        ports: [port, port + 1],
        ...nodeFiles(dir),
      };
    });
    const bootstrap = nodes.map((n) => n.bootstrap);
    return {
      ...base,
      bootstrap,
      bootstrapServers: bootstrap.join(','),
      listeners: { PLAINTEXT: bootstrap, CONTROLLER: nodes.map((n) => n.controller) },
      voters: nodes.map((n) => `${n.id}@${n.controller}`).join(','),
      nodes,
      heap: ['256m', '512m'],
      minInsyncReplicas: 2,
      replicationFactor: 3,
    };
  }
  // secure
  const p = s.securePort;
  const listeners = {
    PLAINTEXT: [addr(s.host, p)],
    CONTROLLER: [addr(s.host, p + 1)],
    SASL_PLAINTEXT: [addr(s.host, p + 2)],
    SSL: [addr(s.host, p + 3)],
    SASL_SSL: [addr(s.host, p + 4)],
    // SASL_PLAINTEXT with OAUTHBEARER only, validated by Kafka's unsecured validator (unsigned JWTs)
    OAUTH_UNSECURED: [addr(s.host, p + 5)],
  };
  const node = {
    id: 1,
    host: s.host,
    port: p,
    bootstrap: listeners.PLAINTEXT[0],
    controller: listeners.CONTROLLER[0],
    ports: [p, p + 1, p + 2, p + 3, p + 4, p + 5],
    ...nodeFiles(runDir),
  };
  const certsDir = path.join(runDir, 'certs');
  const pw = DEFAULTS.storePassword;
  const certFiles = (name) => ({
    cert: path.join(certsDir, `${name}-cert.pem`),
    key: path.join(certsDir, `${name}-key.pem`),
    keystore: path.join(certsDir, `${name}.p12`),
  });
  const users = {};
  for (const [name, u] of Object.entries(USERS)) {
    users[name] = { name, principal: `User:${name}`, password: u.password, mechanisms: SASL_MECHANISMS, superUser: u.superUser, acls: u.acls };
  }
  const clientsDir = path.join(runDir, 'clients');
  const clientConfigs = {};
  for (const name of Object.keys(USERS)) {
    for (const c of ['plain', 'scram-sha-256', 'scram-sha-512', 'sasl-ssl', 'mtls']) {
      clientConfigs[`${name}-${c}`] = path.join(clientsDir, `${name}-${c}.properties`);
    }
  }
  clientConfigs.admin = path.join(clientsDir, 'admin.properties'); // = admin-plain
  return {
    ...base,
    bootstrap: listeners.PLAINTEXT,
    bootstrapServers: listeners.PLAINTEXT[0],
    listeners,
    nodes: [node],
    heap: ['256m', '768m'],
    users,
    certs: {
      dir: certsDir,
      password: pw,
      storeType: 'PKCS12',
      ca: path.join(certsDir, 'ca.pem'),
      truststore: path.join(certsDir, 'truststore.p12'),
      broker: { ...certFiles('broker'), subject: 'CN=localhost', subjectAltNames: brokerSans(s.host) },
      clients: Object.fromEntries(Object.keys(USERS).map((n) => [n, { ...certFiles(n), subject: `CN=${n}`, principal: `User:${n}` }])),
    },
    clientsDir,
    clientConfigs,
    // SASL/OAUTHBEARER (KIP-255, KIP-768): the harness is the identity provider. It makes an RSA
    // key, publishes its public half as a JWKS file the broker's OAuthBearerValidatorCallbackHandler
    // reads (a file: URL, allowed by the JVM system properties of jvm.mjs); tests sign RS256 JWTs
    // with the private half (sub = the user, aud = audience, iss = issuer).
    oauth: {
      dir: path.join(runDir, 'oauth'),
      jwks: path.join(runDir, 'oauth', 'jwks.json'),
      privateKey: path.join(runDir, 'oauth', 'signing-key.pem'),
      kid: 'kafkaesque-test-key',
      audience: 'kafkaesque-broker',
      issuer: 'https://idp.kafkaesque.test',
      // connections.max.reauth.ms of these mechanisms on the SASL_SSL listener only (KIP-368)
      reauthMs: 4000,
      reauthMechanisms: ['PLAIN', 'SCRAM-SHA-256', 'OAUTHBEARER'],
    },
    superUsers: ['User:admin'],
    anonymousAllowed: false,
  };
}

function brokerSans(host) {
  const sans = ['dns:localhost', 'ip:127.0.0.1'];
  const extra = net.isIP(host) ? `ip:${host}` : `dns:${host}`;
  if (!sans.includes(extra)) sans.push(extra);
  return sans;
}
