import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHttpServer, startHttpsServer, type TestServer } from '../../testing/testServer'
import { TrafficLog } from '../capture/trafficLog'
import { createCertificateAuthority, issueServerCertificate } from '../tls/certificates'
import { formatMs } from './errors'
import { prepareRequest, RequestExecutor, type SendTarget } from './executor'

let server: TestServer
let tlsServer: TestServer
let caPem: string
let selfSigned: TestServer

beforeAll(async () => {
  server = await startHttpServer()
  const ca = await createCertificateAuthority('Executor test CA')
  caPem = ca.certPem
  const cert = await issueServerCertificate(ca, ['127.0.0.1', 'localhost'])
  tlsServer = await startHttpsServer(cert.certPem, cert.keyPem)
  const own = await issueServerCertificate(null, ['127.0.0.1'])
  selfSigned = await startHttpsServer(own.certPem, own.keyPem)
})
afterAll(async () => {
  await Promise.all([server.close(), tlsServer.close(), selfSigned.close()])
})

const target = (variables: Record<string, string> = {}, caCertificatePem = ''): SendTarget => ({
  environmentId: 'env-1',
  environmentName: 'Test',
  caCertificatePem,
  variables: new Map(Object.entries(variables))
})
const options = { timeoutMs: 5000, maxResponseBytes: 10 * 1024 * 1024 }

function setup() {
  const traffic = new TrafficLog()
  return { traffic, executor: new RequestExecutor(traffic) }
}

describe('prepareRequest', () => {
  it('substitutes variables in URL, headers and body', async () => {
    const p = await prepareRequest(
      { method: 'POST', url: '{{base}}/echo', headers: [{ key: 'X-Id', value: '{{id}}', enabled: true }, { key: 'X-Off', value: '{{nope}}', enabled: false }], body: '{"id":"{{id}}"}' },
      new Map([['base', 'http://h'], ['id', '42']])
    )
    expect(p.url.href).toBe('http://h/echo')
    expect(p.headers).toContainEqual(['X-Id', '42'])
    expect(p.body?.toString()).toBe('{"id":"42"}')
    expect(p.headers).toContainEqual(['Content-Type', 'application/json'])
  })

  it('names every unknown variable and blocks the send', async () => {
    await expect(prepareRequest({ method: 'GET', url: '{{a}}/{{b}}' }, new Map())).rejects.toThrow(/Variables \{\{a\}\}, \{\{b\}\} are not defined/)
  })

  it.each([
    ['', 'Enter a URL'],
    ['contoso.crm.dynamics.com/api', 'Did you mean https://contoso.crm.dynamics.com/api'],
    ['ftp://x/y', 'Only http and https'],
    ['http://exa mple.com', 'is not a valid URL']
  ])('rejects the URL %j', async (url, message) => {
    await expect(prepareRequest({ method: 'GET', url }, new Map())).rejects.toThrow(message)
  })

  it('says where a JSON body is broken', async () => {
    await expect(prepareRequest({ method: 'POST', url: 'http://h', body: '{\n "a": 1,\n "b": }' }, new Map())).rejects.toThrow(/line 3, column 7: a value is expected/)
  })

  it('sends a non-JSON content type as it is', async () => {
    const p = await prepareRequest({ method: 'POST', url: 'http://h', headers: [{ key: 'Content-Type', value: 'text/plain', enabled: true }], body: '{oops' }, new Map())
    expect(p.body?.toString()).toBe('{oops')
  })

  it('ignores a body on GET and rejects invalid header names', async () => {
    expect((await prepareRequest({ method: 'GET', url: 'http://h', body: 'x' }, new Map())).body).toBeNull()
    await expect(prepareRequest({ method: 'GET', url: 'http://h', headers: [{ key: 'Bad Header', value: 'x', enabled: true }] }, new Map())).rejects.toThrow(/not a valid header name/)
  })
})

describe('formatMs', () => {
  it('says limits the way people do', () => {
    expect([250, 1000, 30_000, 90_000, 300_000].map(formatMs)).toEqual(['250 ms', '1 s', '30 s', '90 s', '5 min'])
  })
})

describe('RequestExecutor', () => {
  it('sends, returns status, headers, body and timings, and records the exchange', async () => {
    const { executor, traffic } = setup()
    const response = await executor.send({ method: 'GET', url: `${server.url}/json`, headers: [{ key: 'Authorization', value: 'Bearer abc.def.ghi', enabled: true }] }, target(), options)
    expect(response).toMatchObject({ status: 200, statusText: 'OK', body: { encoding: 'utf8', truncated: false } })
    expect(JSON.parse(response.body.text)).toHaveProperty('UserId')
    expect(response.timings.total).toBeGreaterThan(0)
    expect(response.timings.connect).not.toBeNull()
    const entries = traffic.list()
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ kind: 'api', method: 'GET', status: 200, host: server.url.replace('http://', ''), path: '/json', environmentName: 'Test' })
    const entry = traffic.get(entries[0]!.id)!
    expect(entry.requestHeaders).toContainEqual(['Authorization', 'Bearer abc.••••••••(11 chars)'])
    expect(traffic.get(entries[0]!.id, true)!.requestHeaders).toContainEqual(['Authorization', 'Bearer abc.def.ghi'])
    await executor.close()
  })

  it('reports a connect phase only for requests that opened a connection', async () => {
    const { executor } = setup()
    const timings = []
    for (let i = 0; i < 5; i++) timings.push((await executor.send({ method: 'GET', url: `${server.url}/small` }, target(), options)).timings)
    expect(timings[0]!.connect).toBeGreaterThan(0)
    expect(timings.filter((t) => t.connect === null).length).toBeGreaterThanOrEqual(2)
    await executor.close()
  })

  it('sends the body and headers as given', async () => {
    const { executor } = setup()
    const response = await executor.send({ method: 'PATCH', url: `${server.url}/echo`, headers: [{ key: 'If-Match', value: '*', enabled: true }], body: '{"name":"A"}' }, target(), options)
    const echoed = JSON.parse(response.body.text)
    expect(echoed).toMatchObject({ method: 'PATCH', body: '{"name":"A"}', headers: { 'if-match': '*', 'content-type': 'application/json', 'user-agent': 'OrgBench/0.1' } })
    await executor.close()
  })

  it('returns HTTP error statuses as responses, not as failures', async () => {
    const { executor } = setup()
    const response = await executor.send({ method: 'GET', url: `${server.url}/status/412` }, target(), options)
    expect(response).toMatchObject({ status: 412, statusText: 'Precondition Failed' })
    await executor.close()
  })

  it('keeps the first part of a body over the limit and says so', async () => {
    const { executor, traffic } = setup()
    const response = await executor.send({ method: 'GET', url: `${server.url}/big?size=${3 * 1024 * 1024}` }, target(), { ...options, maxResponseBytes: 100_000 })
    expect(response.body).toMatchObject({ size: 100_000, truncated: true })
    expect(response.body.text).toHaveLength(100_000)
    expect(traffic.get(traffic.list()[0]!.id)!.responseBody).toMatchObject({ truncated: true, size: 100_000 })
    await executor.close()
  })

  it('does not call a body of exactly the limit truncated', async () => {
    const { executor } = setup()
    const response = await executor.send({ method: 'GET', url: `${server.url}/big?size=65536` }, target(), { ...options, maxResponseBytes: 65536 })
    expect(response.body).toMatchObject({ size: 65536, truncated: false })
    await executor.close()
  })

  it('returns binary bodies as base64', async () => {
    const { executor } = setup()
    const response = await executor.send({ method: 'GET', url: `${server.url}/binary` }, target(), options)
    expect(response.body).toMatchObject({ encoding: 'base64', text: Buffer.from([0, 1, 2, 3, 255, 254]).toString('base64') })
    await executor.close()
  })

  it('times out with the configured limit, and records the failure', async () => {
    const { executor, traffic } = setup()
    await expect(executor.send({ method: 'GET', url: `${server.url}/slow?ms=3000` }, target(), { ...options, timeoutMs: 200 })).rejects.toMatchObject({ code: 'timeout', message: expect.stringContaining('within 200 ms') })
    expect(traffic.list()[0]).toMatchObject({ status: null, error: expect.stringContaining('within 200 ms') })
    await executor.close()
  })

  it('cancels', async () => {
    const { executor } = setup()
    const controller = new AbortController()
    const pending = executor.send({ method: 'GET', url: `${server.url}/slow?ms=3000` }, target(), { ...options, signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' })
    await executor.close()
  })

  it('explains connection refused', async () => {
    const { executor } = setup()
    const closed = await startHttpServer()
    await closed.close()
    await expect(executor.send({ method: 'GET', url: `${closed.url}/json` }, target(), options)).rejects.toMatchObject({ code: 'connection_refused', message: expect.stringContaining(`nothing is listening on port ${closed.port}`) })
    await executor.close()
  })

  it('explains a DNS failure', async () => {
    const { executor } = setup()
    await expect(executor.send({ method: 'GET', url: 'https://no-such-host.invalid/' }, target(), options)).rejects.toMatchObject({ code: 'dns_failed' })
    await executor.close()
  })

  it('rejects an untrusted certificate, and trusts an environment CA for that environment only', async () => {
    const { executor } = setup()
    await expect(executor.send({ method: 'GET', url: `${tlsServer.url}/json` }, target(), options)).rejects.toMatchObject({ code: 'tls_error', message: expect.stringContaining('not trusted') })
    const ok = await executor.send({ method: 'GET', url: `${tlsServer.url}/json` }, target({}, caPem), options)
    expect(ok.status).toBe(200)
    expect(ok.timings.tls).not.toBeNull()
    await expect(executor.send({ method: 'GET', url: `${selfSigned.url}/json` }, target({}, caPem), options)).rejects.toMatchObject({ code: 'tls_error' })
    await expect(executor.send({ method: 'GET', url: `${tlsServer.url}/json` }, target(), options)).rejects.toMatchObject({ code: 'tls_error' })
    await executor.close()
  })

  it('explains https sent to a plain http port', async () => {
    const { executor } = setup()
    await expect(executor.send({ method: 'GET', url: server.url.replace('http:', 'https:') + '/json' }, target(), options)).rejects.toMatchObject({ code: 'tls_error', message: expect.stringContaining('did you mean http://') })
    await executor.close()
  })
})
