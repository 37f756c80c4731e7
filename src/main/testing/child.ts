/**
 * Child processes for tests that kill a process mid-work: the entry is bundled once into one CommonJS file (esbuild,
 * the compiler tsx runs on) so each child starts in plain Node in tens of milliseconds instead of half a second.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'

export async function bundleChild(entry: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'orgbench-child-')), 'child.cjs')
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' })
  return outfile
}

/** Start `node script args…` and resolve once it prints `marker` on stdout (rejects if it exits or takes too long). */
export function startChild(script: string, args: string[], marker: string, timeoutMs = 10_000): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => fail(new Error(`The child did not print "${marker}" within ${timeoutMs} ms.`)), timeoutMs)
    const fail = (error: Error): void => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    child.on('exit', (code) => fail(new Error(`The child exited (${code}) before printing "${marker}".`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-1000)
      if (!seen.includes(marker)) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve(child)
    })
  })
}

/** SIGKILL, as a crash or the task manager would, and wait for the process to be gone. */
export function killChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}
