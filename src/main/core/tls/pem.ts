import { createHash } from 'node:crypto'

/** The DER bytes of the first certificate in a PEM text (no ASN.1 parsing: signing a request needs only these). */
export function firstCertificateDer(certPem: string): Buffer {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(certPem)
  if (!match) throw new Error('No PEM certificate (-----BEGIN CERTIFICATE-----) found.')
  return Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64')
}

/**
 * A certificate's thumbprints as Entra and JWT headers name them (SHA-1 hex, x5t, x5t#S256). Kept apart from
 * certificates.ts so that signing with a certificate does not load an X.509 library (the CLI starts faster).
 */
export function certificateThumbprints(certPem: string): { sha1Hex: string; x5t: string; x5tS256: string; der: Buffer } {
  const der = firstCertificateDer(certPem)
  const sha1 = createHash('sha1').update(der).digest()
  const sha256 = createHash('sha256').update(der).digest()
  return { sha1Hex: sha1.toString('hex').toUpperCase(), x5t: sha1.toString('base64url'), x5tS256: sha256.toString('base64url'), der }
}
