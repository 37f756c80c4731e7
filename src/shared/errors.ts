import { z } from 'zod'

/** Every failure that crosses a process boundary is one of these codes, with a message a person can act on. */
export const ErrorCode = z.enum([
  'invalid_input',
  'not_found',
  'conflict',
  'unknown_variable',
  'invalid_url',
  'invalid_json',
  'dns_failed',
  'connection_refused',
  'connection_reset',
  'tls_error',
  'timeout',
  'cancelled',
  'network_error',
  'storage_error',
  'forbidden',
  'sign_in_required',
  'sign_in_failed',
  'not_supported',
  'invalid_metadata',
  'internal'
])
export type ErrorCode = z.infer<typeof ErrorCode>

export const AppErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  detail: z.unknown().optional()
})
export type AppErrorShape = z.infer<typeof AppErrorShape>

export class AppError extends Error {
  readonly code: ErrorCode
  readonly detail: unknown
  constructor(code: ErrorCode, message: string, detail?: unknown) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.detail = detail
  }
  toShape(): AppErrorShape {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail }
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape }
