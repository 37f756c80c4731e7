import type { ErrorCode } from '@shared/errors'

/**
 * What each error code means, in words, for the heading under a failure's message.
 * A Record over every code: a new code does not compile until it has its words here.
 */
export const ERROR_WORDS: Record<ErrorCode, string> = {
  invalid_input: 'The request is not valid',
  not_found: 'Not found',
  conflict: 'Changed elsewhere',
  unknown_variable: 'Undefined variable',
  invalid_url: 'The URL is not valid',
  invalid_json: 'The JSON body is not valid',
  dns_failed: 'Host not found',
  connection_refused: 'Connection refused',
  connection_reset: 'Connection closed',
  tls_error: 'TLS / certificate problem',
  timeout: 'Timed out',
  cancelled: 'Cancelled',
  network_error: 'Network error',
  storage_error: 'Could not read or write a file',
  forbidden: 'Not allowed',
  sign_in_required: 'Sign-in needed',
  sign_in_failed: 'Sign-in failed',
  not_supported: 'Not supported',
  invalid_metadata: 'The org’s metadata could not be read',
  internal: 'Something went wrong in OrgBench'
}

/** Words for a code as it crossed the boundary (an unknown one, from a newer core, still reads as words). */
export function errorWords(code: string): string {
  return (ERROR_WORDS as Record<string, string | undefined>)[code] ?? 'The request failed'
}
