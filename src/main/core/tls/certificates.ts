// @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata'
import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

type KeyPair = webcrypto.CryptoKeyPair

x509.cryptoProvider.set(webcrypto as never)

const ALG: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }

export interface CertificateAuthority {
  certPem: string
  keyPem: string
  cert: x509.X509Certificate
  keys: KeyPair
}

export interface IssuedCertificate {
  certPem: string
  keyPem: string
}

async function exportKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key)
  return x509.PemConverter.encode(der, 'PRIVATE KEY')
}

const RSA_ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(12))).toString('hex').replace(/^[89a-f]/, '1')
}

/** A new key pair and a self-signed certificate for it, valid from `notBefore` (a minute ago) for `days`. */
async function selfSigned(
  commonName: string,
  days: number,
  algorithm: typeof ALG | typeof RSA_ALG,
  extensions: (keys: KeyPair) => Promise<x509.Extension[]>,
  notBefore = new Date(Date.now() - 60_000)
): Promise<{ cert: x509.X509Certificate; keys: KeyPair; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as unknown as KeyPair
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * 86_400_000),
    keys,
    signingAlgorithm: algorithm,
    extensions: await extensions(keys)
  })
  return { cert, keys, keyPem: await exportKeyPem(keys.privateKey) }
}

/** A CA for loopback services (the Sandbox, tests): its certificate is trusted only where we pass it explicitly. */
export async function createCertificateAuthority(commonName: string, days = 3650): Promise<CertificateAuthority> {
  const { cert, keys, keyPem } = await selfSigned(commonName, days, ALG, async (k) => [
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(k.publicKey)
  ])
  return { certPem: cert.toString('pem'), keyPem, cert, keys }
}

/** A server certificate for `hosts` (DNS names or IP addresses), signed by `ca`, or self-signed when `ca` is null. */
export async function issueServerCertificate(ca: CertificateAuthority | null, hosts: string[], days = 825, validFrom = new Date(Date.now() - 60_000)): Promise<IssuedCertificate> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as KeyPair
  const names = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h }))
  const extensions = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
    new x509.SubjectAlternativeNameExtension(names, false)
  ]
  const notAfter = new Date(validFrom.getTime() + days * 86_400_000)
  const cert = ca
    ? await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: `CN=${hosts[0] ?? 'localhost'}`,
        issuer: ca.cert.subject,
        notBefore: validFrom,
        notAfter,
        publicKey: keys.publicKey,
        signingKey: ca.keys.privateKey,
        signingAlgorithm: ALG,
        extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(ca.cert)]
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name: `CN=${hosts[0] ?? 'localhost'}`,
        notBefore: validFrom,
        notAfter,
        keys,
        signingAlgorithm: ALG,
        extensions
      })
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) }
}

/** A self-signed RSA certificate and key: for signing tokens and client assertions (RS256). `validFrom` in the past makes an expired one. */
export async function createSelfSignedRsa(commonName: string, days = 3650, validFrom?: Date): Promise<IssuedCertificate> {
  const { cert, keyPem } = await selfSigned(commonName, days, RSA_ALG, async () => [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)], validFrom)
  return { certPem: cert.toString('pem'), keyPem }
}

/** SHA-1 and SHA-256 thumbprints of a PEM certificate, hex (as the Azure portal shows them) and base64url (x5t, x5t#S256). */
/** When a PEM certificate stops being valid, or null when it does not parse. */
export function certificateNotAfter(certPem: string): Date | null {
  try {
    return new x509.X509Certificate(certPem).notAfter
  } catch {
    return null
  }
}

/** A CA from its PEM certificate and PKCS#8 key (as stored on disk), ready to issue certificates. */
export async function importCertificateAuthority(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(certPem)
  const privateKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), ALG, true, ['sign'])
  const publicKey = await cert.publicKey.export(ALG, ['verify'])
  return { certPem, keyPem, cert, keys: { privateKey, publicKey } as unknown as KeyPair }
}

export { certificateThumbprints } from './pem'
