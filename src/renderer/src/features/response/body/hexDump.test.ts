import { describe, expect, it } from 'vitest'
import { hexDump, isImage } from './hexDump'

describe('binary bodies', () => {
  it('are shown as a hex dump with offsets and printable text, cut at a limit', () => {
    const bytes = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x41])
    const base64 = btoa(String.fromCharCode(...bytes))
    const dump = hexDump(base64)
    expect(dump.text.split('\n')).toEqual(['00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|', '00000010  41                                                |A|'])
    expect(dump).toMatchObject({ shown: 17, total: 17 })
    expect(hexDump(base64, 16)).toMatchObject({ shown: 16, total: 17 })
  })

  it('knows which types are images a window can show', () => {
    expect(isImage('image/png')).toBe(true)
    expect(isImage('image/jpeg; charset=binary')).toBe(true)
    expect(isImage('application/octet-stream')).toBe(false)
  })
})
