#!/usr/bin/env node
// `npm run icons`: rasterises resources/icon.svg with Chromium into the PNG sizes desktop platforms use,
// then packs resources/icon.ico (Windows) and resources/icon.icns (macOS) from those PNGs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { ICNS_TYPES, packIcns, packIco } from './icon-containers.mjs'

const resources = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources')
const SIZES = [16, 32, 48, 64, 128, 256, 512, 1024]
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]

const svg = readFileSync(join(resources, 'icon.svg'))
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  timeout: 30_000
})
const pngs = new Map()
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 })
  const src = `data:image/svg+xml;base64,${svg.toString('base64')}`
  for (const size of [...new Set([...SIZES, ...ICO_SIZES])].sort((a, b) => a - b)) {
    await page.setViewportSize({ width: size, height: size })
    await page.setContent(`<html><body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`)
    await page.locator('img').evaluate((img) => img.decode())
    pngs.set(size, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size }, timeout: 15_000 }))
  }
} finally {
  await browser.close()
}

mkdirSync(join(resources, 'icons'), { recursive: true })
for (const size of SIZES) writeFileSync(join(resources, 'icons', `${size}x${size}.png`), pngs.get(size))
writeFileSync(join(resources, 'icon.png'), pngs.get(512))
writeFileSync(join(resources, 'icon.ico'), packIco(ICO_SIZES.map((size) => pngs.get(size))))
writeFileSync(join(resources, 'icon.icns'), packIcns(ICNS_TYPES.map(({ type, size }) => ({ type, png: pngs.get(size) }))))
console.log(`resources/: icons/{${SIZES.join(',')}}.png, icon.png (512), icon.ico (${ICO_SIZES.join(', ')}), icon.icns (${ICNS_TYPES.map((t) => t.type).join(' ')})`)
