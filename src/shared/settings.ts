import { z } from 'zod'

export const SETTINGS_SCHEMA_VERSION = 1
export const MB = 1024 * 1024

export const Settings = z.object({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  requestTimeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
  maxResponseBytes: z.number().int().min(1024).max(1024 * MB).default(50 * MB),
  activeEnvironmentId: z.string().nullable().default(null)
})
export type Settings = z.infer<typeof Settings>
export const SettingsPatch = Settings.partial()
export type SettingsPatch = z.infer<typeof SettingsPatch>
