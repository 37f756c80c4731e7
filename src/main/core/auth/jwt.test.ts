import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { DecodedToken } from '../../../shared/auth'
import { useTempDir } from '../../testing/tempDir'
import { createRouter } from '../router'
import { Services } from '../services'
import { keyFileSecretBox } from '../store/secretBox'
import { decodeToken } from './jwt'

const sign = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode('k'.repeat(32)))
const now = 1_800_000_000
const tempDir = useTempDir()

describe('decodeToken', () => {
  it('decodes a delegated Dataverse token: header, claims with meanings, audience, scopes, identity', async () => {
    const d = decodeToken(await sign({ aud: 'https://org.crm.dynamics.com', scp: 'user_impersonation', upn: 'u@x', exp: now + 600, iat: now }), { orgUrl: 'https://org.crm.dynamics.com/', now })
    expect(d).toMatchObject({ kind: 'jwt', header: { alg: 'HS256' }, audience: 'https://org.crm.dynamics.com', scopes: ['user_impersonation'], identity: 'user', expiresAt: now + 600, warnings: [] })
    expect(d.kind === 'jwt' && d.explained.find((c) => c.claim === 'aud')?.meaning).toContain('must be the org URL')
  })

  it('warns about the most common mistake, a token for another audience, and about expiry', async () => {
    const d = decodeToken(`Bearer ${await sign({ aud: '00000003-0000-0000-c000-000000000000', exp: now - 300 })}`, { orgUrl: 'https://org.crm.dynamics.com', now })
    expect(d.kind === 'jwt' && d.warnings).toEqual(['Expired 5 min ago.', expect.stringContaining('Ask for the scope https://org.crm.dynamics.com/.default')])
  })

  it('recognises app-only tokens and lists roles', async () => {
    const d = decodeToken(await sign({ aud: 'https://o', idtyp: 'app', appid: 'a', roles: ['Read.All'] }))
    expect(d).toMatchObject({ identity: 'app', roles: ['Read.All'], scopes: [] })
  })

  it('tells app from user tokens of a standard (RFC 9068) authority by subject and client', async () => {
    const app = decodeToken(await sign({ aud: 'https://org.example', sub: 'client-1', client_id: 'client-1', scope: '', exp: 9999999999 }), { orgUrl: 'https://org.example' })
    expect(app).toMatchObject({ kind: 'jwt', identity: 'app' })
    const user = decodeToken(await sign({ aud: 'https://org.example', sub: 'user-7', client_id: 'client-1', exp: 9999999999 }), { orgUrl: 'https://org.example' })
    expect(user).toMatchObject({ kind: 'jwt', identity: 'user' })
  })

  it('reports opaque tokens as opaque, not as an error', () => {
    expect(decodeToken('EwBwA8l6BAAU-not-a-jwt')).toEqual({ kind: 'opaque', length: 22, note: expect.stringContaining('not an error') })
  })

  it('explains claims named like Object.prototype members as plain data that crosses IPC (auth.decode through the router)', async () => {
    const dir = tempDir()
    const router = createRouter(new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: () => undefined } }))
    const part = (json: string) => Buffer.from(json).toString('base64url')
    const payload = '{"aud":"https://o","toString":"t","constructor":"c","valueOf":1,"hasOwnProperty":"h","__proto__":{"x":1},"__defineGetter__":"g"}'
    const token = `${part('{"alg":"none","typ":"JWT"}')}.${part(payload)}.`
    const answer = await router.call('auth.decode', { token })
    expect(answer.ok).toBe(true)
    // What Electron's IPC does to every answer: a function anywhere in it throws DataCloneError.
    const crossed = structuredClone(answer.ok ? answer.value : null)
    const decoded = DecodedToken.parse(crossed)
    if (decoded.kind !== 'jwt') throw new Error('expected a JWT')
    const meanings = Object.fromEntries(decoded.explained.map((c) => [c.claim, c.meaning]))
    expect(meanings).toMatchObject({ toString: '', constructor: '', valueOf: '', hasOwnProperty: '', __defineGetter__: '', aud: expect.stringContaining('Audience') })
    expect(decoded.explained.map((c) => c.claim)).toEqual(['aud', 'toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__'])
    expect(Object.hasOwn(decoded.claims, 'constructor') && decoded.claims.constructor).toBe('c')
  })
})
