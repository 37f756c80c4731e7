import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ICNS_TYPES, packIcns, packIco, pngSize, readIcns, readIco } from './icon-containers.mjs'

const resources = join(__dirname, '..', 'resources')
const png = (size: number): Buffer => readFileSync(join(resources, 'icons', `${size}x${size}.png`))

describe('icon containers', () => {
  it('reads a PNG size and refuses anything else', () => {
    expect(pngSize(readFileSync(join(resources, 'icon.png')))).toEqual({ width: 512, height: 512 })
    expect(() => pngSize(Buffer.from('<svg/>'))).toThrow('not a PNG image')
  })

  it('packs an .ico whose directory points at each PNG, 256 written as 0', () => {
    const images = [png(16), png(256)]
    const ico = packIco(images)
    expect([...ico.subarray(0, 6)]).toEqual([0, 0, 1, 0, 2, 0])
    expect(ico[6 + 16]).toBe(0) // the 256 px entry's width byte
    const read = readIco(ico)
    expect(read.map((i) => [i.width, i.height])).toEqual([
      [16, 16],
      [256, 256]
    ])
    read.forEach((image, i) => expect(image.png.equals(images[i]!)).toBe(true))
    expect(() => packIco([png(512)])).toThrow('up to 256 px')
  })

  it('packs an .icns with big-endian lengths and refuses a PNG of the wrong size for its type', () => {
    const icns = packIcns([{ type: 'ic07', png: png(128) }])
    expect(icns.toString('latin1', 0, 4)).toBe('icns')
    expect(icns.readUInt32BE(4)).toBe(icns.length)
    expect(readIcns(icns)).toEqual([{ type: 'ic07', data: png(128) }])
    expect(() => packIcns([{ type: 'ic08', png: png(128) }])).toThrow('ic08 holds 256 px')
    expect(() => packIcns([{ type: 'it32', png: png(128) }])).toThrow('not a PNG icns type')
  })

  it('the committed icons are what `npm run icons` makes: every size, every container entry the size it claims', () => {
    for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) expect(pngSize(png(size))).toEqual({ width: size, height: size })
    const ico = readIco(readFileSync(join(resources, 'icon.ico')))
    expect(ico.map((i) => i.width)).toEqual([16, 24, 32, 48, 64, 128, 256])
    for (const image of ico) expect(pngSize(image.png)).toEqual({ width: image.width, height: image.height })
    const icns = readIcns(readFileSync(join(resources, 'icon.icns')))
    expect(icns.map((c) => c.type)).toEqual(ICNS_TYPES.map((t) => t.type))
    for (const chunk of icns) {
      const size = ICNS_TYPES.find((t) => t.type === chunk.type)!.size
      expect(pngSize(chunk.data)).toEqual({ width: size, height: size })
    }
    expect(readFileSync(join(resources, 'icon.svg'), 'utf8')).toMatch(/^<svg [^>]*viewBox="0 0 1024 1024"/)
  })
})
