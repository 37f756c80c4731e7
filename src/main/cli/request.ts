import { HTTP_METHODS, type HttpMethod, type KeyValue, type ResponseView } from '../../shared/http'
import { parse, positiveInt, UsageError } from './args'
import type { CommandContext } from './context'
import { readText } from './files'
import { isSignInRequired, notSignedIn } from './words'
import { nextPage } from '../../shared/paging'

/** `orgbench request`: one HTTP request, status on stderr, body on stdout. */
export async function request(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx
  const { values, positionals } = parse(args, {
    env: { type: 'string', short: 'e' },
    header: { type: 'string', short: 'H', multiple: true },
    data: { type: 'string', short: 'd' },
    include: { type: 'boolean', short: 'i' },
    timeout: { type: 'string' },
    'max-bytes': { type: 'string' },
    'no-auth': { type: 'boolean' },
    all: { type: 'boolean' },
    'max-rows': { type: 'string' }
  })
  if (positionals.length !== 2) throw new UsageError('Usage: orgbench request [--env NAME] METHOD URL')
  const method = positionals[0]!.toUpperCase()
  if (!(HTTP_METHODS as readonly string[]).includes(method)) throw new UsageError(`Unknown method "${positionals[0]}": use one of ${HTTP_METHODS.join(', ')}.`)
  if (values.all && method !== 'GET') throw new UsageError('--all follows @odata.nextLink (or a FetchXML query\'s paging cookie) page after page: use it with GET.')
  if (values.all && values.include) throw new UsageError('--all prints the records of every page as one JSON array: it has no headers to include (-i).')
  const maxRowsArg = values['max-rows'] !== undefined ? positiveInt(values['max-rows'], '--max-rows') : undefined
  const headers: KeyValue[] = (values.header ?? []).map((h) => {
    const colon = h.indexOf(':')
    if (colon <= 0) throw new UsageError(`Header "${h}" must look like 'Name: value'.`)
    return { key: h.slice(0, colon).trim(), value: h.slice(colon + 1).trim(), enabled: true }
  })
  const timeoutArg = values.timeout !== undefined ? positiveInt(values.timeout, '--timeout') : undefined
  const maxBytesArg = values['max-bytes'] !== undefined ? positiveInt(values['max-bytes'], '--max-bytes') : undefined
  let body = values.data ?? ''
  if (body.startsWith('@')) body = body === '@-' ? await io.readStdin() : readText(body.slice(1))

  const services = await ctx.services()
  const settings = await services.settings.get()
  const limits = { timeoutMs: timeoutArg ?? settings.requestTimeoutMs, maxResponseBytes: maxBytesArg ?? settings.maxResponseBytes }
  const env = values.env ? await services.environments.find(values.env) : null
  const send = (url = positionals[1]!) => services.sendRequest('cli', env?.id ?? null, { method: method as HttpMethod, url, headers, body }, values['no-auth'] ? { mode: 'none' } : { mode: 'inherit' }, limits)
  let response: Awaited<ReturnType<typeof send>>
  try {
    response = await send()
  } catch (error) {
    // Raised before anything was sent: the environment has no token that can be had silently.
    if (!env || !isSignInRequired(error)) throw error
    if (env.auth.grant !== 'password') throw notSignedIn(ctx, env)
    await services.auth.signIn(env.id)
    response = await send()
  }
  io.stderr(`HTTP/${response.httpVersion} ${response.status} ${response.statusText}  (${Math.round(response.timings.total)} ms, ${response.body.size} bytes)\n`)
  if (values.all && response.status >= 200 && response.status < 300) return printAll(response, send, maxRowsArg ?? settings.fetchAllMaxRows, ctx)
  if (values.include) {
    for (const [k, v] of response.headers) io.stdout(`${k}: ${v}\n`)
    io.stdout('\n')
  }
  io.stdout(response.body.encoding === 'utf8' ? response.body.text : `(binary body, ${response.body.size} bytes, base64)\n${response.body.text}`)
  if (response.body.text && !response.body.text.endsWith('\n')) io.stdout('\n')
  if (response.body.truncated) io.stderr(`warning: the body was cut at ${response.limitBytes} bytes (--max-bytes).\n`)
  return response.status >= 200 && response.status < 300 ? 0 : 1
}

type Answer = ResponseView

const wait = (ms: number) => new Promise((done) => setTimeout(done, ms))

/** Seconds from a Retry-After header (seconds or an HTTP date). */
function retryAfter(answer: Answer): number | null {
  const value = answer.headers.find(([k]) => k.toLowerCase() === 'retry-after')?.[1]?.trim()
  if (!value) return null
  if (/^\d+$/.test(value)) return Number(value)
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000))
}

/**
 * `--all`: the records of every page as one JSON array on stdout. Each `@odata.nextLink` is sent exactly as the
 * page gave it (a FetchXML query is sent again with the page's paging cookie), with the same headers (Prefer: odata.maxpagesize included); progress on stderr; a 429 is waited
 * out as its Retry-After says (three times at most); it stops at --max-rows (default: the app's row cap).
 */
async function printAll(first: Answer, send: (url: string) => Promise<Answer>, maxRows: number, ctx: CommandContext): Promise<number> {
  const { io } = ctx
  const rows: unknown[] = []
  let answer = first
  for (let page = 1; ; page++) {
    if (answer.body.truncated) {
      io.stderr(`error: page ${page} was cut at ${answer.limitBytes} bytes: raise --max-bytes to read whole pages.\n`)
      return 2
    }
    let json: { value?: unknown; '@odata.nextLink'?: unknown; '@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'?: unknown; '@Microsoft.Dynamics.CRM.morerecords'?: unknown }
    try {
      json = JSON.parse(answer.body.text) as typeof json
    } catch {
      io.stderr(`error: page ${page} is not JSON: --all reads OData collections (value: [...]).\n`)
      return 2
    }
    if (!json || !Array.isArray(json.value)) {
      io.stderr(`error: page ${page} holds no list of records (value: [...]): --all is for collections.\n`)
      return 2
    }
    const take = json.value.slice(0, Math.max(maxRows - rows.length, 0))
    for (const r of take) rows.push(r)
    // The next link as given, or a FetchXML query again with the answer's paging cookie.
    const following = nextPage(answer.url, {
      nextLink: typeof json['@odata.nextLink'] === 'string' ? json['@odata.nextLink'] : null,
      pagingCookie: typeof json['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'] === 'string' ? json['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'] : null,
      moreRecords: json['@Microsoft.Dynamics.CRM.morerecords'] === true
    })
    if (following && 'problem' in following) {
      io.stderr(`error: page ${page} says more records follow, but: ${following.problem}\n`)
      return 1
    }
    const next = following?.url ?? null
    io.stderr(`page ${page}: ${take.length} rows (${rows.length} so far)${next ? '' : ', the last'}\n`)
    if (!next) break
    if (rows.length >= maxRows) {
      io.stderr(`warning: stopped at ${maxRows} rows (--max-rows, or the app's row cap); more pages follow.\n`)
      break
    }
    for (let attempt = 0; ; attempt++) {
      answer = await send(next)
      const seconds = answer.status === 429 ? retryAfter(answer) : null
      if (seconds === null || attempt >= 3) break
      io.stderr(`page ${page + 1}: 429 Too Many Requests (service protection limit): waiting ${seconds} s as Retry-After says\n`)
      await wait(seconds * 1000)
    }
    if (answer.status < 200 || answer.status >= 300) {
      io.stderr(`error: page ${page + 1} answered HTTP ${answer.status} ${answer.statusText}; nothing printed.\n${answer.body.encoding === 'utf8' ? answer.body.text.slice(0, 2000) : ''}\n`)
      return 1
    }
  }
  io.stdout(JSON.stringify(rows) + '\n')
  return 0
}
