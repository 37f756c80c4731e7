import { readFile, rm } from 'node:fs/promises'
import type { SecretBox } from '../ports'
import { writeFileAtomic } from '../store/files'
import { exportHar, fromHar } from './har'
import type { TrafficLog } from './trafficLog'

/** The newest entries kept across a restart: enough to pick up where one left off, without keeping gigabytes. */
export const KEPT_ENTRIES = 2000

/**
 * The traffic log kept across restarts (Settings: off by default): the newest entries written as HAR 1.2 with their
 * secrets, encrypted whole with the secret box (the OS keychain in the app), read back at the next start. Nothing of
 * it is ever on disk in plain text.
 */
export class KeptTraffic {
  constructor(
    private readonly file: string,
    private readonly box: SecretBox,
    private readonly appVersion: string
  ) {}

  /** The kept entries into the log; how many. A file that cannot be read is removed (its content is unusable). */
  async restore(log: TrafficLog): Promise<number> {
    let cipher: string
    try {
      cipher = await readFile(this.file, 'utf8')
    } catch {
      return 0
    }
    try {
      const { records } = fromHar(this.box.decrypt(cipher))
      for (const record of records) log.record(record)
      return records.length
    } catch {
      await this.forget()
      return 0
    }
  }

  async save(log: TrafficLog): Promise<number> {
    const ids = log.list().slice(-KEPT_ENTRIES).map((e) => e.id)
    if (ids.length === 0) {
      await this.forget()
      return 0
    }
    const { text, count } = await exportHar(log, { ids, reveal: true, appVersion: this.appVersion })
    await writeFileAtomic(this.file, this.box.encrypt(text))
    return count
  }

  async forget(): Promise<void> {
    await rm(this.file, { force: true })
  }
}
