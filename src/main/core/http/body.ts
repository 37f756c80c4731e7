import type * as JsonModule from '../../../shared/json'
import { loadLazily } from '../lazy'
/** Content types we show as text. Anything else is binary unless its bytes say otherwise. */
const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|http|graphql|yaml)|multipart\/mixed)/i

export function isTextual(contentType: string, sample: Uint8Array): boolean {
  if (contentType) return TEXTUAL.test(contentType.trim())
  // No content type: text if the first bytes hold no NUL and decode as UTF-8.
  const head = sample.subarray(0, 1024)
  if (head.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head)
    return true
  } catch {
    // A multi-byte character cut at the sample boundary is still text.
    return head.length === 1024
  }
}

export function decodeBody(bytes: Uint8Array, contentType: string): { encoding: 'utf8' | 'base64'; text: string } {
  if (isTextual(contentType, bytes)) return { encoding: 'utf8', text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') }
  return { encoding: 'base64', text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') }
}

/**
 * The JSON body's first syntax error, as the body editor marks it (shared/json.ts), or null when it is valid.
 * JSON.parse accepts a valid body quickly; jsonc-parser, which says where and why, is loaded for an invalid one.
 */
export async function findJsonError(text: string): Promise<JsonSyntaxError | null> {
  try {
    JSON.parse(text)
    return null
  } catch {
    return (await loadJsonModule()).findJsonError(text)
  }
}

export type JsonSyntaxError = NonNullable<ReturnType<typeof JsonModule.findJsonError>>

function loadJsonModule(): Promise<typeof JsonModule> {
  return loadLazily(() => import('../../../shared/json'), '../../shared/json')
}

export function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase()
  for (const [k, v] of headers) if (k.toLowerCase() === lower) return v
  return undefined
}
