/**
 * The request target of an HTTP/1.1 request line (RFC 9112 §3.2), parsed the same way by every listener we run.
 * Pure and total: any string (or none) gives a result, never an exception.
 */

export type TargetForm = 'origin' | 'absolute' | 'asterisk'

export type RequestTarget =
  | {
      ok: true
      form: TargetForm
      /** The target on this listener's own origin: an absolute-form target is rebased, so its host never steers routing. */
      url: URL
      pathname: string
      searchParams: URLSearchParams
      /** The authority an absolute-form target names (it replaces the Host header, RFC 9112 §3.2.2); null otherwise. */
      authority: string | null
    }
  | { ok: false; status: 400 | 414; reason: string }

export interface TargetOptions {
  /** The origin this listener serves, e.g. `http://127.0.0.1:5050`. */
  origin: string
  /** The request method: `*` is a target only for OPTIONS. */
  method?: string | undefined
  /** Longer targets answer 414 (default 8 KiB). */
  maxLength?: number
}

export const MAX_TARGET_LENGTH = 8 * 1024

const VISIBLE_ASCII = /^[\x21-\x7e]*$/
const STRAY_PERCENT = /%(?![0-9A-Fa-f]{2})/
const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//
const AUTHORITY = /^[^/?#@]+:\d*$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

function fail(reason: string): RequestTarget {
  return { ok: false, status: 400, reason }
}

function tryUrl(text: string): URL | null {
  try {
    return new URL(text)
  } catch {
    return null
  }
}

function found(form: TargetForm, url: URL, authority: string | null): RequestTarget {
  return { ok: true, form, url, pathname: url.pathname, searchParams: url.searchParams, authority }
}

/** Percent-encoded bytes must decode to UTF-8: handlers decode segments and values, and must never meet a lone byte. */
function decodesToUtf8(target: string): boolean {
  if (!target.includes('%')) return true
  const bytes: number[] = []
  for (let i = 0; i < target.length; i++) {
    if (target[i] === '%') {
      bytes.push(parseInt(target.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(target.charCodeAt(i))
  }
  try {
    utf8.decode(new Uint8Array(bytes))
    return true
  } catch {
    return false
  }
}

export function parseRequestTarget(target: unknown, options: TargetOptions): RequestTarget {
  try {
    return parse(target, options)
  } catch {
    return fail('The request target could not be read.')
  }
}

function parse(target: unknown, options: TargetOptions): RequestTarget {
  const own = tryUrl(options.origin)
  if (!own) return fail('This listener has no valid origin.')
  const max = options.maxLength ?? MAX_TARGET_LENGTH
  if (typeof target !== 'string' || target === '') return fail('The request has no target.')
  if (target.length > max) return { ok: false, status: 414, reason: `The request target is longer than ${max} characters.` }
  if (!VISIBLE_ASCII.test(target)) return fail('The request target contains a space, a control character or a non-ASCII byte: percent-encode it.')
  if (target.includes('#')) return fail('The request target contains a fragment (#); fragments are never sent to a server.')
  if (STRAY_PERCENT.test(target)) return fail('The request target contains a % that does not start a percent-encoded byte (%XX).')
  if (!decodesToUtf8(target)) return fail('The request target contains percent-encoded bytes that are not UTF-8.')

  if (target === '*') {
    return options.method?.toUpperCase() === 'OPTIONS' ? found('asterisk', new URL('/', own.origin), null) : fail('The target * is only for OPTIONS requests.')
  }
  if (target.startsWith('/')) {
    // Appended to the origin, never resolved against it: "//host/x" is a path here, not another authority.
    const url = tryUrl(own.origin + target)
    if (!url || url.origin !== own.origin) return fail('The request target is not a valid path.')
    return found('origin', url, null)
  }
  const scheme = ABSOLUTE.exec(target)
  if (scheme) {
    if (!/^https?$/i.test(scheme[1]!)) return fail(`Only http and https targets are served (got ${scheme[1]!.toLowerCase()}:).`)
    const absolute = tryUrl(target)
    if (!absolute || !absolute.host) return fail('The absolute request target is not a valid URL.')
    if (absolute.username || absolute.password) return fail('The request target carries credentials (user:password@), which a request line never holds.')
    const url = tryUrl(own.origin + absolute.pathname + absolute.search)
    if (!url || url.origin !== own.origin) return fail('The request target is not a valid path.')
    return found('absolute', url, absolute.host)
  }
  if (AUTHORITY.test(target)) return fail('A host:port target is only for CONNECT, and this listener is not a proxy.')
  return fail('The request target must start with / or be an absolute http URL.')
}
