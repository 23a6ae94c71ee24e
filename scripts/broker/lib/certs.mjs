// The broker harness, certificates of the secure mode. scripts/broker/harness.mjs is the public module; docs/broker.md the manual.
import fs from 'node:fs';
import path from 'node:path';
import { HARNESS_DIR, HarnessError, PREFIX } from './settings.mjs';
import { CERT_NAMES } from './layout.mjs';
import { lastLines, readJson, rmrf, run } from './proc.mjs';

// ------------------------------------------------------------------------------------------
// Certificates (secure mode): a test CA signs the broker and one client cert per user
// ------------------------------------------------------------------------------------------

export async function ensureCerts(d, ji, log) {
  const dir = d.certs.dir;
  const want = { v: 1, sans: d.certs.broker.subjectAltNames, names: CERT_NAMES };
  const meta = readJson(path.join(dir, 'meta.json'));
  const files = ['ca.pem', 'truststore.p12', ...CERT_NAMES.flatMap((n) => [`${n}.p12`, `${n}-key.pem`, `${n}-cert.pem`])];
  if (meta && JSON.stringify(meta.want) === JSON.stringify(want) && files.every((f) => fs.existsSync(path.join(dir, f)))) return false;
  log(`${PREFIX} creating a test CA and certificates in ${dir}`);
  rmrf(dir);
  fs.mkdirSync(dir, { recursive: true });
  const pw = d.certs.password;
  const kt = async (args, input) => {
    // keytool is a short JVM run: the C1 JIT alone halves its time
    const r = await run(ji.keytool, ['-J-XX:TieredStopAtLevel=1', ...args], { cwd: dir, input });
    if (r.code !== 0) throw new HarnessError(`keytool ${args[0]} failed: ${lastLines(r.stderr || r.stdout, 3)}`);
    return r.stdout;
  };
  const store = (name) => ['-keystore', `${name}.p12`, '-storetype', 'PKCS12', '-storepass', pw];
  await kt(['-genkeypair', '-alias', 'ca', '-keyalg', 'RSA', '-keysize', '2048', '-validity', '3650', '-dname', 'CN=kafkaesque test CA', '-ext', 'bc:c', '-ext', 'KU=keyCertSign,cRLSign', ...store('ca'), '-keypass', pw]);
  await kt(['-exportcert', '-alias', 'ca', ...store('ca'), '-rfc', '-file', 'ca.crt']);
  await Promise.all(
    CERT_NAMES.map(async (name) => {
      const broker = name === 'broker';
      const cn = broker ? 'localhost' : name;
      const san = broker ? ['-ext', `SAN=${d.certs.broker.subjectAltNames.join(',')}`] : [];
      await kt(['-genkeypair', '-alias', name, '-keyalg', 'RSA', '-keysize', '2048', '-validity', '3650', '-dname', `CN=${cn}`, ...store(name), '-keypass', pw]);
      const csr = await kt(['-certreq', '-alias', name, ...store(name)]);
      const eku = broker ? 'EKU=serverAuth,clientAuth' : 'EKU=clientAuth';
      const crt = await kt(['-gencert', '-alias', 'ca', ...store('ca'), '-rfc', '-validity', '3650', ...san, '-ext', 'KU=digitalSignature,keyEncipherment', '-ext', eku], csr);
      fs.writeFileSync(path.join(dir, `${name}.crt`), crt);
    }),
  );
  const r = await run(ji.java, [path.join(HARNESS_DIR, 'CertTool.java'), dir, pw, ...CERT_NAMES], { cwd: dir });
  if (r.code !== 0) throw new HarnessError(`CertTool.java failed: ${lastLines(r.stderr || r.stdout, 3)}`);
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ want, createdAt: new Date().toISOString() }, null, 2));
  return true;
}
