import { randomUUID, X509Certificate } from 'node:crypto'
import { compactVerify, decodeProtectedHeader, exportJWK, importPKCS8, importX509, jwtVerify, SignJWT, type CryptoKey, type JWTPayload } from 'jose'
import { certificateThumbprints } from '../core/tls/certificates'

/** How a token's header is shaped: Entra's v1 tokens name the key twice (x5t and kid), its v2 tokens and standard ones once. */
export type TokenHeader = 'v1' | 'v2' | 'at+jwt'

export interface SignerOptions {
  /** The Sandbox's clock (tests move it); lifetimes are checked against it. */
  now?: () => number
  /** The access token lifetime: the allowed clock skew is a tenth of it, at most 30 s, so a short lifetime really expires. */
  lifetimeSeconds?: number
}

/** Signs Entra-shaped and standard tokens with the Sandbox's RSA key and verifies them for the Web API. */
export class TokenSigner {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    readonly kid: string,
    private readonly jwk: { n: string; e: string },
    private readonly certDer: Buffer,
    private readonly options: SignerOptions
  ) {}

  static async create(keyPem: string, certPem: string, options: SignerOptions = {}): Promise<TokenSigner> {
    const publicKey = await importX509(certPem, 'RS256', { extractable: true })
    const jwk = await exportJWK(publicKey)
    const { der, x5t } = certificateThumbprints(certPem)
    return new TokenSigner(await importPKCS8(keyPem, 'RS256'), publicKey, x5t, { n: jwk.n!, e: jwk.e! }, der, options)
  }

  sign(claims: JWTPayload, header: TokenHeader = 'v1'): Promise<string> {
    const protectedHeader = header === 'v1' ? { typ: 'JWT', alg: 'RS256', x5t: this.kid, kid: this.kid } : { typ: header === 'at+jwt' ? 'at+jwt' : 'JWT', alg: 'RS256', kid: this.kid }
    return new SignJWT(claims).setProtectedHeader(protectedHeader).sign(this.privateKey)
  }

  /** The clock skew accepted when checking a token's lifetime, in seconds. */
  get clockToleranceSeconds(): number {
    return Math.min(30, Math.floor((this.options.lifetimeSeconds ?? 3599) / 10))
  }

  /** Verifies signature and lifetime; the caller checks audience and issuer to give its own errors. */
  async verify(token: string): Promise<JWTPayload> {
    const now = this.options.now ?? Date.now
    const { payload } = await jwtVerify(token, this.publicKey, { algorithms: ['RS256'], clockTolerance: this.clockToleranceSeconds, currentDate: new Date(now()) })
    return payload
  }

  /** The JWKS document: this key with its certificate; Entra also names the issuer in each key, a standard authority does not. */
  jwks(issuer?: string): { keys: Array<Record<string, unknown>> } {
    const key = { kty: 'RSA', use: 'sig', kid: this.kid, x5t: this.kid, n: this.jwk.n, e: this.jwk.e, x5c: [this.certDer.toString('base64')] }
    return { keys: [issuer === undefined ? { ...key, alg: 'RS256' } : { ...key, issuer }] }
  }
}

/** A token id in Entra's `uti` style. */
export function newUti(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url').slice(0, 22)
}

export type AssertionCheck = { payload: JWTPayload; thumbprint: string; notBefore: Date; notAfter: Date } | { error: 'no_key'; thumbprint: string } | { error: 'malformed'; reason: string }

/**
 * Verify a client assertion's signature against the app's registered certificates.
 * Only the signature: the caller checks aud, iss/sub, lifetime and jti to answer with the right AADSTS code.
 */
export async function verifyAssertion(assertion: string, certificates: readonly string[]): Promise<AssertionCheck> {
  let header: { x5t?: string; 'x5t#S256'?: string; alg?: string }
  try {
    header = decodeProtectedHeader(assertion) as typeof header
  } catch (error) {
    return { error: 'malformed', reason: (error as Error).message }
  }
  if (header.alg !== 'RS256' && header.alg !== 'PS256') return { error: 'malformed', reason: `The assertion must be signed with RS256 or PS256 (got ${String(header.alg)}).` }
  const presented = header.x5t ? Buffer.from(header.x5t, 'base64url').toString('hex').toUpperCase() : (header['x5t#S256'] ?? '(none)')
  for (const pem of certificates) {
    const { x5t, x5tS256, sha1Hex } = certificateThumbprints(pem)
    if ((header.x5t && header.x5t !== x5t) || (header['x5t#S256'] && header['x5t#S256'] !== x5tS256)) continue
    try {
      const { payload } = await compactVerify(assertion, await importX509(pem, header.alg))
      const claims = JSON.parse(Buffer.from(payload).toString('utf8')) as unknown
      if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return { error: 'malformed', reason: 'The assertion payload is not a JSON object.' }
      const cert = new X509Certificate(pem)
      return { payload: claims as JWTPayload, thumbprint: sha1Hex, notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) }
    } catch {
      // Not signed by this certificate: try the next one.
    }
  }
  return { error: 'no_key', thumbprint: presented }
}
