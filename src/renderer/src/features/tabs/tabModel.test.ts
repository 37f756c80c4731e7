import { describe, expect, it } from 'vitest'
import { contentFromSaved, isModified, movedPath, nameFromUrl, sameRequest, toSaved, type TabContent } from './tabModel'

const content = (): TabContent => ({
  name: '',
  description: '',
  method: 'GET',
  url: '{{webApiUrl}}/accounts?$top=3',
  headers: [
    { key: 'Accept', value: 'application/json', enabled: true },
    { key: '', value: '', enabled: true }
  ],
  body: '',
  auth: { mode: 'inherit', token: 'left over' }
})

describe('a tab against its file', () => {
  it('is named after its URL until it has a name', () => {
    expect(nameFromUrl('GET', '{{webApiUrl}}/accounts?$top=3')).toBe('GET accounts')
    expect(nameFromUrl('POST', '{{webApiUrl}}')).toBe('POST request')
    expect(toSaved(content()).name).toBe('GET accounts')
  })

  it('saves what the file keeps: empty header rows and an unused token dropped', () => {
    const saved = toSaved(content())
    expect(saved.headers).toEqual([{ key: 'Accept', value: 'application/json', enabled: true }])
    expect(saved.auth).toEqual({ mode: 'inherit' })
    expect(sameRequest(toSaved(contentFromSaved(saved)), saved)).toBe(true)
  })

  it('is modified by any field the file keeps, and not by an empty row', () => {
    const tab = content()
    const baseline = toSaved(tab)
    expect(isModified(tab, baseline)).toBe(false)
    tab.headers.push({ key: '', value: '', enabled: false })
    expect(isModified(tab, baseline)).toBe(false)
    for (const change of [(t: TabContent) => (t.url += '&x'), (t: TabContent) => (t.body = '{}'), (t: TabContent) => (t.headers[0]!.enabled = false), (t: TabContent) => (t.auth = { mode: 'bearer', token: '{{t}}' }), (t: TabContent) => (t.method = 'POST')]) {
      const edited = content()
      change(edited)
      expect(isModified(edited, baseline)).toBe(true)
    }
  })

  it('follows a rename or move of the request or of a folder holding it', () => {
    expect(movedPath('a/b.yaml', 'a/b.yaml', 'c/b.yaml')).toBe('c/b.yaml')
    expect(movedPath('a/b.yaml', 'a', 'z')).toBe('z/b.yaml')
    expect(movedPath('ab/b.yaml', 'a', 'z')).toBeNull()
  })
})
