import { randomBytes } from 'node:crypto'
import { promises as fs, type Dirent } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { z } from 'zod'
import { AppError } from '../../../shared/errors'

/** Who wrote a name: this process's id and a random token, so a later start can tell leftovers from work in flight. */
const PROCESS_TOKEN = randomBytes(4).toString('hex')

/** `<pid>-<token>`: put into the names of files and folders a process may leave behind (see `ownerGone`). */
export function ownerMark(): string {
  return `${process.pid}-${PROCESS_TOKEN}`
}

/**
 * Whether the process that put `<pid>-<token>` into a name has ended. A pid that is alive may have been reused by
 * another process after a crash, so callers add an age limit where one makes sense.
 */
export function ownerGone(pid: number, token: string): boolean {
  if (pid === process.pid) return token !== PROCESS_TOKEN
  if (!Number.isSafeInteger(pid) || pid <= 0) return true
  try {
    process.kill(pid, 0)
    return false
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

const TEMP_NAME = /^\..+\.(\d+)-([0-9a-f]{8})-[0-9a-f]{8}\.tmp$/
/** The names earlier builds used (no owner): removed once clearly abandoned. */
const LEGACY_TEMP_NAME = /^\..+\.[0-9a-f]{12}\.tmp$/
/** No atomic write takes this long: a temporary file this old is abandoned even if its pid is alive again. */
const TEMP_MAX_AGE_MS = 60 * 60 * 1000
const LEGACY_TEMP_MAX_AGE_MS = 60 * 1000

/** Write a file so that a crash leaves either the old or the new content, never half of it. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(file)
  await fs.mkdir(dir, { recursive: true })
  // A crash between open and rename leaves this file behind; `sweepTempFiles` removes it at the next start.
  const temp = join(dir, `.${basename(file)}.${ownerMark()}-${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await fs.open(temp, 'wx', mode)
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.rename(temp, file)
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined)
    throw error
  }
  await syncDir(dir)
}

/**
 * Remove the temporary files of atomic writes that were interrupted (a crash, a kill, a power cut) in `dir` and its
 * subfolders down to `depth`. Writes still in flight, in this process or another one alive, are left alone.
 * Never follows symbolic links; never throws. Returns how many files it removed.
 */
export async function sweepTempFiles(dir: string, depth = 4, now = Date.now()): Promise<number> {
  let entries: Dirent[]
  try {
    entries = await fs.readdir(dir, { withFileTypes: true })
  } catch {
    return 0
  }
  let removed = 0
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (depth > 0) removed += await sweepTempFiles(path, depth - 1, now)
      continue
    }
    if (!entry.isFile() || !(await isAbandonedTemp(path, entry.name, now))) continue
    try {
      await fs.rm(path)
      removed++
    } catch {
      // Gone already (another process swept it), or not ours to remove.
    }
  }
  return removed
}

async function isAbandonedTemp(path: string, name: string, now: number): Promise<boolean> {
  const owned = TEMP_NAME.exec(name)
  const legacy = !owned && LEGACY_TEMP_NAME.test(name)
  if (!owned && !legacy) return false
  if (owned && ownerGone(Number(owned[1]), owned[2]!)) return true
  try {
    const age = now - (await fs.stat(path)).mtimeMs
    return age > (legacy ? LEGACY_TEMP_MAX_AGE_MS : TEMP_MAX_AGE_MS)
  } catch {
    return false
  }
}

async function syncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename durable; not supported on Windows, where rename is already durable enough.
  if (process.platform === 'win32') return
  const handle = await fs.open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export type ReadResult<T> =
  | { status: 'ok'; value: T }
  | { status: 'missing' }
  | { status: 'corrupt'; reason: string; movedTo: string | null }

/**
 * Read and validate a JSON file. A file that does not parse or validate is moved aside
 * (`name.corrupt-<time>.json`) so that nothing overwrites it, and reported with the reason.
 */
export async function readJsonValidated<S extends z.ZodType>(file: string, schema: S): Promise<ReadResult<z.output<S>>> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' }
    throw new AppError('storage_error', `Could not read ${file}: ${(error as Error).message}`)
  }
  let reason: string
  try {
    const parsed = schema.safeParse(JSON.parse(text))
    if (parsed.success) return { status: 'ok', value: parsed.data }
    reason = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')
  } catch (error) {
    reason = `not valid JSON (${(error as Error).message})`
  }
  const movedTo = await moveAside(file)
  return { status: 'corrupt', reason, movedTo }
}

async function moveAside(file: string): Promise<string | null> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const target = file.replace(/\.json$/, '') + `.corrupt-${stamp}.json`
  try {
    await fs.rename(file, target)
    return target
  } catch {
    return null
  }
}

export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n'
}
