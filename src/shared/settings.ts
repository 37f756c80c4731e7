import { z } from 'zod'

export const SETTINGS_SCHEMA_VERSION = 1
export const MB = 1024 * 1024

const fields = {
  theme: z.enum(['system', 'light', 'dark']),
  requestTimeoutMs: z.number().int().min(1000, 'The timeout must be at least 1 second.').max(600_000, 'The timeout can be at most 10 minutes.'),
  maxResponseBytes: z.number().int().min(1024).max(1024 * MB),
  /** "Fetch all" (results grid, `orgbench request --all`) stops at this many rows. */
  fetchAllMaxRows: z.number().int().min(1, 'The row cap must be at least 1.').max(5_000_000, 'The row cap can be at most 5,000,000.'),
  activeEnvironmentId: z.string().nullable()
}

export const Settings = z.object({
  theme: fields.theme.default('system'),
  requestTimeoutMs: fields.requestTimeoutMs.default(30_000),
  maxResponseBytes: fields.maxResponseBytes.default(50 * MB),
  fetchAllMaxRows: fields.fetchAllMaxRows.default(100_000),
  activeEnvironmentId: fields.activeEnvironmentId.default(null)
})
export type Settings = z.infer<typeof Settings>

/** Only the fields given change. (Zod 4 would fill defaults into a `.partial()` of Settings, resetting the rest.) */
export const SettingsPatch = z.object(fields).partial().strict()
export type SettingsPatch = z.infer<typeof SettingsPatch>
