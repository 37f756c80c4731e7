import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHttpServer, type TestServer } from '../testing/testServer'
import { useTempDir } from '../testing/tempDir'
import { cli, ENV_FILE } from './testkit'

const tempDir = useTempDir()
let server: TestServer
beforeAll(async () => {
  server = await startHttpServer()
})
afterAll(() => server.close())

const postman = (base: string) => ({
  info: { name: 'CI checks', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
  variable: [{ key: 'base', value: 'http://127.0.0.1:1' }, { key: 'route', value: 'json' }],
  item: [
    { name: 'Who am I', request: { method: 'GET', url: '{{base}}/{{route}}' } },
    {
      name: 'Writes',
      item: [
        { name: 'Echo', request: { method: 'POST', header: [{ key: 'X-Test', value: '1' }], body: { mode: 'raw', raw: '{"a":1}', options: { raw: { language: 'json' } } }, url: '{{base}}/echo' }, event: [{ listen: 'test', script: { exec: [] } }] },
        { name: 'Missing', request: { method: 'GET', url: `${base}/status/404` } }
      ]
    }
  ]
})

describe('orgbench collection and run', () => {
  it('imports a Postman collection, runs it in order with an environment, and exports it back', async () => {
    const dir = tempDir()
    const file = join(dir, 'ci.postman_collection.json')
    writeFileSync(file, JSON.stringify(postman(server.url)))
    const to = join(dir, 'ci')
    const imported = await cli(['--data-dir', dir, 'collection', 'import', file, '--to', to])
    expect(imported).toMatchObject({ code: 0, stdout: `Imported "CI checks" into ${to}: 3 requests in 1 folder.\n` })
    expect(imported.stderr).toContain('warning: Writes/Echo: its scripts')
    expect(readFileSync(join(to, 'Writes', 'Echo.request.yaml'), 'utf8')).toContain('body: \'{"a":1}\'')
    expect(await cli(['--data-dir', dir, 'collection', 'import', file, '--to', to])).toMatchObject({ code: 2, stderr: expect.stringContaining('holds a collection already') })

    // The environment's {{base}} wins over the collection's; {{route}} is the collection's.
    writeFileSync(join(dir, 'env.json'), JSON.stringify(ENV_FILE(server.url)))
    await cli(['--data-dir', dir, 'env', 'import', join(dir, 'env.json')])
    const ran = await cli(['--data-dir', dir, 'run', to, '--env', 'Local'])
    expect(ran.code).toBe(1)
    const lines = ran.stdout.trim().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^200 +\d+ ms {2}GET {4}Who am I\.request\.yaml$/)
    expect(lines[1]).toMatch(/^200 +\d+ ms {2}POST {3}Writes\/Echo\.request\.yaml$/)
    expect(lines[2]).toMatch(/^404 +\d+ ms {2}GET {4}Writes\/Missing\.request\.yaml$/)
    expect(ran.stderr).toContain('3 requests, 1 failed.')
    expect(await cli(['--data-dir', dir, 'run', join(to, 'Who am I.request.yaml'), '--env', 'Local'])).toMatchObject({ code: 0 })
    // Without the environment, {{base}} is the collection's, which refuses connections.
    const refused = await cli(['--data-dir', dir, 'run', join(to, 'Who am I.request.yaml')])
    expect(refused).toMatchObject({ code: 1, stdout: expect.stringMatching(/^ERR .*refused/) })
    expect(readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(5)

    const out = join(dir, 'back.json')
    expect(await cli(['--data-dir', dir, 'collection', 'export', to, '--format', 'postman', '-o', out])).toMatchObject({ code: 0, stderr: expect.stringContaining('Wrote') })
    const back = JSON.parse(readFileSync(out, 'utf8')) as { info: { name: string }; item: { name: string; item?: { name: string }[] }[]; variable: { key: string }[] }
    expect(back.info.name).toBe('CI checks')
    expect(back.item.map((i) => i.name)).toEqual(['Who am I', 'Writes'])
    expect(back.item[1]!.item!.map((i) => i.name)).toEqual(['Echo', 'Missing'])
    expect(back.variable.map((v) => v.key)).toEqual(['base', 'route'])
    expect((await cli(['--data-dir', dir, 'collection', 'export', to])).stdout).toContain('"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"')
  })

  it('imports a curl command, and explains usage mistakes', async () => {
    const dir = tempDir()
    const to = join(dir, 'c')
    expect(await cli(['--data-dir', dir, 'collection', 'import', '-', '--to', to], `curl -H 'Accept: application/json' ${server.url}/json`)).toMatchObject({ code: 0, stdout: expect.stringContaining('1 request in 0 folders') })
    expect(existsSync(join(to, 'GET json.request.yaml'))).toBe(true)
    expect(await cli(['--data-dir', dir, 'collection', 'import', 'x.json'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--to DIR') })
    expect(await cli(['--data-dir', dir, 'collection', 'export', to, '--format', 'insomnia'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--format postman') })
    expect(await cli(['--data-dir', dir, 'collection', 'frob'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown collection command') })
    expect(await cli(['--data-dir', dir, 'run', join(dir, 'nope')])).toMatchObject({ code: 2, stderr: expect.stringContaining('does not exist') })
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{"info":{}}')
    expect(await cli(['--data-dir', dir, 'collection', 'import', bad, '--to', join(dir, 'd')])).toMatchObject({ code: 2, stderr: expect.stringContaining('not a Postman collection v2.1') })
  })
})
