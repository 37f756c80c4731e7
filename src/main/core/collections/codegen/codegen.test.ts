import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CODE_TARGETS, SavedRequest } from '../../../../shared/collections'
import { ensureSandboxEnvironment } from '../../../sandbox/environment'
import { startSandbox, type SandboxHarness } from '../../../testing/sandbox'
import { useTempDir } from '../../../testing/tempDir'
import { Services } from '../../services'
import { keyFileSecretBox } from '../../store/secretBox'
import { codeFor } from '../api'
import { generateCode } from '.'
import type { CodeContext } from './model'

const tempDir = useTempDir()

const ctx = (over: Partial<CodeContext> = {}): CodeContext => ({
  variables: new Map([
    ['webApiUrl', 'https://contoso.crm.dynamics.com/api/data/v9.2'],
    ['apiKey', "k3y'with\"quotes$`"]
  ]),
  secrets: new Set(['apiKey']),
  inlineSecrets: false,
  token: { how: ['TOKEN: from orgbench token --env Dev'], value: 'eyJ.token.value' },
  environmentName: 'Dev',
  caCertificatePem: '',
  ...over
})

const request = SavedRequest.parse({
  name: 'Create',
  method: 'POST',
  url: '{{webApiUrl}}/accounts?key={{apiKey}}',
  headers: [{ key: 'Content-Type', value: 'application/json' }, { key: 'X-Key', value: '{{apiKey}}' }, { key: 'Off', value: 'x', enabled: false }],
  body: '{\n  "name": "O\'Neil \\"Q\\" $HOME `x`"\n}'
})

describe('code generation', () => {
  it('keeps secrets and the token as environment variables of the program, with how to get the token', () => {
    for (const target of CODE_TARGETS.filter((t) => t !== 'xrm')) {
      const { code, notes } = generateCode(target, request, ctx(), { attachToken: true })
      expect(code, target).not.toContain('k3y')
      expect(code, target).not.toContain('eyJ.token.value')
      expect(code, target).toContain('API_KEY')
      expect(code, target).toContain('TOKEN')
      expect(code, target).toContain('orgbench token --env Dev')
      expect(code, target).toContain('https://contoso.crm.dynamics.com/api/data/v9.2/accounts')
      expect(code, target).not.toContain('Off')
      expect(notes, target).toEqual([])
    }
    const inlined = generateCode('curl-bash', request, ctx({ inlineSecrets: true }), { attachToken: true }).code
    expect(inlined).toContain('Bearer eyJ.token.value')
    expect(inlined).toContain(`k3y'\\''with"quotes$\``)
  })

  it('quotes for each language so that the program receives the exact body', () => {
    const bash = generateCode('curl-bash', request, ctx(), { attachToken: false }).code
    expect(bash).toContain(`--data-binary '{\n  "name": "O'\\''Neil \\"Q\\" $HOME \`x\`"\n}'`)
    expect(bash).toContain(`-H 'X-Key: '"\${API_KEY}"`)
    const ps = generateCode('curl-powershell', request, ctx(), { attachToken: false }).code
    expect(ps).toContain(`-H "X-Key: $env:API_KEY"`)
    expect(ps).toContain(`'{\n  "name": "O''Neil`)
    expect(generateCode('python', request, ctx(), { attachToken: false }).code).toContain('"X-Key": os.environ["API_KEY"]')
    expect(generateCode('javascript', request, ctx(), { attachToken: false }).code).toContain('"X-Key": `${process.env.API_KEY}`')
    expect(generateCode('csharp', request, ctx(), { attachToken: false }).code).toContain('request.Headers.TryAddWithoutValidation("X-Key", $"{Environment.GetEnvironmentVariable("API_KEY")}")')
    expect(generateCode('powershell', request, ctx(), { attachToken: false }).code).toContain("-Method POST -Uri \"https://contoso.crm.dynamics.com/api/data/v9.2/accounts?key=$env:API_KEY\"")
  })

  it('runs the generated bash curl through a real shell: the program gets the exact arguments', async () => {
    const dir = tempDir()
    const code = generateCode('curl-bash', request, ctx(), { attachToken: true }).code.replace(/^curl /m, `printf '%s\\0' `)
    const out = await new Promise<string>((resolve, reject) => execFile('bash', ['-c', code], { cwd: dir, env: { PATH: process.env.PATH, TOKEN: 'T0K', API_KEY: "k3y'with\"quotes$`" } }, (e, stdout) => (e ? reject(e) : resolve(stdout))))
    expect(out.split('\0')).toEqual(['-X', 'POST', `https://contoso.crm.dynamics.com/api/data/v9.2/accounts?key=k3y'with"quotes$\``, '-H', 'Content-Type: application/json', '-H', `X-Key: k3y'with"quotes$\``, '-H', 'Authorization: Bearer T0K', '--data-binary', '{\n  "name": "O\'Neil \\"Q\\" $HOME `x`"\n}', ''])
  })
})

describe('code generation against the Sandbox', () => {
  let sb: SandboxHarness
  let services: Services
  let envId: string
  let dir: string
  beforeAll(async () => {
    sb = await startSandbox()
    dir = tempDir()
    services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: () => undefined } })
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
    await services.environments.update(environment.id, { ...environment, auth: { grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } } })
    envId = environment.id
  })
  afterAll(async () => {
    await services?.close()
    await sb?.stop()
  })

  it('the generated curl gives the same answer as OrgBench', async () => {
    const query = SavedRequest.parse({ name: 'Accounts', method: 'GET', url: '{{webApiUrl}}/accounts?$select=name,accountnumber&$orderby=name&$top=3', headers: [{ key: 'Accept', value: 'application/json' }] })
    const ours = await services.sendRequest('cg', envId, query)
    const { code } = await codeFor(services, { request: query, target: 'curl-bash', environmentId: envId, inlineSecrets: false })
    expect(code).toContain('--cacert orgbench-ca.pem')
    expect(code).toContain(`orgbench token --env Sandbox --non-interactive`)
    const work = tempDir()
    writeFileSync(join(work, 'orgbench-ca.pem'), sb.info.caCertificatePem)
    const token = await services.auth.accessToken(envId)
    const out = await new Promise<string>((resolve, reject) =>
      execFile('bash', ['-c', code.replace(/^curl /m, 'curl -sS ')], { cwd: work, env: { PATH: process.env.PATH, TOKEN: token }, timeout: 15_000 }, (e, stdout, stderr) => (e ? reject(new Error(stderr || e.message)) : resolve(stdout)))
    )
    expect(ours.status).toBe(200)
    expect(JSON.parse(out)).toEqual(JSON.parse(ours.body.text))
  })

  it('writes Xrm.WebApi for operations the org\'s schema knows, and says why not for the rest', async () => {
    const code = (url: string, method = 'GET', body = '') => codeFor(services, { request: { name: 'x', method: method as 'GET', url, body }, target: 'xrm', environmentId: envId, inlineSecrets: false })
    expect((await code('{{webApiUrl}}/accounts?$select=name&$top=3')).code).toContain('Xrm.WebApi.retrieveMultipleRecords("account", "?$select=name&$top=3")')
    expect((await code('{{webApiUrl}}/accounts(00000000-0000-0000-0000-000000000001)?$select=name')).code).toContain('Xrm.WebApi.retrieveRecord("account", "00000000-0000-0000-0000-000000000001", "?$select=name")')
    expect((await code('{{webApiUrl}}/contacts', 'POST', '{"lastname":"X"}')).code).toContain('Xrm.WebApi.createRecord("contact", data)')
    expect((await code('{{webApiUrl}}/accounts(1)', 'PATCH', '{"name":"Y"}')).code).toContain('Xrm.WebApi.updateRecord("account", "1", data)')
    expect((await code('{{webApiUrl}}/accounts(1)', 'DELETE')).code).toContain('Xrm.WebApi.deleteRecord("account", "1")')
    const who = await code('{{webApiUrl}}/WhoAmI')
    expect(who.code).toContain('operationName: "WhoAmI"')
    expect(who.code).toContain('operationType: 1')
    expect(who.code).not.toContain('TOKEN')
    const no = await code('https://example.test/other')
    expect(no).toMatchObject({ code: '', notes: [expect.stringContaining('not one')] })
  })
})
