/**
 * The Telephony Integration Certificate checks: the linter's own DER reader agrees with OpenSSL
 * (node's X509Certificate) on real certificates made at test time, and refuses private keys,
 * damaged bodies, non-RSA keys and expired certificates with messages that never echo the content.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { makeCertificate, rsaCertificate } from '../../../test/callcenter/voice-support.ts';
import { certificateCommand, checkCertificate, parseDerCertificate } from './certificate-check.ts';
import { checkCertificateWithOpenSsl, parseWithOpenSsl } from './voice-certificate.ts';

const der = (pem: string): Uint8Array => new X509Certificate(pem).raw;

test('the DER reader finds what OpenSSL finds: notAfter and the key type, RSA and EC', () => {
  for (const cert of [rsaCertificate().cert, makeCertificate({ keyType: 'ec', days: 3 }).cert]) {
    const ours = parseDerCertificate(der(cert));
    const openssl = parseWithOpenSsl(der(cert));
    assert.equal(ours.notAfter.toISOString(), openssl.notAfter.toISOString());
    assert.equal(ours.keyType, openssl.keyType);
  }
});

test('a valid RSA certificate passes, as PEM or as the bare base64 body, and comes back as normalised PEM', () => {
  const { cert } = rsaCertificate();
  const now = new Date();
  for (const text of [cert, `\n  ${cert}  \n`, cert.split('\n').slice(1, -2).join('\n')]) {
    for (const verdict of [checkCertificate(text, 'c', now), checkCertificateWithOpenSsl(text, 'c', now)]) {
      assert.ok(verdict.ok, JSON.stringify(verdict));
      assert.equal(new X509Certificate(verdict.pem).fingerprint256, new X509Certificate(cert).fingerprint256);
      assert.ok(verdict.daysLeft >= 364 && verdict.daysLeft <= 365, String(verdict.daysLeft));
    }
  }
});

test('a private key is refused loudly, alone or beside the certificate, and never echoed', () => {
  const { cert, key } = rsaCertificate();
  for (const text of [key, `${key}\n${cert}`, `${cert}\n${key}`, '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----']) {
    const verdict = checkCertificate(text, 'the file k.pem');
    assert.equal(verdict.ok, false);
    assert.equal(!verdict.ok && verdict.kind, 'private-key');
    assert.match(!verdict.ok ? verdict.message : '', /^REFUSED: the file k\.pem contains a PRIVATE KEY/);
    assert.doesNotMatch(!verdict.ok ? verdict.message : '', /MII/);
  }
});

test('damaged, empty, non-certificate and non-RSA inputs are refused with their kind', () => {
  const { cert } = rsaCertificate();
  const body = cert.split('\n').slice(1, -2).join('');
  const cases: [string, string][] = [
    ['', 'empty'],
    ['hello, certificate', 'invalid'],
    [`-----BEGIN CERTIFICATE-----\n${body.slice(0, 200)}\n-----END CERTIFICATE-----`, 'invalid'],
    // The outer SEQUENCE tag made a SET: the structure, not only the signature, is wrong.
    [`-----BEGIN CERTIFICATE-----\n${Buffer.from([0x31, ...der(cert).subarray(1)]).toString('base64')}\n-----END CERTIFICATE-----`, 'invalid'],
    ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', 'invalid'],
    [makeCertificate({ keyType: 'ec' }).cert, 'not-rsa'],
  ];
  for (const [text, kind] of cases) {
    for (const verdict of [checkCertificate(text, 'c'), checkCertificateWithOpenSsl(text, 'c')]) {
      assert.equal(verdict.ok ? 'ok' : verdict.kind, kind, `${kind}: ${text.slice(0, 40)}`);
    }
  }
});

test('expiry is judged at the given time: days left, then expired', () => {
  const { cert } = rsaCertificate();
  const notAfter = parseDerCertificate(der(cert)).notAfter;
  const tenDaysBefore = new Date(notAfter.getTime() - 10 * 86_400_000 - 1000);
  const soon = checkCertificate(cert, 'c', tenDaysBefore);
  assert.ok(soon.ok && soon.daysLeft === 10);
  const after = checkCertificate(cert, 'c', new Date(notAfter.getTime() + 1000));
  assert.equal(!after.ok && after.kind, 'expired');
  assert.match(!after.ok ? after.message : '', new RegExp(`expired on ${notAfter.toISOString()}`));
});

test('the key-pair command: the voice bridge keygen for its file name, openssl otherwise', () => {
  assert.match(certificateCommand('voice-bridge-cert.pem'), /^switchboard voice-bridge keygen --out \. \(or openssl req -x509 -newkey rsa:2048/);
  assert.match(certificateCommand('keys/voice-bridge-cert.pem'), /keygen --out keys /);
  assert.match(certificateCommand('mine.pem'), /^openssl req -x509 -newkey rsa:2048 -nodes -keyout voice-bridge-key\.pem -out mine\.pem /);
});
