import { parseArgs, type ParseArgsConfig } from 'node:util'

/** A mistake in how the command was called: the reason, then a pointer to --help; exit 2. */
export class UsageError extends Error {}

type Option = NonNullable<ParseArgsConfig['options']>[string]
/** What parseArgs gives for each option (written out: the declaration of `parse` must not name Node's internal types). */
export type ParsedValues<O extends Record<string, Option>> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? (O[K] extends { multiple: true } ? boolean[] : boolean) : O[K] extends { multiple: true } ? string[] : string
}

/** Node's parseArgs, strict, with its errors as usage errors. */
export function parse<O extends Record<string, Option>>(args: string[], options: O): { values: ParsedValues<O>; positionals: string[] } {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true } as const) as unknown as { values: ParsedValues<O>; positionals: string[] }
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

export function one(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`Usage: orgbench ${usage}`)
  return positionals[0]!
}

export function none(positionals: string[], usage: string): void {
  if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}". Usage: orgbench ${usage}`)
}

export function positiveInt(text: string, name: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} takes a positive whole number (got "${text}").`)
  return n
}

export function portNumber(text: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port takes a port number from 0 to 65535 (got "${text}").`)
  return n
}

export interface GlobalArgs {
  dataDir?: string
  help: boolean
  version: boolean
  /** The command and its arguments. */
  rest: string[]
}

/** The global options: before the command, and --data-dir after it too. */
export function splitGlobal(argv: string[]): GlobalArgs {
  let dataDir: string | undefined
  let help = false
  let version = false
  let i = 0
  for (; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--data-dir') {
      dataDir = argv[++i]
      if (!dataDir) throw new UsageError('--data-dir needs a folder.')
    } else if (arg.startsWith('--data-dir=')) dataDir = arg.slice('--data-dir='.length)
    else if (arg === '--help' || arg === '-h') help = true
    else if (arg === '--version') version = true
    else break
  }
  const rest = argv.slice(i)
  const at = rest.indexOf('--data-dir')
  if (at > 0) {
    dataDir = rest[at + 1]
    if (!dataDir) throw new UsageError('--data-dir needs a folder.')
    rest.splice(at, 2)
  }
  return { ...(dataDir !== undefined ? { dataDir } : {}), help, version, rest }
}

/** An argument as a POSIX shell reads it back, for the commands we suggest. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}
