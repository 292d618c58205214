// The simulated istiod's certificate authority: one self-signed root (O=cluster.local, as
// istiod's self-signed CA names itself), kept in <run dir>/admission/ so a simulator restart
// keeps the caBundle the webhook configurations were given; and the serving certificate of each
// istiod's webhook port, signed by it with istiod's DNS names (getDNSNames) as SANs, issued in
// memory on first use. Keys come from node:crypto; node-forge builds and signs the X.509
// structures (node:crypto can parse certificates but not create them).

import { generateKeyPair as generateKeyPairCb, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateKeyPair = promisify(generateKeyPairCb);
const DAY = 24 * 3600 * 1000;

export interface KeyPair {
  certPem: string;
  keyPem: string;
}

async function rsaKey(): Promise<{ pem: string; key: forge.pki.rsa.PrivateKey; pub: forge.pki.rsa.PublicKey }> {
  const { privateKey } = await generateKeyPair('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey);
  return { pem: privateKey, key, pub: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function baseCert(pub: forge.pki.PublicKey, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  // A positive serial: the top bit of the first byte clear.
  cert.serialNumber = `0${randomBytes(16).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 3600 * 1000);
  cert.validity.notAfter = new Date(Date.now() + days * DAY);
  return cert;
}

/** A self-signed root, valid ten years. */
export async function createRoot(): Promise<KeyPair> {
  const { pem, key, pub } = await rsaKey();
  const cert = baseCert(pub, 3650);
  const subject = [{ name: 'organizationName', value: 'cluster.local' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: pem };
}

/** A serving certificate for the given DNS names, valid one year, signed by the root. */
export async function issueServing(root: KeyPair, dnsNames: string[]): Promise<KeyPair> {
  const ca = forge.pki.certificateFromPem(root.certPem);
  const caKey = forge.pki.privateKeyFromPem(root.keyPem);
  const { pem, pub } = await rsaKey();
  const cert = baseCert(pub, 365);
  cert.setSubject([]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    // No subject, so the SANs are critical (RFC 5280 4.2.1.6), as istiod's own certificates.
    { name: 'subjectAltName', altNames: dnsNames.map((value) => ({ type: 2, value })), critical: true },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: pem };
}

/** The CA of this run directory: loaded if it is there, else created and written (key 0600). */
export class CertificateAuthority {
  private readonly serving = new Map<string, Promise<KeyPair>>();

  private constructor(readonly root: KeyPair) {}

  static async open(runDir: string, log: (line: string) => void): Promise<CertificateAuthority> {
    const dir = join(runDir, 'admission');
    const [crt, key] = [join(dir, 'ca.crt'), join(dir, 'ca.key')];
    if (existsSync(crt) && existsSync(key)) return new CertificateAuthority({ certPem: readFileSync(crt, 'utf8'), keyPem: readFileSync(key, 'utf8') });
    const root = await createRoot();
    mkdirSync(dir, { recursive: true });
    writeFileSync(key, root.keyPem, { mode: 0o600 });
    writeFileSync(crt, root.certPem);
    log(`admission: created the istiod CA (${crt})`);
    return new CertificateAuthority(root);
  }

  /** The caBundle istiod's webhook controllers write: the root, PEM. */
  get bundle(): string {
    return this.root.certPem;
  }

  servingFor(dnsNames: string[]): Promise<KeyPair> {
    const key = dnsNames.join(',');
    let pending = this.serving.get(key);
    if (!pending) {
      pending = issueServing(this.root, dnsNames);
      this.serving.set(key, pending);
      pending.catch(() => this.serving.delete(key));
    }
    return pending;
  }
}
