/**
 * `orgbench`: the command line over the same core as the app (no Electron).
 * This entry reads the global options and loads only the command that runs (each in its own module), so that
 * `--version` and `--help` load no dependency at all.
 * Exit codes: 0 success, 1 an HTTP error status, 2 a usage, input, sign-in or network error.
 */
import { setFlagsFromString } from 'node:v8'
import type { Services } from '../core/services'
import { defaultDataDir } from '../core/paths'
import { shellWord, splitGlobal, UsageError } from './args'
import type { Command, CommandContext } from './context'
import { COMMAND_HELP, mainHelp, type CommandName } from './help'
import { processIo, type CliIo } from './io'

export type { CliIo }

const VERSION = '0.1.0'

const COMMANDS: Record<CommandName, () => Promise<Command>> = {
  env: async () => (await import('./env')).env,
  request: async () => (await import('./request')).request,
  metadata: async () => (await import('./metadata')).metadata,
  sandbox: async () => (await import('./sandbox')).sandbox,
  login: async () => (await import('./auth')).login,
  token: async () => (await import('./auth')).token,
  logout: async () => (await import('./auth')).logout,
  collection: async () => (await import('./collection')).collection,
  run: async () => (await import('./run')).run,
  orgs: async () => (await import('./orgs')).orgs,
  doctor: async () => (await import('./doctor')).doctor
}

/** The commands that take `--har FILE` (cli/har.ts, loaded only when it is given). */
const HAR_COMMAND_NAMES: readonly string[] = ['request', 'token', 'login', 'orgs', 'doctor']

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name)
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let services: Services | null = null
  try {
    const global = splitGlobal(argv)
    if (global.version) {
      io.stdout(`orgbench ${VERSION}\n`)
      return 0
    }
    const [command, ...rest] = global.rest
    if (command === 'help' && rest[0] && isCommand(rest[0])) {
      io.stdout(COMMAND_HELP[rest[0]] + '\n')
      return 0
    }
    if (!command || command === 'help' || (global.help && !command)) {
      io.stdout(mainHelp(defaultDataDir(io.env)) + '\n')
      return command || global.help ? 0 : 2
    }
    if (!isCommand(command)) throw new UsageError(`Unknown command "${command}".`)
    if (global.help || rest.includes('--help') || rest.includes('-h')) {
      io.stdout(COMMAND_HELP[command] + '\n')
      return 0
    }
    const dataDir = global.dataDir ?? defaultDataDir(io.env)
    const ctx: CommandContext = {
      io,
      dataDir,
      self: global.dataDir !== undefined ? `orgbench --data-dir ${shellWord(global.dataDir)}` : 'orgbench',
      version: VERSION,
      services: async () => (services ??= (await import('./session')).openServices(dataDir, io, VERSION))
    }
    await import('./jitless')
    const run = await COMMANDS[command]()
    const har = HAR_COMMAND_NAMES.includes(command) && rest.some((a) => a === '--har' || a.startsWith('--har=')) ? await import('./har') : null
    if (!har) return await run(rest, ctx)
    const { file, rest: args } = har.takeHar(rest)
    try {
      return await run(args, ctx)
    } finally {
      // Also after a failure: what was exchanged up to it is what one wants to look at.
      if (file && services) await har.writeHar(file, services, VERSION, io)
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`orgbench: ${error.message}\nRun "orgbench --help" for usage.\n`)
      return 2
    }
    io.stderr((await import('./words')).describeFailure(error))
    return 2
  } finally {
    // Assigned inside the services() closure, which TypeScript's flow analysis does not see.
    await (services as Services | null)?.close()
  }
}

/** Run as the `orgbench` program (bin/orgbench.cjs requires the built file and calls main()). */
export function main(): void {
  // undici parses HTTP with WebAssembly, which V8 recompiles optimised on background threads; a process cannot exit
  // before that is done (200–500 ms after the output). A command ends long before optimised code would pay off.
  setFlagsFromString('--liftoff-only')
  runCli(process.argv.slice(2), processIo()).then(exitWhenFlushed, (error: unknown) => {
    process.stderr.write(`orgbench: ${String(error)}\n`)
    exitWhenFlushed(2)
  })
}

/**
 * The command has answered and closed what it opened: exit once stdout and stderr are flushed, rather than waiting
 * for libraries' idle keep-alive sockets and timers to let go (that took 75–145 ms after the output).
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code
  let pending = 2
  const flushed = () => {
    if (--pending === 0) process.exit(code)
  }
  process.stdout.write('', flushed)
  process.stderr.write('', flushed)
}
