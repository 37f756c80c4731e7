import { join } from 'node:path'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import type { StoreProblem } from '../../../shared/environment'
import { SETTINGS_SCHEMA_VERSION, Settings, SettingsPatch } from '../../../shared/settings'
import { formatJson, readJsonValidated, writeFileAtomic } from './files'

const StoredSettings = Settings.extend({ schemaVersion: z.literal(SETTINGS_SCHEMA_VERSION) })

export class SettingsStore {
  private readonly file: string
  private current: Settings | null = null
  /** Set when the file on disk could not be read: the defaults are in use and the bad file was moved aside. */
  problem: StoreProblem | null = null

  constructor(dataDir: string) {
    this.file = join(dataDir, 'settings.json')
  }

  async get(): Promise<Settings> {
    if (this.current) return this.current
    const result = await readJsonValidated(this.file, StoredSettings)
    if (result.status === 'ok') {
      const { schemaVersion: _version, ...settings } = result.value
      this.current = settings
    } else {
      if (result.status === 'corrupt') {
        this.problem = { file: this.file, movedTo: result.movedTo, reason: result.reason, at: new Date().toISOString() }
      }
      this.current = Settings.parse({})
    }
    return this.current
  }

  async update(patch: unknown): Promise<Settings> {
    const parsed = SettingsPatch.safeParse(patch)
    if (!parsed.success) throw new AppError('invalid_input', `Invalid settings: ${parsed.error.issues[0]?.message ?? ''}`)
    const next = { ...(await this.get()), ...stripUndefined(parsed.data) }
    await writeFileAtomic(this.file, formatJson({ schemaVersion: SETTINGS_SCHEMA_VERSION, ...next }))
    this.current = next
    return next
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
