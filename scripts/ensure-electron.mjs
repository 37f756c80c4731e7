#!/usr/bin/env node
// Electron 45 has no install script: its binary is fetched the first time `require('electron')` runs,
// but electron-vite reads node_modules/electron/path.txt before that and fails with "Electron uninstall".
// This module runs Electron's own installer first, and turns its failure into one paragraph a person can act on.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const DEFAULT_MIRROR = 'https://github.com/electron/electron/releases/download/'
const DEFAULT_TIMEOUT_MS = 20 * 60_000

/** The folder of the `electron` package this project resolves. */
export function defaultElectronDir() {
  return dirname(createRequire(import.meta.url).resolve('electron/package.json'))
}

function readText(file) {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return null
  }
}

/** What the installer and electron-vite look at: path.txt, the binary it names, and dist/version. */
export function electronStatus(electronDir) {
  const pkg = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'))
  const relative = readText(join(electronDir, 'path.txt'))
  const binary = relative ? join(electronDir, 'dist', relative) : null
  const distVersion = readText(join(electronDir, 'dist', 'version'))?.trim().replace(/^v/, '') ?? null
  const installed = binary !== null && existsSync(binary) && distVersion === pkg.version
  return { installed, binary: installed ? binary : null, version: pkg.version, nodeRange: pkg.engines?.node ?? null }
}

/** ">= 22.12.0" → true when this Node is older; other range shapes are not judged. */
export function nodeTooOld(range, nodeVersion = process.versions.node) {
  const wanted = /^\s*>=\s*(\d+)\.(\d+)(?:\.(\d+))?\s*$/.exec(range ?? '')
  if (!wanted) return false
  const have = nodeVersion.split('.').map(Number)
  const want = [Number(wanted[1]), Number(wanted[2]), Number(wanted[3] ?? 0)]
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i] < want[i]
  return false
}

/** The installer prints `err.stack`: keep its first line, drop frames and Node's warnings. */
export function installerReason(stderr) {
  const line = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('at ') && !/^\(node:\d+\)|^\(Use `node --trace/.test(l))
  if (!line) return null
  return line.length > 200 ? `${line.slice(0, 197)}...` : line
}

/** The mirror @electron/get will use, by its own order of precedence (npm config, package config, env). */
function mirrorOf(env) {
  return env.npm_config_electron_mirror || env.NPM_CONFIG_ELECTRON_MIRROR || env.npm_package_config_electron_mirror || env.ELECTRON_MIRROR || DEFAULT_MIRROR
}

function paragraph({ version, what, nodeRange, env, skip }) {
  const retry = skip
    ? 'To download it, unset ELECTRON_SKIP_BINARY_DOWNLOAD and run `npm start` again.'
    : `To retry, run \`npm start\` again once ${mirrorOf(env)} is reachable; behind a proxy set ELECTRON_GET_USE_PROXY=1 with HTTPS_PROXY, or point ELECTRON_MIRROR at a mirror you can reach.`
  const node =
    !skip && nodeRange && nodeTooOld(nodeRange)
      ? ` Electron's installer declares Node ${nodeRange.replace(/\s+/g, ' ').trim()} and this is Node ${process.versions.node}: if the download keeps failing, retry with Node 22.12 or newer.`
      : ''
  return (
    `OrgBench cannot open its window: the Electron ${version} binary is not installed, and ${what}. ${retry}${node} ` +
    'Everything except the window works without it: `npm test`, the CLI (`npx orgbench --help`) and the Sandbox org (`npx orgbench sandbox`).'
  )
}

/** Runs node_modules/electron/install.js in a child process; resolves with its exit code, stderr and whether it timed out. */
function runInstaller(electronDir, env, timeoutMs) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, env, stdio: ['ignore', 'inherit', 'pipe'] })
    let stderr = ''
    let timedOut = false
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 64_000) stderr += chunk
    })
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGTERM')
    }, timeoutMs)
    const started = Date.now()
    const heartbeat = setInterval(() => console.error(`  still downloading Electron... (${Math.round((Date.now() - started) / 1000)} s)`), 30_000)
    heartbeat.unref()
    const done = (result) => {
      clearTimeout(timer)
      clearInterval(heartbeat)
      resolvePromise(result)
    }
    child.on('error', (error) => done({ code: null, stderr: error.message, timedOut }))
    child.on('close', (code) => done({ code, stderr, timedOut }))
  })
}

/**
 * Makes sure the Electron binary is installed, downloading it with Electron's own installer if not.
 * Resolves `{ ok: true, binary }` or `{ ok: false, message }` (one paragraph, no stack trace); never throws for a failed download.
 */
export async function ensureElectron({ electronDir = defaultElectronDir(), env = process.env, timeoutMs = DEFAULT_TIMEOUT_MS, log = console.error } = {}) {
  if (env.ELECTRON_EXEC_PATH && existsSync(env.ELECTRON_EXEC_PATH)) return { ok: true, binary: env.ELECTRON_EXEC_PATH }
  const before = electronStatus(electronDir)
  if (before.installed) return { ok: true, binary: before.binary }
  const context = { version: before.version, nodeRange: before.nodeRange, env }

  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD && env.ELECTRON_SKIP_BINARY_DOWNLOAD !== '0') {
    return { ok: false, message: paragraph({ ...context, skip: true, what: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was not downloaded' }) }
  }

  log(`Downloading Electron ${before.version} with its installer from ${mirrorOf(env)} (once per machine; about 100 MB)...`)
  const run = await runInstaller(electronDir, env, timeoutMs)
  const after = electronStatus(electronDir)
  if (run.code === 0 && after.installed) return { ok: true, binary: after.binary }

  let what
  if (run.timedOut) what = `Electron's installer did not finish within ${Math.round(timeoutMs / 1000)} s`
  else if (run.code === 0) what = `Electron's installer finished but left no binary at ${join(electronDir, 'dist')}`
  else {
    const reason = installerReason(run.stderr) ?? `it exited with code ${run.code}`
    // Node's fetch says only "fetch failed" for DNS, refused, reset and TLS failures alike.
    const gloss = /\bfetch failed$/.test(reason) ? ' (no connection to the download server)' : ''
    what = `Electron's installer could not download it: ${reason.replace(/\.$/, '')}${gloss}`
  }
  return { ok: false, message: paragraph({ ...context, what }) }
}

// `node scripts/ensure-electron.mjs [--electron-dir DIR]`: exits 0 when the binary is there, 1 with the paragraph when not.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const at = process.argv.indexOf('--electron-dir')
  const electronDir = at > 0 ? resolve(process.argv[at + 1] ?? '') : undefined
  const result = await ensureElectron({ electronDir })
  if (!result.ok) {
    console.error(`\n${result.message}\n`)
    process.exit(1)
  }
}
