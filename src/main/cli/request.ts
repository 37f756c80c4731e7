import { HTTP_METHODS, type HttpMethod, type KeyValue } from '../../shared/http'
import { parse, positiveInt, UsageError } from './args'
import type { CommandContext } from './context'
import { readText } from './files'
import { isSignInRequired, notSignedIn } from './words'

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
    'no-auth': { type: 'boolean' }
  })
  if (positionals.length !== 2) throw new UsageError('Usage: orgbench request [--env NAME] METHOD URL')
  const method = positionals[0]!.toUpperCase()
  if (!(HTTP_METHODS as readonly string[]).includes(method)) throw new UsageError(`Unknown method "${positionals[0]}": use one of ${HTTP_METHODS.join(', ')}.`)
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
  const send = () => services.sendRequest('cli', env?.id ?? null, { method: method as HttpMethod, url: positionals[1]!, headers, body }, values['no-auth'] ? { mode: 'none' } : { mode: 'inherit' }, limits)
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
  if (values.include) {
    for (const [k, v] of response.headers) io.stdout(`${k}: ${v}\n`)
    io.stdout('\n')
  }
  io.stdout(response.body.encoding === 'utf8' ? response.body.text : `(binary body, ${response.body.size} bytes, base64)\n${response.body.text}`)
  if (response.body.text && !response.body.text.endsWith('\n')) io.stdout('\n')
  if (response.body.truncated) io.stderr(`warning: the body was cut at ${response.limitBytes} bytes (--max-bytes).\n`)
  return response.status >= 200 && response.status < 300 ? 0 : 1
}
