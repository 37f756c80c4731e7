import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { z } from 'zod'
import { AppError } from '../../../shared/errors'

/** Write a file so that a crash leaves either the old or the new content, never half of it. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(file)
  await fs.mkdir(dir, { recursive: true })
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await fs.open(temp, 'w', mode)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await fs.rename(temp, file)
  } catch (error) {
    await fs.rm(temp, { force: true })
    throw error
  }
  await syncDir(dir)
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
