import { describe, expect, it } from 'vitest'
import { useTempDir } from '../../../testing/tempDir'
import { CollectionStore } from '../store'
import { readPlain, writePlain } from './model'
import { exportPostman, importPostman } from './postman'
import { importPostmanEnvironment } from './postmanEnvironment'
import { PostmanCollection, POSTMAN_SCHEMA_V21 } from './postmanSchema'

const tempDir = useTempDir()

/** A Postman v2.1 export as Postman writes it: folders, every body mode, query, headers, variables, auth, scripts. */
const FIXTURE = {
  info: { _postman_id: '0b7f…', name: 'Dataverse', schema: POSTMAN_SCHEMA_V21, _exporter_id: '123' },
  auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] },
  variable: [
    { key: 'webApiUrl', value: 'https://contoso.crm.dynamics.com/api/data/v9.2', type: 'string' },
    { key: 'top', value: 5, type: 'number' },
    { key: 'apiSecret', value: 'do-not-import', type: 'secret' },
    { key: 'bad name', value: 'x' }
  ],
  item: [
    {
      name: 'Accounts',
      item: [
        {
          name: 'List accounts',
          event: [{ listen: 'test', script: { exec: ['pm.test("ok", () => {})'] } }],
          request: {
            method: 'GET',
            header: [{ key: 'Accept', value: 'application/json' }, { key: 'Prefer', value: 'odata.maxpagesize=10', disabled: true }],
            url: { raw: '{{webApiUrl}}/accounts?$select=name&$top={{top}}', host: ['{{webApiUrl}}'], path: ['accounts'], query: [{ key: '$select', value: 'name' }, { key: '$top', value: '{{top}}' }] }
          }
        },
        {
          name: 'Create account',
          request: {
            method: 'POST',
            header: [],
            body: { mode: 'raw', raw: '{\n  "name": "{{name}}"\n}', options: { raw: { language: 'json' } } },
            url: '{{webApiUrl}}/accounts'
          }
        },
        { name: 'Nested', item: [{ name: 'Delete', request: { method: 'DELETE', url: { raw: '{{webApiUrl}}/accounts({{id}})' }, auth: { type: 'noauth' } } }] }
      ]
    },
    {
      name: 'Token (form)',
      request: {
        auth: { type: 'noauth' },
        method: 'POST',
        body: { mode: 'urlencoded', urlencoded: [{ key: 'grant_type', value: 'client_credentials' }, { key: 'client_secret', value: 'literal-secret-value' }, { key: 'scope', value: '{{orgUrl}}/.default' }, { key: 'off', value: '1', disabled: true }] },
        url: 'https://login.microsoftonline.com/{{tenant}}/oauth2/v2.0/token'
      }
    },
    { name: 'Upload', request: { method: 'POST', body: { mode: 'formdata', formdata: [{ key: 'a', value: '1', type: 'text' }, { key: 'f', src: '/tmp/x', type: 'file' }] }, url: 'https://x/upload' } },
    { name: 'Basic', request: { method: 'GET', auth: { type: 'basic', basic: [{ key: 'username', value: 'u' }] }, url: 'https://x/basic' } },
    { name: 'Literal bearer', request: { method: 'GET', auth: { type: 'bearer', bearer: [{ key: 'token', value: 'eyJhbGciOiJSUzI1NiJ9.abc.def' }] }, url: '{{webApiUrl}}/WhoAmI' } },
    { name: 'Copy', request: { method: 'COPY', url: 'https://x' } }
  ]
}

describe('Postman collection v2.1', () => {
  it('imports folders, requests, bodies, query, headers, variables and auth; reports what does not map', () => {
    const c = importPostman(FIXTURE)
    expect(c.name).toBe('Dataverse')
    expect(c.variables).toEqual([
      { key: 'webApiUrl', value: 'https://contoso.crm.dynamics.com/api/data/v9.2', enabled: true },
      { key: 'top', value: '5', enabled: true }
    ])
    const [accounts, token, upload, basic, literal, ...rest] = c.items
    expect(rest).toEqual([])
    expect(accounts).toMatchObject({ kind: 'folder', name: 'Accounts' })
    const [list, create, nested] = (accounts as { items: unknown[] }).items as never[]
    expect(list).toMatchObject({ request: { name: 'List accounts', method: 'GET', url: '{{webApiUrl}}/accounts?$select=name&$top={{top}}', auth: { mode: 'bearer', token: '{{accessToken}}' }, headers: [{ key: 'Accept', value: 'application/json', enabled: true }, { key: 'Prefer', value: 'odata.maxpagesize=10', enabled: false }] } })
    expect(create).toMatchObject({ request: { method: 'POST', body: '{\n  "name": "{{name}}"\n}', headers: [{ key: 'Content-Type', value: 'application/json' }] } })
    expect(nested).toMatchObject({ kind: 'folder', items: [{ request: { method: 'DELETE', auth: { mode: 'none' } } }] })
    expect(token).toMatchObject({ request: { auth: { mode: 'none' }, body: 'grant_type=client_credentials&client_secret={{client_secret}}&scope={{orgUrl}}%2F.default', headers: [{ key: 'Content-Type', value: 'application/x-www-form-urlencoded' }] } })
    expect(upload).toMatchObject({ request: { body: 'a=1', headers: [{ key: 'Content-Type', value: 'application/x-www-form-urlencoded' }] } })
    expect(basic).toMatchObject({ request: { auth: { mode: 'none' } } })
    expect(literal).toMatchObject({ request: { auth: { mode: 'bearer', token: '{{token}}' } } })
    const w = c.warnings.join('\n')
    for (const expected of ['apiSecret is secret', '"bad name" was left out', 'scripts (pre-request, tests)', 'form field client_secret was replaced by {{client_secret}}', 'file fields (f)', 'basic auth was not mapped', 'bearer token was replaced by {{token}}', 'COPY is not one OrgBench sends']) expect(w).toContain(expected)
    expect(JSON.stringify(c)).not.toContain('literal-secret-value')
    expect(JSON.stringify(c)).not.toContain('do-not-import')
  })

  it('refuses what is not a v2.1 collection, with what to do', () => {
    expect(() => importPostman({ info: { name: 'x' } })).toThrow(/not a Postman collection v2.1 file/)
    expect(() => importPostman({ info: { name: 'x', schema: 'https://schema.getpostman.com/json/collection/v1.0.0/collection.json' }, item: [] })).toThrow(/export it again as "Collection v2.1"/)
  })

  it('writes an import as files, reads it back and exports it valid against the v2.1 format, in the same order', async () => {
    const dir = tempDir()
    const store = new CollectionStore({ dataDir: tempDir(), trash: 'collection' })
    const imported = importPostman(FIXTURE)
    await writePlain(await store.get(dir), imported)
    const tree = await store.tree(dir)
    expect(tree.root.children.map((c) => c.name)).toEqual(['Accounts', 'Token (form)', 'Upload', 'Basic', 'Literal bearer'])
    const plain = await readPlain(await store.get(dir))
    expect({ ...plain, warnings: [] }).toEqual({ ...imported, warnings: [] })
    const { json } = exportPostman(plain)
    const checked = PostmanCollection.safeParse(json)
    expect(checked.error?.issues ?? []).toEqual([])
    // Nothing in the export is a key the format does not define (zod would have dropped it).
    expect(checked.data).toEqual(json)
    const again = importPostman(json)
    expect(again.items).toEqual(imported.items.map(function strip(i): unknown {
      return i.kind === 'folder' ? { ...i, items: i.items.map(strip) } : { ...i, request: { ...i.request, auth: i.request.auth.mode === 'inherit' ? { mode: 'bearer', token: '{{accessToken}}' } : i.request.auth } }
    }))
    await expect(writePlain(await store.get(dir), imported)).rejects.toMatchObject({ code: 'conflict' })
    await store.dispose()
  })
})

describe('Postman environment', () => {
  it('becomes an environment: the org URL from a variable (or given), secrets kept secret, bad names reported', () => {
    const { environment, warnings } = importPostmanEnvironment({
      name: 'Contoso DEV',
      values: [
        { key: 'url', value: 'https://contoso-dev.crm.dynamics.com/', enabled: true },
        { key: 'clientSecret', value: 's3cr3t', type: 'secret', enabled: true },
        { key: 'off', value: 'x', enabled: false },
        { key: 'with space', value: 'x' }
      ]
    })
    expect(environment).toMatchObject({ name: 'Contoso DEV', orgUrl: 'https://contoso-dev.crm.dynamics.com', variables: [{ key: 'url' }, { key: 'clientSecret', secret: true, value: 's3cr3t' }, { key: 'off', enabled: false }] })
    expect(warnings.join('\n')).toContain('"with space" was left out')
    expect(() => importPostmanEnvironment({ name: 'x', values: [] })).toThrow(/give the org URL/)
    expect(importPostmanEnvironment({ name: 'x', values: [] }, 'https://given.crm.dynamics.com').environment.orgUrl).toBe('https://given.crm.dynamics.com')
    expect(() => importPostmanEnvironment({ info: {} })).toThrow(/not a Postman environment/)
  })
})
