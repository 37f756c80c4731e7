import { afterAll, beforeAll, expect, it } from 'vitest'
import { startSandbox, type SandboxHarness } from '../testing/sandbox'

let sb: SandboxHarness
let token: string
beforeAll(async () => {
  sb = await startSandbox()
  token = await sb.appToken()
})
afterAll(() => sb.stop())

function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261120)
const REQUESTS = 400

it(`keeps answering malformed requests with the real services' error shapes (seed ${SEED}, ${REQUESTS} requests)`, async () => {
  const random = prng(SEED)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const junk = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => String.fromCharCode(Math.floor(random() * 0x2500))).join('')
  const t = sb.info.tenantId
  const paths = [
    `/${t}/oauth2/v2.0/token`, `/${t}/oauth2/token`, `/${t}/oauth2/v2.0/authorize`, `/${t}/oauth2/authorize`, `/${t}/oauth2/v2.0/devicecode`, `/${t}/v2.0/.well-known/openid-configuration`,
    `/${t}/discovery/v2.0/keys`, '/devicelogin', `/%E0%A4%A/oauth2/v2.0/token`, '/common/oauth2/v2.0/token', '/api/data/v9.2/', '/api/data/v9.2/accounts', '/api/data/v9.2/accounts(%ZZ)',
    '/api/data/v9.2/accounts(00000000-0000-0000-0000-000000000000)', '/api/data/v9.2/$batch', '/api/data/v9.2/$metadata', '/api/data/v9.2/WhoAmI', '/api/data/v9.2/Merge', '/api/data/v9.2/%ZZ', '/nothing/here',
    '/globaldisco/api/discovery/v2.0/Instances', "/globaldisco/api/discovery/v2.0/Instances(UniqueName='%ZZ')", '/globaldisco/api/discovery/v2.0/Instances(x', '/globaldisco/%ZZ'
  ]
  // The production org's port serves the Web API only: the same requests reach it too.
  const origins = sb.info.orgs.map((o) => o.orgUrl)
  const queries = ['', `?$filter=${encodeURIComponent(junk(40))}`, "?$filter=name eq '", '?$select=,,,&$top=-1', '?$expand=primarycontactid($select=', '?$orderby=name sideways', `?client_id=${encodeURIComponent(junk(20))}&response_type=${encodeURIComponent(junk(10))}&redirect_uri=${encodeURIComponent(junk(30))}`, '?%%%=%%%', `?$skiptoken=${encodeURIComponent(junk(50))}`]
  const contentTypes = ['application/json', 'application/x-www-form-urlencoded', 'multipart/mixed; boundary=b', 'multipart/mixed', 'text/plain', '', 'application/json; charset=utf-16']
  const bodies = [
    () => '',
    () => junk(300),
    () => Buffer.from(Array.from({ length: 200 }, () => Math.floor(random() * 256))).toString('latin1'),
    () => JSON.stringify({ name: junk(20), [junk(5)]: random(), 'primarycontactid@odata.bind': junk(30) }),
    () => new URLSearchParams({ grant_type: pick(['client_credentials', 'password', 'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', junk(8)]), client_id: pick([sb.info.clients.secret, sb.info.clients.public, junk(36)]), client_secret: junk(10), scope: pick([`${sb.info.orgUrl}/.default`, junk(30), '']), code: junk(20), client_assertion: `${junk(10)}.${junk(10)}.${junk(10)}`, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', refresh_token: junk(10), device_code: junk(10), username: junk(10), password: junk(5) }).toString(),
    () => '--b\r\nContent-Type: application/http\r\n\r\nGET ' + junk(30) + ' HTTP/1.1\r\n\r\n--b--',
    () => '{"a":' + '['.repeat(2000)
  ]
  const auths = [undefined, `Bearer ${token}`, `Bearer ${junk(40)}`, `Basic ${Buffer.from(junk(20)).toString('base64')}`, 'Basic', junk(20)]

  for (let i = 0; i < REQUESTS; i++) {
    const path = pick(paths)
    const method = pick(['GET', 'POST', 'PATCH', 'DELETE', 'PUT'])
    const headers: Record<string, string> = {}
    const type = pick(contentTypes)
    if (type) headers['content-type'] = type
    const auth = pick(auths)
    if (auth && /^[\x20-\x7e]*$/.test(auth)) headers.authorization = auth
    if (random() < 0.3) headers.prefer = pick(['odata.maxpagesize=0', 'odata.maxpagesize=abc', 'odata.include-annotations="*"', 'return=representation', 'odata.continue-on-error'])
    if (random() < 0.2) headers['if-match'] = pick(['*', 'W/"1"', 'garbage'])
    const body = method === 'GET' || method === 'DELETE' ? undefined : pick(bodies)()
    const url = `${pick(origins)}${path}${pick(queries)}`
    const r = await sb.send(method, url, { headers, ...(body !== undefined ? { body } : {}) })
    const context = `#${i} ${method} ${url.slice(0, 160)}`
    expect(r.status, context).toBeLessThan(500)
    if (r.status >= 400 && (r.headers['content-type'] ?? '').includes('json')) {
      const shape = r.json<Record<string, unknown>>()
      if (path.startsWith('/api/') || path.startsWith('/globaldisco') || !url.startsWith(sb.info.orgUrl)) expect(shape, context).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } })
      else if (!path.startsWith('/nothing')) expect(shape, context).toMatchObject({ error: expect.any(String), error_description: expect.stringMatching(/^AADSTS\d+: /), error_codes: [expect.any(Number)] })
    }
  }
  const after = await sb.api('GET', '/WhoAmI', token)
  expect(after.status).toBe(200)
  const production = sb.info.orgs[1]!.orgUrl
  const prodToken = (await sb.token({ grant_type: 'client_credentials', client_id: sb.info.clients.secret, client_secret: sb.info.clientSecret, scope: `${production}/.default` })).json<{ access_token: string }>().access_token
  expect((await sb.send('GET', `${production}/api/data/v9.2/WhoAmI`, { headers: { authorization: `Bearer ${prodToken}` } })).status).toBe(200)
}, 60_000)
