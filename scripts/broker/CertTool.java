// Part of the kafkaesque broker harness (scripts/broker/harness.mjs), run with the JDK's
// source launcher:   java CertTool.java <certs-dir> <store-password> <name>...
//
// keytool creates the key pairs and signs them with the test CA, but it cannot export a
// private key, nor attach a signed chain without two more JVM runs per identity. This file
// finishes the job in one JVM, with public JDK APIs only. For each <name> it reads
//   <name>.p12 (key pair under alias <name>), <name>.crt (signed by the CA), ca.crt
// and writes
//   <name>.p12        the same key with the chain [<name>.crt, ca.crt] (Java clients, broker)
//   <name>-key.pem    the private key, unencrypted PKCS#8 (Node: tls.connect({ key }))
//   <name>-cert.pem   the certificate followed by the CA certificate (Node: { cert })
// and once: truststore.p12 (the CA as a trusted entry) and ca.pem (Node: { ca }).
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

public class CertTool {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: java CertTool.java <certs-dir> <store-password> <name>...");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    char[] password = args[1].toCharArray();
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    X509Certificate ca = readCert(cf, dir.resolve("ca.crt"));

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, password);
    trust.setCertificateEntry("ca", ca);
    try (OutputStream out = Files.newOutputStream(dir.resolve("truststore.p12"))) {
      trust.store(out, password);
    }
    Files.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));

    for (int i = 2; i < args.length; i++) {
      String name = args[i];
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
        ks.load(in, password);
      }
      Key key = ks.getKey(name, password);
      if (!(key instanceof PrivateKey)) throw new IllegalStateException(name + ".p12 has no private key " + name);
      X509Certificate leaf = readCert(cf, dir.resolve(name + ".crt"));
      if (!leaf.getPublicKey().equals(ks.getCertificate(name).getPublicKey())) {
        throw new IllegalStateException(name + ".crt does not match the key in " + name + ".p12");
      }
      leaf.verify(ca.getPublicKey());
      Certificate[] chain = { leaf, ca };
      KeyStore out = KeyStore.getInstance("PKCS12");
      out.load(null, password);
      out.setKeyEntry(name, key, password, chain);
      Path tmp = dir.resolve(name + ".p12.tmp");
      try (OutputStream os = Files.newOutputStream(tmp)) {
        out.store(os, password);
      }
      Files.move(tmp, dir.resolve(name + ".p12"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(dir.resolve(name + "-key.pem"), pem("PRIVATE KEY", key.getEncoded()));
      Files.writeString(dir.resolve(name + "-cert.pem"),
          pem("CERTIFICATE", leaf.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
    }
  }

  static X509Certificate readCert(CertificateFactory cf, Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(bytes));
  }

  static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
