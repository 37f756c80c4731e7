import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { SavedRequest, type SavedRequestData } from '../../../shared/collections'
import { useTempDir } from '../../testing/tempDir'
import { parseRequest, quickSummary, serializeRequest } from './format'

const tempDir = useTempDir()

const request = (over: Partial<SavedRequestData> = {}): SavedRequestData =>
  SavedRequest.parse({
    name: 'Create account',
    method: 'POST',
    url: '{{webApiUrl}}/accounts',
    headers: [
      { key: 'Content-Type', value: 'application/json' },
      { key: 'Prefer', value: 'return=representation' },
      { key: 'OData-MaxVersion', value: '4.0', enabled: false }
    ],
    body: '{\n  "name": "Fabrikam",\n  "revenue": 1000\n}\n',
    ...over
  })

describe('request file format', () => {
  it('round-trips, and writes the same bytes for the same request (no ids, no timestamps)', () => {
    const r = request({ auth: { mode: 'bearer', token: '{{token}}' }, description: 'Makes one.\nSecond line.' })
    const text = serializeRequest(r)
    expect(text).toBe(serializeRequest(request({ auth: { mode: 'bearer', token: '{{token}}' }, description: 'Makes one.\nSecond line.' })))
    expect(text.split('\n').slice(0, 5)).toEqual(['orgbench: request', 'schemaVersion: 1', 'name: Create account', 'method: POST', 'url: "{{webApiUrl}}/accounts"'])
    expect(text).toContain('body: |\n  {\n    "name": "Fabrikam",')
    const back = parseRequest(text)
    expect(back).toEqual({ ok: true, value: r, migratedFrom: null })
  })

  it('keeps any body exactly: trailing spaces, tabs, no final newline, CRLF, YAML look-alikes, unicode', () => {
    const bodies = ['no newline at end', 'two\n\n\nblank lines\n\n', '  leading spaces\n\tand a tab\n', 'trailing spaces   \nx', 'a\r\nb\r\n', '---\n# not a comment\n...\nkey: value\n', '— ünïcödé ✓ 🚀\n', '|\n>-\n', ' ', '\n']
    for (const body of bodies) {
      const r = request({ body })
      expect(parseRequest(serializeRequest(r)), JSON.stringify(body)).toMatchObject({ ok: true, value: { body } })
    }
  })

  it('reads the tree summary without the YAML parser exactly as the parser does, or not at all', () => {
    const names = ['Plain', 'with: colon', 'x #hash', '#start', 'true', '123', '1e3', 'null', "it's", '"quoted"', '- dash', 'tab\there', 'ünï ✓', 'a  b', '[x]', '{y}', '0x1F', '~', '@at', '%p', 'back\\slash']
    const urls = ['{{webApiUrl}}/accounts', 'https://x/y?$filter=name eq \'a b\'&$top=1', '', "it's: #1", 'https://x/a#frag']
    let quick = 0
    for (const name of names) {
      for (const url of urls) {
        const text = serializeRequest(request({ name, url }))
        const full = parse(text) as { name: string; url: string; method: string }
        const summary = quickSummary(text)
        if (summary) {
          quick++
          expect(summary, text).toEqual({ name: full.name, method: full.method, url: full.url })
        }
      }
    }
    // The quick path must be the common one, or the tree is slow.
    expect(quick).toBeGreaterThan(names.length * urls.length * 0.6)
    expect(quickSummary('orgbench: request\nschemaVersion: 1\nname: &a x\nmethod: GET\nurl: u\n')).toBeNull()
    expect(quickSummary('orgbench: request\nschemaVersion: 1\nname: x # comment\nmethod: GET\nurl: u\n')).toBeNull()
  })

  it('migrates a v0 file (no version, headers as a map) to v1, and refuses a newer version with the reason', () => {
    const v0 = 'name: Old one\nmethod: GET\nurl: https://x/api\nheaders:\n  Accept: application/json\n  Prefer: odata.maxpagesize=5\n'
    const r = parseRequest(v0)
    expect(r).toEqual({
      ok: true,
      migratedFrom: 0,
      value: expect.objectContaining({ name: 'Old one', headers: [{ key: 'Accept', value: 'application/json', enabled: true }, { key: 'Prefer', value: 'odata.maxpagesize=5', enabled: true }], auth: { mode: 'inherit' } })
    })
    expect(serializeRequest((r as { value: SavedRequestData }).value)).toMatch(/^orgbench: request\nschemaVersion: 1\n/)
    expect(parseRequest('orgbench: request\nschemaVersion: 7\nname: x\nmethod: GET\n')).toMatchObject({ ok: false, reason: expect.stringContaining('newer OrgBench') })
    expect(parseRequest('name: x\nmethod: BREW\n')).toMatchObject({ ok: false, reason: expect.stringContaining('method') })
    expect(parseRequest('name: [unclosed')).toMatchObject({ ok: false, reason: expect.stringContaining('not valid YAML') })
    expect(parseRequest('name: a\nname: b\nmethod: GET\n')).toMatchObject({ ok: false })
  })

  it('shows one changed header as one changed line in git diff', () => {
    const dir = tempDir()
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' })
    git('init', '-q')
    const file = join(dir, 'Create account.request.yaml')
    writeFileSync(file, serializeRequest(request()))
    git('add', '.')
    git('commit', '-q', '-m', 'first')
    const changed = request()
    changed.headers[1] = { key: 'Prefer', value: 'return=minimal', enabled: true }
    writeFileSync(file, serializeRequest(changed))
    const lines = git('diff', '--unified=0').split('\n').filter((l) => /^[-+](?![-+])/.test(l))
    expect(lines).toEqual(['-    value: return=representation', '+    value: return=minimal'])
  })
})
