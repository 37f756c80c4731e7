import { z } from 'zod'
import { BodyView, HeaderList, Timings } from './http'

export const EntryKind = z.enum(['api', 'authorize', 'callback', 'token', 'discovery', 'other'])
export type EntryKind = z.infer<typeof EntryKind>

/** A captured body: inline up to the capture limit; `spilled` when the whole of a larger body is on disk. */
export const CapturedBody = BodyView.extend({ spilled: z.boolean() })
export type CapturedBody = z.infer<typeof CapturedBody>

export const EntrySummary = z.object({
  id: z.string(),
  seq: z.number(),
  startedAt: z.string(),
  kind: EntryKind,
  method: z.string(),
  url: z.string(),
  host: z.string(),
  path: z.string(),
  status: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
  responseSize: z.number().nullable(),
  environmentId: z.string().nullable(),
  environmentName: z.string().nullable(),
  /** Entries of one sign-in (authorize, callback, discovery, token) share this id. */
  signInId: z.string().nullable(),
  /** The grant that caused a sign-in entry. */
  grant: z.string().nullable()
})
export type EntrySummary = z.infer<typeof EntrySummary>

export const TrafficEntry = EntrySummary.extend({
  statusText: z.string(),
  httpVersion: z.string(),
  requestHeaders: HeaderList,
  requestBody: CapturedBody.nullable(),
  responseHeaders: HeaderList,
  responseBody: CapturedBody.nullable(),
  timings: Timings.nullable(),
  /** Names of the places where a secret was masked, e.g. "request header Authorization". */
  masked: z.array(z.string())
})
export type TrafficEntry = z.infer<typeof TrafficEntry>

/** What `traffic.search` looks for where summaries do not reach: inside bodies (their kept part), or a header (name, and a part of its value). */
export const TrafficQuery = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('body'), text: z.string().min(1).max(1000) }),
  z.object({ kind: z.literal('header'), name: z.string().min(1).max(200), value: z.string().max(1000).nullable() })
])
export type TrafficQuery = z.infer<typeof TrafficQuery>

/** A sign-in as a sequence: its legs between the actors, and the checks that prove it went right. */
export const SignInActor = z.enum(['app', 'browser', 'authority', 'loopback', 'org'])
export const SignInSequence = z.object({
  legs: z.array(
    z.object({
      entryId: z.string(),
      seq: z.number(),
      from: SignInActor,
      to: SignInActor,
      label: z.string(),
      startedAt: z.string(),
      durationMs: z.number().nullable(),
      status: z.number().nullable()
    })
  ),
  checks: z.array(z.object({ name: z.string(), status: z.enum(['passed', 'failed', 'skipped']), detail: z.string() })),
  /** From the first leg's start to the last one's end. */
  totalMs: z.number()
})
export type SignInSequence = z.infer<typeof SignInSequence>
