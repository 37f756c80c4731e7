// The two icon containers desktop platforms want, both holding PNGs as they are:
// Windows .ico (ICONDIR + one 16-byte entry per image) and macOS .icns (big-endian 'icns' + typed chunks).

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Width and height from a PNG's IHDR chunk; throws on anything that is not a PNG. */
export function pngSize(png) {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG image')
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

/** A multi-size .ico from square PNGs of 256 px or less (PNG-in-ICO, Windows Vista and later). */
export function packIco(pngs) {
  const header = Buffer.alloc(6)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2)
  header.writeUInt16LE(pngs.length, 4)
  let offset = 6 + 16 * pngs.length
  const entries = pngs.map((png) => {
    const { width, height } = pngSize(png)
    if (width !== height || width > 256) throw new Error(`an .ico holds square images up to 256 px, not ${width}x${height}`)
    const entry = Buffer.alloc(16)
    entry.writeUInt8(width % 256, 0) // 0 means 256
    entry.writeUInt8(height % 256, 1)
    entry.writeUInt8(0, 2) // no palette
    entry.writeUInt16LE(1, 4) // colour planes
    entry.writeUInt16LE(32, 6) // bits per pixel
    entry.writeUInt32LE(png.length, 8)
    entry.writeUInt32LE(offset, 12)
    offset += png.length
    return entry
  })
  return Buffer.concat([header, ...entries, ...pngs])
}

/** The .icns types that hold a PNG, by pixel size (the @2x types reuse the same pixels). */
export const ICNS_TYPES = [
  { type: 'icp4', size: 16 },
  { type: 'icp5', size: 32 },
  { type: 'ic11', size: 32 }, // 16@2x
  { type: 'ic12', size: 64 }, // 32@2x
  { type: 'ic07', size: 128 },
  { type: 'ic08', size: 256 },
  { type: 'ic13', size: 256 }, // 128@2x
  { type: 'ic09', size: 512 },
  { type: 'ic14', size: 512 }, // 256@2x
  { type: 'ic10', size: 1024 } // 512@2x
]

/** An .icns from `{ type, png }` chunks; each PNG must have the size its type declares. */
export function packIcns(chunks) {
  const parts = chunks.map(({ type, png }) => {
    const wanted = ICNS_TYPES.find((t) => t.type === type)
    if (!wanted) throw new Error(`not a PNG icns type: ${type}`)
    const { width, height } = pngSize(png)
    if (width !== wanted.size || height !== wanted.size) throw new Error(`${type} holds ${wanted.size} px, not ${width}x${height}`)
    const head = Buffer.alloc(8)
    head.write(type, 0, 'latin1')
    head.writeUInt32BE(8 + png.length, 4)
    return Buffer.concat([head, png])
  })
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'latin1')
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4)
  return Buffer.concat([head, ...parts])
}

/** The images in an .ico: `{ width, height, png }` (0 in the directory means 256). */
export function readIco(ico) {
  if (ico.length < 6 || ico.readUInt16LE(0) !== 0 || ico.readUInt16LE(2) !== 1) throw new Error('not an .ico file')
  const count = ico.readUInt16LE(4)
  return Array.from({ length: count }, (_, i) => {
    const at = 6 + 16 * i
    const size = ico.readUInt32LE(at + 8)
    const offset = ico.readUInt32LE(at + 12)
    if (offset + size > ico.length) throw new Error(`image ${i} runs past the end of the file`)
    return { width: ico.readUInt8(at) || 256, height: ico.readUInt8(at + 1) || 256, png: ico.subarray(offset, offset + size) }
  })
}

/** The chunks in an .icns: `{ type, data }`. */
export function readIcns(icns) {
  if (icns.length < 8 || icns.toString('latin1', 0, 4) !== 'icns' || icns.readUInt32BE(4) !== icns.length) throw new Error('not an .icns file')
  const chunks = []
  for (let at = 8; at < icns.length; ) {
    const length = icns.readUInt32BE(at + 4)
    if (length < 8 || at + length > icns.length) throw new Error(`chunk at ${at} has a bad length`)
    chunks.push({ type: icns.toString('latin1', at, at + 4), data: icns.subarray(at + 8, at + length) })
    at += length
  }
  return chunks
}
