import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { ADMIN } from '../lab';
import { CA_VALIDITY_MS, CERTIFICATE_BACKDATE_MS, CERT_VALIDITY_MS } from './certificates';
import { ADMIN_SUBJECT, createLabPki } from './labPki';
import { nodeEntropy } from './nodeEntropy';

const NOW = Date.UTC(2026, 0, 1);
const pki = createLabPki(nodeEntropy(), NOW);
const ca = new X509Certificate(pki.ca.certPem);
const server = new X509Certificate(pki.apiServer.certPem);
const admin = new X509Certificate(pki.admin.certPem);

// cmd/kubeadm/app/util/pkiutil/pki_helpers.go and cmd/kubeadm/app/constants/constants.go.
test('the CA is kubeadm\'s: CN=kubernetes, a CA, ten years from five minutes ago', () => {
  assert.equal(ca.subject, 'CN=kubernetes');
  assert.equal(ca.issuer, 'CN=kubernetes');
  assert.equal(ca.ca, true);
  assert.equal(ca.subjectAltName, 'DNS:kubernetes');
  assert.equal(Date.parse(ca.validFrom), NOW - CERTIFICATE_BACKDATE_MS);
  assert.equal(Date.parse(ca.validTo), NOW + CA_VALIDITY_MS);
  assert.ok(ca.verify(ca.publicKey));
});

test('the serving certificate names loopback and the kubernetes service, signed by the CA for a year', () => {
  assert.equal(server.subject, 'CN=kube-apiserver');
  assert.equal(server.ca, false);
  assert.equal(server.subjectAltName, 'DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, IP Address:127.0.0.1, IP Address:10.96.0.1');
  assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.ok(server.checkIssued(ca) && server.verify(ca.publicKey));
  assert.ok(server.checkIP('127.0.0.1'));
  assert.equal(Date.parse(server.validTo), NOW + CERT_VALIDITY_MS);
});

test('the admin certificate is a client certificate for the lab\'s ADMIN: CN the user, O the groups', () => {
  assert.equal(admin.subject, 'O=system:masters\nCN=kubernetes-admin');
  assert.deepEqual(admin.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.ok(admin.checkIssued(ca) && admin.verify(ca.publicKey));
  assert.equal(ADMIN_SUBJECT.commonName, ADMIN.username);
  assert.deepEqual(ADMIN_SUBJECT.organizations, ADMIN.groups.filter((g) => g !== 'system:authenticated'));
});

/** serialBytes is the serial number's INTEGER content as the certificate's DER holds it (Node prints the number, not its encoding). */
function serialBytes(raw: Buffer): Buffer {
  let at = 0;
  // Reads a tag and its length, leaving `at` on the content.
  const tlv = (): number => {
    at++;
    let len = raw[at++];
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + raw[at++];
    }
    return len;
  };
  tlv(); // Certificate
  tlv(); // TBSCertificate
  if (raw[at] === 0xa0) {
    const version = tlv(); // [0] EXPLICIT version
    at += version;
  }
  assert.equal(raw[at], 0x02, 'the serial number is an INTEGER');
  const len = tlv();
  return raw.subarray(at, at + len);
}

test('serial numbers are positive and minimally encoded, as Go\'s x509 parser requires', () => {
  for (const cert of [ca, server, admin]) {
    const bytes = serialBytes(cert.raw);
    assert.ok(bytes[0] < 0x80, `positive: ${bytes.toString('hex')}`);
    assert.ok(bytes.length === 1 || bytes[0] !== 0 || bytes[1] >= 0x80, `minimal: ${bytes.toString('hex')}`);
    assert.ok(BigInt(`0x${cert.serialNumber}`) < 2n ** 63n, cert.serialNumber);
  }
  assert.equal(new Set([ca, server, admin].map((c) => c.serialNumber)).size, 3);
});
