import { createHash, randomBytes } from 'node:crypto'

/** RFC 7636 S256: a 43-character verifier from 32 random bytes, and its SHA-256 challenge. */
export function createPkce(): { verifier: string; challenge: string; method: 'S256' } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url'), method: 'S256' }
}

/** An unguessable value for `state` and `nonce`. */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url')
}
