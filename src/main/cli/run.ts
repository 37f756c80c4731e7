import { stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import type { FolderNode, SavedRequestData } from '../../shared/collections'
import { AppError } from '../../shared/errors'
import { one, parse, positiveInt } from './args'
import type { CommandContext } from './context'
import { isSignInRequired, notSignedIn } from './words'

/**
 * `orgbench run DIR|FILE --env NAME`: sends a collection's requests in the order of its tree (or one request file)
 * and prints one line each: status, time, method, path. Exit 1 when any answered other than 2xx or failed.
 */
export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx
  const { values, positionals } = parse(args, {
    env: { type: 'string', short: 'e' },
    timeout: { type: 'string' },
    bail: { type: 'boolean' }
  })
  const target = resolve(one(positionals, 'run DIR|FILE [--env NAME] [--timeout MS] [--bail]'))
  const timeoutMs = values.timeout !== undefined ? positiveInt(values.timeout, '--timeout') : undefined
  const info = await stat(target).catch(() => null)
  if (!info) throw new AppError('not_found', `${target} does not exist: give a collection's folder or a .request.yaml file.`)
  const { REQUEST_SUFFIX } = await import('../core/collections/format')
  if (info.isFile() && !target.endsWith(REQUEST_SUFFIX)) throw new AppError('invalid_input', `${target} is not a request file (its name ends with ${REQUEST_SUFFIX}).`)
  const dir = info.isDirectory() ? target : dirname(target)
  const services = await ctx.services()
  const c = await services.collections.get(dir)
  const paths = info.isDirectory() ? requestsInOrder(c.tree().root) : [basename(target)]
  for (const p of c.tree().problems) io.stderr(`warning: ${p.path} skipped: ${p.reason}\n`)
  if (!paths.length) {
    io.stderr(`No requests in ${dir}.\n`)
    return 0
  }
  const env = values.env ? await services.environments.find(values.env) : null
  const settings = await services.settings.get()
  let failed = 0
  const width = Math.max(...paths.map((p) => p.length))
  for (const [i, path] of paths.entries()) {
    let request: SavedRequestData
    try {
      request = (await c.read(path)).request
    } catch (error) {
      failed++
      io.stdout(`ERR   ${'-'.padStart(7)}  ${path.padEnd(width)}  ${(error as Error).message}\n`)
      if (values.bail) break
      continue
    }
    // A bearer token saved as {{variable}} is substituted like any header value.
    const send = () => services.sendRequest(`run-${i}`, env?.id ?? null, request, request.auth, { timeoutMs: timeoutMs ?? settings.requestTimeoutMs }, { collection: { dir: c.dir, path }, name: request.name })
    try {
      let response
      try {
        response = await send()
      } catch (error) {
        if (!env || !isSignInRequired(error)) throw error
        if (env.auth.grant !== 'password') throw notSignedIn(ctx, env)
        await services.auth.signIn(env.id)
        response = await send()
      }
      const ok = response.status >= 200 && response.status < 300
      if (!ok) failed++
      io.stdout(`${String(response.status).padEnd(5)} ${`${Math.round(response.timings.total)} ms`.padStart(7)}  ${request.method.padEnd(6)} ${path}\n`)
    } catch (error) {
      if (isSignInRequired(error)) throw error
      failed++
      io.stdout(`ERR   ${'-'.padStart(7)}  ${request.method.padEnd(6)} ${path.padEnd(width)}  ${(error as Error).message.split('\n')[0]}\n`)
    }
    if (failed && values.bail) break
  }
  io.stderr(`${paths.length} request${paths.length === 1 ? '' : 's'}, ${failed} failed.\n`)
  return failed ? 1 : 0
}

function requestsInOrder(folder: FolderNode): string[] {
  return folder.children.flatMap((c) => (c.kind === 'folder' ? requestsInOrder(c) : [c.path]))
}
