/**
 * certificates issues the lab cluster's X.509 certificates the way kubeadm's
 * certs phase does (cmd/kubeadm/app/phases/certs, util/pkiutil/pki_helpers.go):
 * a self-signed cluster CA with CN=kubernetes valid ten years, and leaf
 * certificates it signs valid one year, every notBefore backdated five minutes
 * (kubeadmconstants.CertificateBackdate). The lab core has no randomness or
 * time of its own, so keys, serial numbers and the current time come in as
 * an Entropy and a timestamp from the composition root.
 */
import forge from 'node-forge';

/** Entropy is what issuing certificates needs from outside the lab core. */
export interface Entropy {
  /** rsaKeyPair returns a fresh 2048-bit RSA key pair: the private key as PKCS#1 PEM, the public key as SPKI PEM. */
  rsaKeyPair(): { privateKeyPem: string; publicKeyPem: string };
  /** randomBytes returns n cryptographically random bytes. */
  randomBytes(n: number): Uint8Array;
}

/** KeyPair is a certificate and its private key, both PEM. */
export interface KeyPair {
  certPem: string;
  keyPem: string;
}

/** Subject is the part of a distinguished name Kubernetes reads: CN is the user, each O a group. */
export interface Subject {
  commonName: string;
  organizations?: readonly string[];
}

/** kubeadm's validity periods and the backdating that tolerates small clock differences. */
export const CA_VALIDITY_MS = 10 * 365 * 24 * 3600_000;
export const CERT_VALIDITY_MS = 365 * 24 * 3600_000;
export const CERTIFICATE_BACKDATE_MS = 5 * 60_000;

/** CA_COMMON_NAME is the cluster CA's subject, as kubeadm names it. */
export const CA_COMMON_NAME = 'kubernetes';

/** ServerNames are a serving certificate's subject alternative names. */
export interface ServerNames {
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
}

/**
 * API_SERVER_NAMES are the apiserver certificate's names: loopback, and the
 * in-cluster names of the `kubernetes` service with its ClusterIP (10.96.0.1,
 * the first address of kubeadm's default service CIDR 10.96.0.0/12).
 */
export const API_SERVER_NAMES: ServerNames = {
  dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
  ipAddresses: ['127.0.0.1', '10.96.0.1'],
};

/** newCA is certutil.NewSelfSignedCACert: a CA certificate for CN=kubernetes, its DNS name its CN. */
export function newCA(entropy: Entropy, now: number): KeyPair {
  const { privateKeyPem, publicKeyPem } = entropy.rsaKeyPair();
  const key = forge.pki.privateKeyFromPem(privateKeyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = serialNumber(entropy);
  setValidity(cert, now, CA_VALIDITY_MS);
  const name = distinguishedName({ commonName: CA_COMMON_NAME });
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'basicConstraints', critical: true, cA: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'subjectAltName', altNames: [{ type: DNS_NAME, value: CA_COMMON_NAME }] },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKeyPem };
}

/** newServerCert is a serving certificate (ExtKeyUsage serverAuth) for names, signed by ca. */
export function newServerCert(ca: KeyPair, entropy: Entropy, now: number, subject: Subject, names: ServerNames): KeyPair {
  const altNames = [
    ...names.dnsNames.map((value) => ({ type: DNS_NAME, value })),
    ...names.ipAddresses.map((ip) => ({ type: IP_ADDRESS, ip })),
  ];
  return signLeaf(ca, entropy, now, subject, { serverAuth: true }, altNames);
}

/** newClientCert is a client certificate (ExtKeyUsage clientAuth) for subject, signed by ca: CN is the user, O the groups. */
export function newClientCert(ca: KeyPair, entropy: Entropy, now: number, subject: Subject): KeyPair {
  return signLeaf(ca, entropy, now, subject, { clientAuth: true }, []);
}

/** GeneralName tags of RFC 5280's SubjectAltName. */
const DNS_NAME = 2;
const IP_ADDRESS = 7;

function signLeaf(ca: KeyPair, entropy: Entropy, now: number, subject: Subject, extKeyUsage: { serverAuth?: boolean; clientAuth?: boolean }, altNames: object[]): KeyPair {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const { privateKeyPem, publicKeyPem } = entropy.rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = serialNumber(entropy);
  setValidity(cert, now, CERT_VALIDITY_MS);
  cert.setSubject(distinguishedName(subject));
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', ...extKeyUsage },
    { name: 'basicConstraints', critical: true, cA: false },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    ...(altNames.length ? [{ name: 'subjectAltName', altNames }] : []),
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKeyPem };
}

/** distinguishedName orders the attributes as Go's pkix.Name marshals them: O before CN. */
function distinguishedName(subject: Subject): forge.pki.CertificateField[] {
  return [
    ...(subject.organizations ?? []).map((value) => ({ shortName: 'O', value })),
    { shortName: 'CN', value: subject.commonName },
  ];
}

function setValidity(cert: forge.pki.Certificate, now: number, validityMs: number): void {
  cert.validity.notBefore = new Date(now - CERTIFICATE_BACKDATE_MS);
  cert.validity.notAfter = new Date(now + validityMs);
}

/**
 * serialNumber is kubeadm's: a random positive integer below 2^63, as the hex
 * of its minimal DER encoding (forge writes the bytes as given, and Go's parser
 * refuses a non-minimal INTEGER).
 */
function serialNumber(entropy: Entropy): string {
  const bytes = Array.from(entropy.randomBytes(8));
  bytes[0] &= 0x7f;
  while (bytes.length > 1 && bytes[0] === 0) bytes.shift();
  if (bytes[0] === 0) bytes[0] = 1;
  if (bytes[0] >= 0x80) bytes.unshift(0);
  return Buffer.from(bytes).toString('hex');
}
