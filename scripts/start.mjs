#!/usr/bin/env node
// `npm start` (build, then open the built app) and `npm run dev` (`--dev`: hot reload).
// Both first make sure the Electron binary is installed; see ensure-electron.mjs.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { ensureElectron } from './ensure-electron.mjs'

const dev = process.argv.includes('--dev')

const result = await ensureElectron()
if (!result.ok) {
  console.error(`\n${result.message}\n`)
  process.exit(1)
}

// `electron-vite preview` builds first, then starts Electron; `dev` serves the renderer with hot reload.
const pkgFile = createRequire(import.meta.url).resolve('electron-vite/package.json')
const bin = join(dirname(pkgFile), JSON.parse(readFileSync(pkgFile, 'utf8')).bin['electron-vite'])
const child = spawn(process.execPath, [bin, dev ? 'dev' : 'preview', ...process.argv.slice(2).filter((a) => a !== '--dev')], { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
