import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../../shared/errors'
import { ownerGone, ownerMark } from '../store/files'

const MAGIC = Buffer.from('OBSPILL1')
const IV_BYTES = 12
const TAG_BYTES = 16
/** Encrypt and decrypt in slices so a 50 MB body does not hold the event loop for its whole length. */
const SLICE = 1024 * 1024
const FOLDER = /^(\d+)-([0-9a-f]{8})-[0-9a-f]{8}$/
const NAME = /^[\w.-]+$/

/**
 * Bodies larger than the capture's inline limit, kept whole on disk while this process runs.
 *
 * They hold whatever was sent or received, resolved secret variables and tokens included, so each file is
 * encrypted with AES-256-GCM under a key drawn at random when the store opens and held only in this process's
 * memory. Not the secretBox: it encrypts strings one secret at a time (the OS keychain on the desktop), and its key
 * outlives the process, while spilled bodies are megabytes and have no use after it. Once the process ends, a file
 * it left behind (a crash) can be read by no one, and the next start deletes it (`sweepSpills`).
 *
 * One folder per store, `<root>/<pid>-<token>-<random>/`, so processes sharing a data dir (the app and the CLI)
 * never delete each other's bodies. A file is MAGIC | iv | ciphertext | tag, created 0600 under a name no one else
 * uses; a half-written file is never read (`get` waits for the write), so it needs no temporary name.
 */
export class SpillStore {
  readonly dir: string
  private key: Buffer | null = randomBytes(32)
  /** Each body's write, resolving to whether it reached the disk. */
  private readonly writes = new Map<string, Promise<boolean>>()
  private readonly work = new Set<Promise<unknown>>()

  constructor(
    root: string,
    private readonly onError: (error: unknown) => void = () => undefined
  ) {
    this.dir = join(root, `${ownerMark()}-${randomBytes(4).toString('hex')}`)
  }

  /** Encrypt and write `bytes` in the background. False when the store is closed. */
  put(name: string, bytes: Uint8Array): boolean {
    const key = this.key
    if (!key || !NAME.test(name) || this.writes.has(name)) return false
    const written = this.track(
      this.write(join(this.dir, name), key, bytes).then(
        () => true,
        (error: unknown) => {
          this.onError(error)
          return false
        }
      )
    )
    this.writes.set(name, written)
    return true
  }

  /** The whole body, decrypted. */
  async get(name: string): Promise<Buffer> {
    const written = await this.writes.get(name)
    const key = this.key
    const gone = new AppError('not_found', 'The whole body is no longer kept (the entry was cleared, or it could not be written to disk); only its first part can be shown.')
    if (!written || !key) throw gone
    let data: Buffer
    try {
      data = await fs.readFile(join(this.dir, name))
    } catch {
      throw gone
    }
    try {
      if (data.length < MAGIC.length + IV_BYTES + TAG_BYTES || !data.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a spilled body')
      const iv = data.subarray(MAGIC.length, MAGIC.length + IV_BYTES)
      const decipher = createDecipheriv('aes-256-gcm', key, iv)
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES))
      const parts: Buffer[] = []
      for (let at = MAGIC.length + IV_BYTES; at < data.length - TAG_BYTES; at += SLICE) {
        parts.push(decipher.update(data.subarray(at, Math.min(at + SLICE, data.length - TAG_BYTES))))
        await new Promise((resolve) => setImmediate(resolve))
      }
      parts.push(decipher.final())
      return Buffer.concat(parts)
    } catch {
      throw new AppError('storage_error', `A captured body in ${this.dir} was changed or damaged on disk, so only its first part can be shown.`)
    }
  }

  /** Forget a body and delete its file (after its write, if that is still running). */
  delete(name: string): void {
    const written = this.writes.get(name)
    if (!written) return
    this.writes.delete(name)
    this.track(written.then((ok) => (ok ? fs.rm(join(this.dir, name), { force: true }) : undefined)).catch(this.onError))
  }

  /** Resolves when every write and delete started so far has finished. */
  async settle(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work])
  }

  /** Delete every body and the folder, and forget the key. */
  async close(): Promise<void> {
    const key = this.key
    this.key = null
    await this.settle()
    this.writes.clear()
    key?.fill(0)
    await fs.rm(this.dir, { recursive: true, force: true }).catch(this.onError)
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.work.add(promise)
    void promise.finally(() => this.work.delete(promise))
    return promise
  }

  private async write(file: string, key: Buffer, bytes: Uint8Array): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 })
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    const handle = await fs.open(file, 'wx', 0o600)
    try {
      await handle.write(Buffer.concat([MAGIC, iv]))
      for (let at = 0; at < bytes.byteLength; at += SLICE) await handle.write(cipher.update(bytes.subarray(at, at + SLICE)))
      await handle.write(Buffer.concat([cipher.final(), cipher.getAuthTag()]))
    } catch (error) {
      await handle.close()
      await fs.rm(file, { force: true })
      throw error
    }
    await handle.close()
  }
}

/**
 * At start: delete what earlier runs left in `root` (the capture folder): the folders of stores whose process has
 * ended (a crash; unreadable without their key anyway) and anything else, such as the plain-text bodies earlier
 * builds wrote there. Folders of processes still running are kept. Never throws; returns how many entries it removed.
 */
export async function sweepSpills(root: string): Promise<number> {
  let names: string[]
  try {
    names = await fs.readdir(root)
  } catch {
    return 0
  }
  let removed = 0
  for (const name of names) {
    const owner = FOLDER.exec(name)
    if (owner && !ownerGone(Number(owner[1]), owner[2]!)) continue
    try {
      await fs.rm(join(root, name), { recursive: true, force: true })
      removed++
    } catch {
      // Still in use on Windows, or not ours: the next start tries again.
    }
  }
  return removed
}
