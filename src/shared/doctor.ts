import { z } from 'zod'

/** The auth doctor's checks, in the order they run: each needs what the ones before it found. */
export const DOCTOR_CHECKS = [
  { id: 'org', title: 'The org answers and names its tenant' },
  { id: 'authority', title: 'The authority\'s discovery document' },
  { id: 'token', title: 'A token with the profile' },
  { id: 'claims', title: 'The token is for this org, this tenant, now' },
  { id: 'whoami', title: 'WhoAmI: the org knows this identity' },
  { id: 'permissions', title: 'Permissions in the token' }
] as const

export const DoctorCheckId = z.enum(['org', 'authority', 'token', 'claims', 'whoami', 'permissions'])
export type DoctorCheckId = z.infer<typeof DoctorCheckId>

export const DoctorCheck = z.object({
  id: DoctorCheckId,
  title: z.string(),
  status: z.enum(['passed', 'failed', 'skipped']),
  /** What was found, in one or two sentences. */
  summary: z.string(),
  /** For a failed check: what to change, where. */
  fix: z.string().nullable(),
  /** What the summary rests on: facts read, and the exchanges in the traffic log. */
  evidence: z.array(z.object({ label: z.string(), value: z.string(), entryId: z.string().nullable() })),
  ms: z.number()
})
export type DoctorCheck = z.infer<typeof DoctorCheck>

export const DoctorReport = z.object({
  environmentId: z.string(),
  environmentName: z.string(),
  orgUrl: z.string(),
  /** Every check that ran passed (skipped ones aside). */
  healthy: z.boolean(),
  checks: z.array(DoctorCheck),
  at: z.string()
})
export type DoctorReport = z.infer<typeof DoctorReport>
