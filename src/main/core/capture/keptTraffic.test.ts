import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { keyFileSecretBox } from '../store/secretBox'
import { Services } from '../services'
import { KeptTraffic } from './keptTraffic'
import { TrafficLog } from './trafficLog'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL29yZyJ9.c2lnbmF0dXJl-kept'

function logWithSecrets(): TrafficLog {
  const log = new TrafficLog({})
  log.record({ kind: 'api', startedAt: Date.now(), method: 'POST', url: 'https://org.crm.dynamics.com/api/data/v9.2/accounts', environmentId: 'env', environmentName: 'Dev', signInId: null, grant: null, requestHeaders: [['Authorization', `Bearer ${TOKEN}`]], requestBody: { bytes: Buffer.from('{"name":"kept"}'), contentType: 'application/json' }, status: 204, statusText: 'No Content', httpVersion: '1.1', responseHeaders: [], responseBody: null, timings: null, error: null })
  return log
}

describe('the traffic log kept across restarts', () => {
  it('comes back whole after a restart, and nothing of it is on disk in plain text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orgbench-kept-'))
    dirs.push(dir)
    const file = join(dir, 'traffic-kept.enc')
    const kept = new KeptTraffic(file, keyFileSecretBox(dir), 'test')
    expect(await kept.save(logWithSecrets())).toBe(1)
    const onDisk = readFileSync(file, 'utf8')
    for (const plain of [TOKEN, 'kept"', 'org.crm.dynamics.com', 'accounts']) expect(onDisk).not.toContain(plain)

    const restored = new TrafficLog({})
    expect(await new KeptTraffic(file, keyFileSecretBox(dir), 'test').restore(restored)).toBe(1)
    const entry = restored.get(restored.list()[0]!.id, true)!
    expect(entry).toMatchObject({ method: 'POST', status: 204, requestBody: { text: '{"name":"kept"}' } })
    expect(entry.requestHeaders).toContainEqual(['Authorization', `Bearer ${TOKEN}`])
  })

  it('drops a file it cannot read instead of failing the start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orgbench-kept-'))
    dirs.push(dir)
    const file = join(dir, 'traffic-kept.enc')
    writeFileSync(file, 'garbage')
    expect(await new KeptTraffic(file, keyFileSecretBox(dir), 'test').restore(new TrafficLog({}))).toBe(0)
    expect(() => readFileSync(file)).toThrow()
  })

  it('is kept by the app only when Settings say so, and forgotten when they stop saying it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orgbench-kept-'))
    dirs.push(dir)
    const open = () => new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', keepTraffic: true, log: { error: () => undefined } })
    const first = open()
    first.traffic.record({ kind: 'api', startedAt: Date.now(), method: 'GET', url: 'https://org.crm.dynamics.com/api/data/v9.2/WhoAmI', environmentId: null, environmentName: null, signInId: null, grant: null, requestHeaders: [], requestBody: null, status: 200, statusText: 'OK', httpVersion: '1.1', responseHeaders: [], responseBody: null, timings: null, error: null })
    await first.close()
    const off = open()
    await new Promise((r) => setTimeout(r, 50))
    expect(off.traffic.list()).toEqual([])
    await off.settings.update({ trafficKeep: true })
    off.traffic.record({ kind: 'api', startedAt: Date.now(), method: 'GET', url: 'https://org.crm.dynamics.com/api/data/v9.2/accounts', environmentId: null, environmentName: null, signInId: null, grant: null, requestHeaders: [], requestBody: null, status: 200, statusText: 'OK', httpVersion: '1.1', responseHeaders: [], responseBody: null, timings: null, error: null })
    await off.close()
    const on = open()
    await expect.poll(() => on.traffic.list().map((e) => e.path)).toEqual(['/api/data/v9.2/accounts'])
    await on.settings.update({ trafficKeep: false })
    await on.close()
    expect(() => readFileSync(join(dir, 'traffic-kept.enc'))).toThrow()
  })
})
