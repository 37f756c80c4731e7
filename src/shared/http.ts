import { z } from 'zod'

export const HTTP_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'] as const
export const HttpMethod = z.enum(HTTP_METHODS)
export type HttpMethod = z.infer<typeof HttpMethod>

export const KeyValue = z.object({
  key: z.string().max(8192),
  value: z.string().max(1_000_000),
  enabled: z.boolean().default(true)
})
export type KeyValue = z.infer<typeof KeyValue>

export const RequestSpec = z.object({
  method: HttpMethod,
  url: z.string().max(64 * 1024),
  headers: z.array(KeyValue).max(200).default([]),
  body: z.string().max(100 * 1024 * 1024).default('')
})
export type RequestSpec = z.input<typeof RequestSpec>
export type RequestSpecData = z.output<typeof RequestSpec>

/** Header lines as sent or received, in order, duplicates kept. */
export const HeaderList = z.array(z.tuple([z.string(), z.string()]))
export type HeaderList = z.infer<typeof HeaderList>

export const Timings = z.object({
  /** Milliseconds; null when the phase did not happen (a reused connection has no connect). */
  connect: z.number().nullable(),
  tls: z.number().nullable(),
  /** Request start until the first response byte. */
  wait: z.number(),
  receive: z.number(),
  total: z.number()
})
export type Timings = z.infer<typeof Timings>

export const BodyView = z.object({
  /** utf8 text, or base64 for binary content. */
  encoding: z.enum(['utf8', 'base64']),
  text: z.string(),
  /** Bytes received (or sent). */
  size: z.number(),
  /** The body was cut at `limit` bytes; `size` counts what was kept. */
  truncated: z.boolean(),
  contentType: z.string()
})
export type BodyView = z.infer<typeof BodyView>

export const ResponseView = z.object({
  entryId: z.string(),
  status: z.number(),
  statusText: z.string(),
  httpVersion: z.string(),
  url: z.string(),
  headers: HeaderList,
  body: BodyView,
  timings: Timings,
  /** The limit that cut the body, when it did. */
  limitBytes: z.number()
})
export type ResponseView = z.infer<typeof ResponseView>
