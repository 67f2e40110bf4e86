/**
 * The certificate check with node's X509Certificate (OpenSSL) as the parser: used where the
 * certificate enters Switchboard from a file (`voice.certificateFile` of the config), so what
 * `callcenter build` and `package build` write has passed OpenSSL's parse, not only the linter's
 * DER reader (which also runs in the browser).
 */
import { X509Certificate } from 'node:crypto';
import { checkCertificate, type CertificateFacts, type CertificateVerdict } from './certificate-check.ts';

export function parseWithOpenSsl(der: Uint8Array): CertificateFacts {
  const cert = new X509Certificate(der);
  return { notAfter: new Date(cert.validTo), keyType: cert.publicKey.asymmetricKeyType };
}

export function checkCertificateWithOpenSsl(text: string, what: string, now: Date = new Date()): CertificateVerdict {
  return checkCertificate(text, what, now, parseWithOpenSsl);
}
