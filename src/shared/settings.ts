import { z } from 'zod'

export const SETTINGS_SCHEMA_VERSION = 1
export const MB = 1024 * 1024

const fields = {
  theme: z.enum(['system', 'light', 'dark']),
  requestTimeoutMs: z.number().int().min(1000, 'The timeout must be at least 1 second.').max(600_000, 'The timeout can be at most 10 minutes.'),
  maxResponseBytes: z.number().int().min(1024).max(1024 * MB),
  /** "Fetch all" (results grid, `orgbench request --all`) stops at this many rows. */
  fetchAllMaxRows: z.number().int().min(1, 'The row cap must be at least 1.').max(5_000_000, 'The row cap can be at most 5,000,000.'),
  activeEnvironmentId: z.string().nullable(),
  /** The traffic log keeps this many entries (main and the renderer alike); the oldest go first. */
  trafficMaxEntries: z.number().int().min(100, 'Keep at least 100 traffic entries.').max(1_000_000, 'The traffic log can keep at most 1,000,000 entries.'),
  /** Memory the traffic log may hold (bodies' inline parts, headers, URLs), in MB; past it the oldest entries go first. */
  trafficMemoryMb: z.number().int().min(16, 'Give the traffic log at least 16 MB.').max(8192, 'The traffic log can use at most 8,192 MB.'),
  /** "Fetch all" and $batch wait out a 429 (service protection) as its Retry-After says, and try again. */
  autoRetry429: z.boolean(),
  /** How many times one request is tried again after 429s. */
  autoRetryAttempts: z.number().int().min(1, 'Try at least once more.').max(20, 'At most 20 tries.'),
  /** A Retry-After longer than this is not waited out: the run stops and says so. */
  autoRetryMaxWaitSeconds: z.number().int().min(1).max(3600, 'Wait at most an hour.'),
  /** Keep the newest traffic entries across restarts (encrypted on disk; the desktop app only). */
  trafficKeep: z.boolean(),
  /** Filters saved in the traffic log's filter box. */
  trafficFilters: z.array(z.object({ name: z.string().trim().min(1).max(100), query: z.string().max(2000) })).max(100)
}

export const Settings = z.object({
  theme: fields.theme.default('system'),
  requestTimeoutMs: fields.requestTimeoutMs.default(30_000),
  maxResponseBytes: fields.maxResponseBytes.default(50 * MB),
  fetchAllMaxRows: fields.fetchAllMaxRows.default(100_000),
  activeEnvironmentId: fields.activeEnvironmentId.default(null),
  trafficMaxEntries: fields.trafficMaxEntries.default(50_000),
  trafficMemoryMb: fields.trafficMemoryMb.default(512),
  trafficFilters: fields.trafficFilters.default([]),
  trafficKeep: fields.trafficKeep.default(false),
  autoRetry429: fields.autoRetry429.default(true),
  autoRetryAttempts: fields.autoRetryAttempts.default(3),
  autoRetryMaxWaitSeconds: fields.autoRetryMaxWaitSeconds.default(300)
})
export type Settings = z.infer<typeof Settings>

/**
 * Only the fields given change. (Zod 4 would fill defaults into a `.partial()` of Settings, resetting the rest.)
 * Built on first use: reading the settings, which every command does, needs only Settings.
 */
export const SettingsPatch = z.lazy(() => z.object(fields).partial().strict())
export type SettingsPatch = z.infer<typeof SettingsPatch>
