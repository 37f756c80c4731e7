import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../../testing/tempDir'
import { keyFileSecretBox } from '../store/secretBox'
import { TabsStore } from './tabs'

const tempDir = useTempDir()

describe('open tabs across restarts', () => {
  it('comes back as saved; a draft with a literal credential is stored encrypted; a bad file is reported, not fatal', async () => {
    const dir = tempDir()
    const store = new TabsStore(dir, keyFileSecretBox(dir))
    expect(await store.load()).toEqual({ state: null, problem: null })
    const plain = { tabs: [{ id: 'a', request: { name: 'One', method: 'GET' as const, url: '{{webApiUrl}}/accounts' }, source: { dir: '/repo/api', path: 'One.request.yaml', baseHash: 'abc' }, modified: true }], activeId: 'a' }
    expect(await store.save(plain)).toEqual({ encrypted: false })
    expect(JSON.parse(readFileSync(join(dir, 'tabs.json'), 'utf8'))).toMatchObject({ schemaVersion: 1, state: { activeId: 'a' } })
    expect((await new TabsStore(dir, keyFileSecretBox(dir)).load()).state).toMatchObject({ activeId: 'a', tabs: [{ id: 'a', modified: true, source: { path: 'One.request.yaml' }, request: { name: 'One' } }] })

    const secret = { tabs: [{ id: 'b', request: { name: 'Pasted', method: 'GET' as const, url: 'https://x', headers: [{ key: 'Authorization', value: 'Bearer eyJpasted.token.value', enabled: true }] } }], activeId: 'b' }
    expect(await store.save(secret)).toEqual({ encrypted: true })
    expect(readFileSync(join(dir, 'tabs.json'), 'utf8')).not.toContain('eyJpasted')
    expect((await new TabsStore(dir, keyFileSecretBox(dir)).load()).state?.tabs[0]?.request.headers[0]?.value).toBe('Bearer eyJpasted.token.value')

    writeFileSync(join(dir, 'tabs.json'), '{"schemaVersion":1,"state":{"tabs":"no"}}')
    expect(await store.load()).toMatchObject({ state: null, problem: expect.stringContaining('could not be restored') })
  })
})
