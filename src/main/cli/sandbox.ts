import { startSandboxFor } from '../sandbox'
import { none, parse, portNumber, positiveInt } from './args'
import type { CommandContext } from './context'
import { waitForSignal } from './io'

/** `orgbench sandbox`: the Sandbox org until Ctrl+C, with its environment in the data folder. */
export async function sandbox(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx
  const { values, positionals } = parse(args, {
    port: { type: 'string' },
    reset: { type: 'boolean' },
    'limit-requests': { type: 'string' },
    'limit-window': { type: 'string' },
    'limit-concurrent': { type: 'string' },
    'limit-execution-ms': { type: 'string' }
  })
  none(positionals, 'sandbox [--port N] [--reset] [--limit-requests N] [--limit-window S] [--limit-concurrent N] [--limit-execution-ms N]')
  const int = (name: 'limit-requests' | 'limit-window' | 'limit-concurrent' | 'limit-execution-ms') => (values[name] !== undefined ? positiveInt(values[name], `--${name}`) : undefined)
  const limits = { requests: int('limit-requests'), windowSeconds: int('limit-window'), concurrent: int('limit-concurrent'), executionMs: int('limit-execution-ms') }
  const port = values.port !== undefined ? portNumber(values.port) : 0
  const { server } = await startSandboxFor(await ctx.services(), { dataDir: ctx.dataDir, port })
  try {
    if (values.reset) server.reset()
    const enforced = limits.requests || limits.concurrent || limits.executionMs ? server.setLimits(limits) : null
    const info = server.running!
    io.stdout(JSON.stringify({ ready: true, ...info, environment: 'Sandbox', caCertificatePem: undefined }) + '\n')
    for (const problem of info.problems) io.stderr(`warning: ${problem}\n`)
    io.stderr(
      [
        `Sandbox org at ${info.orgUrl} (Web API ${info.webApiUrl}; authority ${info.authority}).`,
        `  These are HTTPS with the Sandbox's own CA (${info.caFile}), trusted by the "Sandbox" environment only, not by browsers.`,
        `  In a browser, open the sign-in pages on ${info.pagesUrl}: the device code page is ${info.pagesUrl}/devicelogin.`,
        `  From another terminal: ${ctx.self} login --env Sandbox, then ${ctx.self} request --env Sandbox GET '{{webApiUrl}}/WhoAmI'`,
        ...(enforced
          ? [
              `  Service protection limits per user: ${[enforced.requests && `${enforced.requests} requests`, enforced.executionMs && `${enforced.executionMs} ms of execution`].filter(Boolean).join(' and ') || 'no count'} per ${enforced.windowSeconds} s${enforced.concurrent ? `, ${enforced.concurrent} at once` : ''}; past them: 429 with Retry-After.`
            ]
          : []),
        `  Sign in as ${info.user} / ${info.password}. Press Ctrl+C to stop.`
      ].join('\n') + '\n'
    )
    await (io.untilStopped ?? waitForSignal)()
    return 0
  } finally {
    await server.stop()
  }
}
