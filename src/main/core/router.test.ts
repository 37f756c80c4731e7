import { describe, expect, it } from 'vitest'
import { useTempDir } from '../testing/tempDir'
import { createRouter } from './router'
import { Services } from './services'
import { keyFileSecretBox } from './store/secretBox'

const tempDir = useTempDir()

function router() {
  const dir = tempDir()
  const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: '1.2.3', log: { error: () => undefined } })
  return { services, router: createRouter(services) }
}

describe('router', () => {
  it('answers every method of the contract with { ok, value }', async () => {
    const { router: r } = router()
    const info = await r.call('app.info', {})
    expect(info).toMatchObject({ ok: true, value: { name: 'OrgBench', version: '1.2.3', secretStorage: { kind: 'key-file' } } })
  })

  it('rejects an unknown method and invalid input as typed errors', async () => {
    const { router: r } = router()
    expect(await r.call('fs.readFile', { path: '/etc/passwd' })).toEqual({ ok: false, error: { code: 'invalid_input', message: 'Unknown method "fs.readFile".' } })
    const bad = await r.call('env.update', { id: 42 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('id'), detail: { issues: expect.any(Array) } } })
    expect(await r.call('app.info', { extra: true })).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('passes AppErrors through and wraps anything else as internal', async () => {
    const { router: r, services } = router()
    expect(await r.call('traffic.get', { id: 'missing' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    services.traffic.list = () => {
      throw new TypeError('boom')
    }
    expect(await r.call('traffic.list', {})).toEqual({ ok: false, error: { code: 'internal', message: 'Something went wrong in traffic.list: boom' } })
  })

  it('makes a new environment active, and forgets the active one when it is deleted', async () => {
    const { router: r } = router()
    const env = await r.invoke('env.create', { name: 'Dev', orgUrl: 'https://dev.crm.dynamics.com' })
    expect((await r.invoke('env.list', {})).activeId).toBe(env.id)
    await r.invoke('settings.update', { theme: 'dark' })
    expect((await r.invoke('env.list', {})).activeId).toBe(env.id)
    await r.invoke('env.delete', { id: env.id })
    expect((await r.invoke('env.list', {})).activeId).toBeNull()
    await expect(r.invoke('env.setActive', { id: env.id })).rejects.toMatchObject({ code: 'not_found' })
  })

  it('reports a corrupt settings file and falls back to defaults', async () => {
    const dir = tempDir()
    const { writeFileSync } = await import('node:fs')
    writeFileSync(`${dir}/settings.json`, '{"schemaVersion":1,"theme":"purple"}')
    const r = createRouter(new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: '1', log: { error: () => undefined } }))
    expect(await r.invoke('settings.get', {})).toMatchObject({ theme: 'system', requestTimeoutMs: 30000 })
    const { problems } = await r.invoke('env.list', {})
    expect(problems[0]).toMatchObject({ file: expect.stringContaining('settings.json'), reason: expect.stringContaining('theme') })
  })

  it('cancels an in-flight request by its id', async () => {
    const { router: r } = router()
    const { startHttpServer } = await import('../testing/testServer')
    const server = await startHttpServer()
    try {
      const pending = r.call('request.send', { requestId: 'r1', environmentId: null, request: { method: 'GET', url: `${server.url}/slow?ms=3000` } })
      await new Promise((ok) => setTimeout(ok, 50))
      expect(await r.invoke('request.cancel', { requestId: 'r1' })).toEqual({ cancelled: true })
      expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } })
      expect(await r.invoke('request.cancel', { requestId: 'r1' })).toEqual({ cancelled: false })
    } finally {
      await server.close()
    }
  })

  it('explains a malformed org URL for tenant discovery instead of failing inside', async () => {
    const { router: r } = router()
    expect(await r.call('auth.discoverTenant', { orgUrl: 'contoso.crm.dynamics.com' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('is not a URL') } })
    expect(await r.call('auth.discoverTenant', { orgUrl: 'http://contoso.crm.dynamics.com' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('must use https') } })
  })

  it('explains an org that does not answer like Dataverse', async () => {
    const { router: r } = router()
    const { startHttpsServer } = await import('../testing/testServer')
    const { createCertificateAuthority, issueServerCertificate } = await import('./tls/certificates')
    const ca = await createCertificateAuthority('router test')
    const cert = await issueServerCertificate(ca, ['127.0.0.1'])
    const server = await startHttpsServer(cert.certPem, cert.keyPem)
    try {
      expect(await r.call('auth.discoverTenant', { orgUrl: server.url, caCertificatePem: ca.certPem })).toMatchObject({ ok: false, error: { code: 'sign_in_failed', message: expect.stringContaining('did not answer with a Dataverse sign-in challenge (status 404)') } })
    } finally {
      await server.close()
    }
  })
})

