import tls from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHarness } from '../../testing/sandbox'
import { createCertificateAuthority } from '../tls/certificates'
import { Agent, AgentPool, secureContextTrusting } from './agents'

let sb: SandboxHarness
beforeAll(async () => {
  sb = await startSandbox()
})
afterAll(() => sb.stop())

/** A TLS handshake with the Sandbox's HTTPS port: 'trusted', or the reason it was not. */
function handshake(options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port: Number(new URL(sb.info.orgUrl).port), ...options }, () => {
      resolve(socket.authorized ? 'trusted' : String(socket.authorizationError))
      socket.destroy()
    })
    socket.on('error', (error) => resolve(error.message))
  })
}

describe('AgentPool\'s Agent', () => {
  it('is the very class undici exports, loaded without the rest of undici', async () => {
    const undici = await import('undici')
    expect(Agent).toBe(undici.Agent)
    expect(new Agent()).toBeInstanceOf(undici.Dispatcher)
  })
})

describe('an environment\'s CA', () => {
  it('is trusted by its own context (also inside a bundle of PEMs), and by no other context or the defaults', async () => {
    const other = await createCertificateAuthority('Another CA')
    expect(await handshake({ secureContext: secureContextTrusting(sb.info.caCertificatePem) })).toBe('trusted')
    expect(await handshake({ secureContext: secureContextTrusting(`${other.certPem}\n${sb.info.caCertificatePem}`) })).toBe('trusted')
    expect(await handshake({ secureContext: secureContextTrusting(other.certPem) })).toMatch(/unable to verify/)
    expect(await handshake({})).toMatch(/unable to verify/)
    expect(await handshake({ secureContext: tls.createSecureContext() })).toMatch(/unable to verify/)
  })

  it('goes with its agent only: the default agent still refuses the Sandbox', async () => {
    const pool = new AgentPool()
    try {
      const ok = await pool.get(sb.info.caCertificatePem).request({ origin: sb.info.orgUrl, path: '/api/data/v9.2/', method: 'GET' })
      expect(ok.statusCode).toBe(401)
      await ok.body.text()
      await expect(pool.get('').request({ origin: sb.info.orgUrl, path: '/api/data/v9.2/', method: 'GET' })).rejects.toThrow(/unable to verify|certificate/i)
    } finally {
      await pool.close()
    }
  })
})
