import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { crc32 } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultElectronDir, electronStatus, ensureElectron, installerReason, nodeTooOld } from './ensure-electron.mjs'

const realElectron = defaultElectronDir()
const { version } = JSON.parse(readFileSync(join(realElectron, 'package.json'), 'utf8')) as { version: string }
const script = join(__dirname, 'ensure-electron.mjs')
const temps: string[] = []

afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A copy of the electron package (without any binary) whose installer's dependencies resolve to the real ones: the real package is never touched. */
function electronCopy(): { root: string; electronDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'orgbench-electron-'))
  temps.push(root)
  const electronDir = join(root, 'node_modules', 'electron')
  cpSync(realElectron, electronDir, { recursive: true, filter: (src) => !['dist', 'path.txt'].includes(basename(src)) || dirname(src) !== realElectron })
  for (const scope of ['@electron', '@electron-internal']) symlinkSync(join(dirname(realElectron), scope), join(root, 'node_modules', scope), 'dir')
  return { root, electronDir }
}

/** The environment without anything that would change where or whether the installer downloads. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const key of Object.keys(env)) if (/^(electron_|npm_config_electron|npm_package_config_electron|force_no_cache)/i.test(key)) delete env[key]
  return { ...env, ELECTRON_GET_NO_PROGRESS: '1', ...extra }
}

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A zip with stored (uncompressed) entries, executable on Unix. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text)
    const fileName = Buffer.from(name)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(fileName.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(fileName.length, 28)
    central.writeUInt32LE((0o100755 << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, fileName, data)
    centrals.push(central, fileName)
    offset += local.length + fileName.length + data.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(files).length, 8)
  end.writeUInt16LE(Object.keys(files).length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

describe('ensure-electron', () => {
  it('reads the installer reason from a stack trace, without frames or warnings', () => {
    const stderr = [
      '(node:4242) ExperimentalWarning: CommonJS module install.js is loading ES Module @electron/get using require().',
      '(Use `node --trace-warnings ...` to show where the warning was created)',
      'TypeError: fetch failed',
      '    at node:internal/deps/undici/undici:14976:13',
      '    at async FetchDownloader.download (file:///x/FetchDownloader.js:46:30)'
    ].join('\n')
    expect(installerReason(stderr)).toBe('TypeError: fetch failed')
    expect(installerReason('\n    at x (y:1:1)\n')).toBeNull()
  })

  it('compares the Node version with the installer engine range', () => {
    expect(nodeTooOld('>= 22.12.0', '20.20.2')).toBe(true)
    expect(nodeTooOld('>= 22.12.0', '22.12.0')).toBe(false)
    expect(nodeTooOld('>= 22.12.0', '24.1.0')).toBe(false)
    expect(nodeTooOld('^20 || ^22', '18.0.0')).toBe(false)
  })

  it('with the download pointed at a closed loopback port: exits 1 with one paragraph, the installer reason, no stack trace', async () => {
    const { root, electronDir } = electronCopy()
    const port = await closedPort()
    const realBefore = electronStatus(realElectron)
    const started = Date.now()
    const run = spawnSync(process.execPath, [script, '--electron-dir', electronDir], {
      encoding: 'utf8',
      timeout: 12_000,
      env: cleanEnv({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_config_cache: join(root, 'cache') })
    })
    expect(Date.now() - started).toBeLessThan(12_000)
    expect(run.status).toBe(1)
    const lines = run.stderr.split('\n').filter((l) => l.trim())
    expect(lines[0]).toBe(`Downloading Electron ${version} with its installer from http://127.0.0.1:${port}/ (once per machine; about 100 MB)...`)
    // The rest is the paragraph: one line, and not a single stack frame anywhere.
    expect(lines).toHaveLength(2)
    expect(run.stderr).not.toMatch(/^\s+at /m)
    const paragraph = lines[1]!
    expect(paragraph).toContain(`OrgBench cannot open its window: the Electron ${version} binary is not installed`)
    expect(paragraph).toContain("Electron's installer could not download it: TypeError: fetch failed (no connection to the download server)")
    expect(paragraph).toContain(`run \`npm start\` again once http://127.0.0.1:${port}/ is reachable`)
    expect(paragraph).toContain('ELECTRON_MIRROR')
    expect(paragraph).toContain('`npm test`, the CLI (`npx orgbench --help`) and the Sandbox org (`npx orgbench sandbox`)')
    if (nodeTooOld('>= 22.12.0')) expect(paragraph).toContain(`declares Node >= 22.12.0 and this is Node ${process.versions.node}`)
    else expect(paragraph).not.toContain('declares Node')
    expect(existsSync(join(electronDir, 'path.txt'))).toBe(false)
    expect(electronStatus(realElectron)).toEqual(realBefore)
  })

  it('with ELECTRON_SKIP_BINARY_DOWNLOAD set: does not run the installer and says how to download', async () => {
    const { electronDir } = electronCopy()
    const logged: string[] = []
    const result = await ensureElectron({ electronDir, env: cleanEnv({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }), log: (line: string) => logged.push(line) })
    expect(result.ok).toBe(false)
    expect(logged).toEqual([])
    expect(result.message).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was not downloaded. To download it, unset ELECTRON_SKIP_BINARY_DOWNLOAD')
    expect(result.message).not.toContain('declares Node')
  })

  it('downloads through Electron’s own installer from a loopback mirror, then finds the binary without downloading again', async () => {
    const { root, electronDir } = electronCopy()
    const artifact = `electron-v${version}-linux-x64.zip`
    const body = zip({ electron: '#!/bin/sh\necho "a stand-in for the Electron binary"\n', version: `v${version}` })
    const shasums = `${createHash('sha256').update(body).digest('hex')} *${artifact}\n`
    const requests: string[] = []
    const server: Server = createServer((req, res) => {
      requests.push(req.url ?? '')
      if (req.url === `/v${version}/${artifact}`) res.end(body)
      else if (req.url === `/v${version}/SHASUMS256.txt`) res.end(shasums)
      else res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as { port: number }
      const env = cleanEnv({
        ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
        electron_config_cache: join(root, 'cache'),
        electron_use_remote_checksums: '1',
        ELECTRON_INSTALL_PLATFORM: 'linux',
        ELECTRON_INSTALL_ARCH: 'x64'
      })
      const first = await ensureElectron({ electronDir, env, timeoutMs: 12_000, log: () => {} })
      expect(first).toEqual({ ok: true, binary: join(electronDir, 'dist', 'electron') })
      expect(readFileSync(join(electronDir, 'path.txt'), 'utf8')).toBe('electron')
      expect(requests.sort()).toEqual([`/v${version}/${artifact}`, `/v${version}/SHASUMS256.txt`].sort())

      const second = await ensureElectron({ electronDir, env, log: () => {} })
      expect(second).toEqual(first)
      expect(requests).toHaveLength(2)
    } finally {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('treats a binary of another version as missing, like the installer does', () => {
    const { electronDir } = electronCopy()
    mkdirSync(join(electronDir, 'dist'))
    writeFileSync(join(electronDir, 'path.txt'), 'electron')
    writeFileSync(join(electronDir, 'dist', 'electron'), '')
    writeFileSync(join(electronDir, 'dist', 'version'), 'v1.0.0')
    expect(electronStatus(electronDir)).toMatchObject({ installed: false, binary: null })
    writeFileSync(join(electronDir, 'dist', 'version'), `v${version}`)
    expect(electronStatus(electronDir)).toMatchObject({ installed: true, binary: join(electronDir, 'dist', 'electron') })
  })
})
