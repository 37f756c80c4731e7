/**
 * `orgbench`: the command line over the same core as the app (no Electron).
 * Exit codes: 0 success (2xx), 1 an HTTP error status, 2 a usage, input or network error.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { AppError } from '../shared/errors'
import { HTTP_METHODS, type HttpMethod, type KeyValue } from '../shared/http'
import { defaultDataDir } from './core/paths'
import { Services } from './core/services'
import { spawn } from 'node:child_process'
import type { ProfileOverrides } from './core/auth/service'
import { keyFileSecretBox } from './core/store/secretBox'
import { startSandboxFor } from './sandbox'

const VERSION = '0.1.0'

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  readStdin: () => Promise<string>
  env: NodeJS.ProcessEnv
  /** Resolves when the user asks a long-running command (orgbench sandbox) to stop: Ctrl+C. */
  untilStopped?: () => Promise<void>
  /** Opens the system browser for interactive sign-ins (default: the OS opener). */
  openBrowser?: (url: string) => Promise<void>
  /** Reads a secret without echoing it (default: stdin, hidden when it is a terminal). */
  readSecret?: (prompt: string) => Promise<string>
}

class UsageError extends Error {}

const HELP = {
  main: `orgbench — the OrgBench command line (same environments and core as the desktop app)

Usage:
  orgbench [--data-dir DIR] env list|show|import|export …
  orgbench [--data-dir DIR] request [--env NAME] METHOD URL [-H 'K: V']… [-d BODY] [-i]
  orgbench [--data-dir DIR] sandbox [--port N] [--reset]
  orgbench [--data-dir DIR] token --env NAME [--json] [overrides]
  orgbench [--data-dir DIR] login --env NAME | logout --env NAME

Options:
  --data-dir DIR   where environments live (default: ${defaultDataDir()}; or ORGBENCH_DATA_DIR)
  -h, --help       help for any command (orgbench env --help, orgbench request --help)
  --version        print the version

Exit codes: 0 success, 1 HTTP error status, 2 usage, input or network error.`,
  env: `orgbench env — manage environments

Usage:
  orgbench env list [--json]                  list environments
  orgbench env show NAME [--json]             show one environment (secrets are never printed)
  orgbench env import FILE                    import an environment file (FILE or - for stdin); same name replaces
  orgbench env export NAME [-o FILE] [--include-secrets]
                                              write an environment file (secret values left out unless asked)`,
  request: `orgbench request — send one HTTP request

Usage:
  orgbench request [--env NAME] METHOD URL [-H 'Key: Value']… [-d BODY|@FILE|@-] [-i] [--timeout MS]

  {{variables}} in the URL, headers and body come from the environment; {{orgUrl}} and {{webApiUrl}} always exist.
  -i, --include    print the response headers before the body
  --no-auth        do not attach the environment's token (it is attached by default, signing in if needed)
  --timeout MS     give up after MS milliseconds (default: the app's setting, 30000)
  --max-bytes N    keep at most N bytes of the response body (default 52428800)

Prints the status line to stderr, the body to stdout. Exit 0 for 2xx, 1 for another status, 2 for errors.`,
  sandbox: `orgbench sandbox — run the built-in Sandbox org (emulated Entra ID + Dataverse Web API) on 127.0.0.1

Usage:
  orgbench [--data-dir DIR] sandbox [--port N] [--reset]

  --port N    listen on port N (default: a free port)
  --reset     put the org's rows back to the seed before starting

Prints one JSON line when ready: the org URL, the authority, the CA file, and the demo clients, secret, user and
password. Creates or updates the "Sandbox" environment in the data folder, so
  orgbench request --env Sandbox GET '{{webApiUrl}}/WhoAmI'
works from another terminal. Ctrl+C stops it.`,
  token: `orgbench token — print an access token for an environment, signing in as its profile requires

Usage:
  orgbench token --env NAME [--json] [--grant G] [--client-id ID] [--client-secret-stdin]
                 [--certificate FILE [--key FILE]] [--scope S] [--tenant T] [--force-refresh]

  Prints the access token (or, with --json, token, expiry, scopes, account and grant). A valid cached token is
  used; an expiring one is refreshed. Interactive grants open the browser; device code prints the code.
  The options override the environment's profile for this call only (nothing is saved):
  --grant               authorization_code, implicit, client_credentials, password, device_code
  --client-secret-stdin read the client secret from standard input (never echoed, logged or stored)
  --certificate FILE    PEM certificate (may also hold the private key); --key FILE for a separate key
  Exit 0 with a token, 2 when signing in fails (the reason and the fix on stderr).`,
  login: `orgbench login — sign in to an environment with its profile, and keep the tokens (encrypted)

Usage:
  orgbench login --env NAME`,
  logout: `orgbench logout — forget an environment's tokens

Usage:
  orgbench logout --env NAME`
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true } as const)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
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
    if (!command || command === 'help' || (global.help && !command)) {
      io.stdout(HELP.main + '\n')
      return command || global.help ? 0 : 2
    }
    if (!['env', 'request', 'sandbox', 'token', 'login', 'logout'].includes(command)) throw new UsageError(`Unknown command "${command}".`)
    if (global.help || rest.includes('--help') || rest.includes('-h')) {
      io.stdout(HELP[command as keyof typeof HELP] + '\n')
      return 0
    }
    const dataDir = global.dataDir ?? defaultDataDir(io.env)
    const openBrowser = io.openBrowser ?? systemOpener(io)
    services = new Services({ dataDir, secretBox: keyFileSecretBox(dataDir), appVersion: VERSION, log: { error: (m, e) => io.stderr(`${m}: ${String(e)}\n`) }, openBrowser })
    services.events.on('auth.progress', (p) => {
      if (p.step === 'device-code' && p.deviceCode) io.stderr(`${p.deviceCode.message}\n`)
      if (p.step === 'browser' && p.authorizeUrl) io.stderr(`Sign in in your browser. If none opened, open:\n  ${p.authorizeUrl}\n`)
    })
    if (command === 'sandbox') return await sandboxCommand(services, dataDir, rest, io)
    if (command === 'token' || command === 'login' || command === 'logout') return await authCommand(command, services, rest, io)
    return command === 'env' ? await envCommand(services, rest, io) : await requestCommand(services, rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`orgbench: ${error.message}\nRun "orgbench --help" for usage.\n`)
      return 2
    }
    if (error instanceof AppError) {
      io.stderr(`orgbench: ${error.message}\n`)
      const explanation = (error.detail as { explanation?: { fix: string; code: string } } | undefined)?.explanation
      if (explanation) io.stderr(`Fix (${explanation.code}): ${explanation.fix}\n`)
      return 2
    }
    io.stderr(`orgbench: ${(error as Error)?.stack ?? String(error)}\n`)
    return 2
  } finally {
    await services?.close()
  }
}

/** Global options may come before the command. */
function splitGlobal(argv: string[]): { dataDir?: string; help: boolean; version: boolean; rest: string[] } {
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
  // --data-dir may also follow the command.
  const at = rest.indexOf('--data-dir')
  if (at > 0) {
    dataDir = rest[at + 1]
    if (!dataDir) throw new UsageError('--data-dir needs a folder.')
    rest.splice(at, 2)
  }
  return { ...(dataDir !== undefined ? { dataDir } : {}), help, version, rest }
}

async function envCommand(services: Services, args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parse(rest, {
    json: { type: 'boolean' },
    'include-secrets': { type: 'boolean' },
    output: { type: 'string', short: 'o' }
  })
  switch (sub) {
    case 'list': {
      const { environments, problems } = await services.listEnvironments()
      if (values.json) io.stdout(JSON.stringify(environments.map((e) => ({ id: e.id, name: e.name, orgUrl: e.orgUrl, grant: e.auth.grant })), null, 2) + '\n')
      else if (environments.length === 0) io.stdout('No environments yet. Create one in the app or with "orgbench env import FILE".\n')
      else {
        const width = Math.max(4, ...environments.map((e) => e.name.length))
        io.stdout(`${'NAME'.padEnd(width)}  ${'ORG URL'.padEnd(40)}  GRANT\n`)
        for (const e of environments) io.stdout(`${e.name.padEnd(width)}  ${e.orgUrl.padEnd(40)}  ${e.auth.grant}\n`)
      }
      for (const p of problems) io.stderr(`warning: ${p.file} could not be read (${p.reason})${p.movedTo ? `; moved to ${p.movedTo}` : ''}\n`)
      return 0
    }
    case 'show': {
      const name = one(positionals, 'env show NAME')
      const env = await services.environments.get((await services.environments.find(name)).id)
      if (values.json) {
        io.stdout(JSON.stringify(env, null, 2) + '\n')
        return 0
      }
      io.stdout(`Name:      ${env.name}${env.label ? ` [${env.label}]` : ''}\nId:        ${env.id}\nOrg URL:   ${env.orgUrl}\nCloud:     ${env.cloud}${env.authorityUrl ? ` (${env.authorityUrl})` : ''}\nTenant:    ${env.tenant || '(not set)'}\nSign-in:   ${env.auth.grant}${'clientId' in env.auth && env.auth.clientId ? ` (client ${env.auth.clientId})` : ''}\nCA cert:   ${env.caCertificatePem ? 'yes' : 'no'}\n`)
      if (env.variables.length) {
        io.stdout('Variables:\n')
        for (const v of env.variables) io.stdout(`  ${v.enabled ? ' ' : '#'} ${v.key} = ${v.secret ? (v.isSet ? '•••••• (secret)' : '(secret, empty)') : v.value}\n`)
      }
      return 0
    }
    case 'import': {
      const file = one(positionals, 'env import FILE')
      const text = file === '-' ? await io.readStdin() : readText(file)
      let raw: unknown
      try {
        raw = JSON.parse(text)
      } catch (error) {
        throw new AppError('invalid_json', `${file === '-' ? 'Standard input' : file} is not valid JSON: ${(error as Error).message}`)
      }
      const { environment, replaced } = await services.environments.importPortable(raw)
      io.stdout(`${replaced ? 'Replaced' : 'Imported'} environment "${environment.name}" (${environment.id}).\n`)
      return 0
    }
    case 'export': {
      const name = one(positionals, 'env export NAME')
      const portable = await services.environments.exportPortable(name, Boolean(values['include-secrets']))
      const text = JSON.stringify(portable, null, 2) + '\n'
      if (values.output) {
        writeFileSync(values.output, text, { mode: 0o600 })
        io.stderr(`Wrote ${values.output}${values['include-secrets'] ? ' (contains secrets in plain text: keep it safe)' : ''}.\n`)
      } else io.stdout(text)
      return 0
    }
    default:
      throw new UsageError(sub ? `Unknown env command "${sub}".` : 'Which env command? list, show, import or export.')
  }
}

function one(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`Usage: orgbench ${usage}`)
  return positionals[0]!
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new AppError('not_found', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
}

async function requestCommand(services: Services, args: string[], io: CliIo): Promise<number> {
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
  let body = values.data ?? ''
  if (body.startsWith('@')) body = body === '@-' ? await io.readStdin() : readText(body.slice(1))
  const settings = await services.settings.get()
  const timeoutMs = values.timeout !== undefined ? positiveInt(values.timeout, '--timeout') : settings.requestTimeoutMs
  const maxResponseBytes = values['max-bytes'] !== undefined ? positiveInt(values['max-bytes'], '--max-bytes') : settings.maxResponseBytes
  const environmentId = values.env ? (await services.environments.find(values.env)).id : null
  const response = await services.sendRequest('cli', environmentId, { method: method as HttpMethod, url: positionals[1]!, headers, body }, values['no-auth'] ? { mode: 'none' } : { mode: 'inherit' }, { timeoutMs, maxResponseBytes })
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

async function sandboxCommand(services: Services, dataDir: string, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { port: { type: 'string' }, reset: { type: 'boolean' } })
  if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}". Usage: orgbench sandbox [--port N] [--reset]`)
  const port = values.port !== undefined ? portNumber(values.port) : 0
  const { server } = await startSandboxFor(services, { dataDir, port })
  try {
    if (values.reset) server.reset()
    const info = server.running!
    io.stdout(JSON.stringify({ ready: true, ...info, environment: 'Sandbox', caCertificatePem: undefined }) + '\n')
    for (const problem of info.problems) io.stderr(`warning: ${problem}\n`)
    io.stderr(`Sandbox org at ${info.orgUrl} (sign in at ${info.authority}). Press Ctrl+C to stop.\n`)
    await (io.untilStopped ?? waitForSignal)()
    return 0
  } finally {
    await server.stop()
  }
}

async function authCommand(command: 'token' | 'login' | 'logout', services: Services, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    env: { type: 'string', short: 'e' },
    json: { type: 'boolean' },
    grant: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret-stdin': { type: 'boolean' },
    certificate: { type: 'string' },
    key: { type: 'string' },
    scope: { type: 'string' },
    tenant: { type: 'string' },
    'force-refresh': { type: 'boolean' }
  })
  if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}".`)
  if (!values.env) throw new UsageError(`Usage: orgbench ${command} --env NAME`)
  const env = await services.environments.find(values.env)
  if (command === 'logout') {
    const had = await services.auth.signOut(env.id)
    io.stderr(had ? `Signed out of "${env.name}": its tokens are deleted.\n` : `"${env.name}" had no tokens.\n`)
    return 0
  }
  const grants = ['authorization_code', 'implicit', 'client_credentials', 'password', 'device_code']
  if (values.grant !== undefined && !grants.includes(values.grant)) throw new UsageError(`--grant takes one of ${grants.join(', ')} (got "${values.grant}").`)
  const overrides: ProfileOverrides = {}
  if (values.grant) overrides.grant = values.grant as ProfileOverrides['grant']
  if (values['client-id']) overrides.clientId = values['client-id']
  if (values.scope) overrides.scopes = values.scope
  if (values.tenant) overrides.tenant = values.tenant
  if (values['client-secret-stdin']) {
    const secret = (await (io.readSecret ?? readHiddenSecret(io))('Client secret: ')).trim()
    if (!secret) throw new UsageError('--client-secret-stdin read an empty secret.')
    overrides.clientSecret = secret
  }
  if (values.certificate) {
    const pem = readText(values.certificate)
    if (!pem.includes('BEGIN CERTIFICATE')) throw new AppError('invalid_input', `${values.certificate} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`)
    overrides.certificatePem = pem
    const key = values.key ? readText(values.key) : pem
    if (!key.includes('PRIVATE KEY')) throw new AppError('invalid_input', `No private key: put it in ${values.certificate} or pass --key FILE.`)
    overrides.privateKeyPem = key
  }
  const fresh = command === 'login' || Object.keys(overrides).length > 0
  let token: string
  if (fresh) {
    const view = await services.auth.signIn(env.id, undefined, overrides)
    token = await services.auth.rawAccessToken(env.id)
    if (command === 'login') {
      io.stderr(`Signed in to "${env.name}"${view.account ? ` as ${view.account.username}` : ''} (${view.grant}); the token expires ${view.expiresAt ? new Date(view.expiresAt * 1000).toLocaleString() : 'never'}.\n`)
      return 0
    }
  } else {
    token = await services.auth.accessToken(env.id, { forceRefresh: Boolean(values['force-refresh']) })
  }
  if (!values.json) {
    io.stdout(token + '\n')
    return 0
  }
  const view = await services.auth.status(env.id)
  io.stdout(
    JSON.stringify(
      { accessToken: token, tokenType: 'Bearer', expiresOn: view?.expiresAt ? new Date(view.expiresAt * 1000).toISOString() : null, scopes: view?.scopes ?? [], grant: view?.grant ?? null, account: view?.account ?? null },
      null,
      2
    ) + '\n'
  )
  return 0
}

/** The OS's way to open a URL in the default browser; the URL is printed too, for headless machines. */
function systemOpener(io: CliIo): (url: string) => Promise<void> {
  return async (url) => {
    const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]] : ['xdg-open', [url]]
    await new Promise<void>((resolve) => {
      const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true })
      child.on('error', () => {
        io.stderr('(No browser could be opened here: open the URL above yourself.)\n')
        resolve()
      })
      child.on('spawn', () => {
        child.unref()
        resolve()
      })
    })
  }
}

/** Read a secret from stdin; on a terminal, without echo. */
function readHiddenSecret(io: CliIo): (prompt: string) => Promise<string> {
  return async (prompt) => {
    if (!process.stdin.isTTY) return io.readStdin()
    io.stderr(prompt)
    return new Promise((resolve) => {
      let value = ''
      process.stdin.setRawMode(true)
      process.stdin.resume()
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            process.stdin.setRawMode(false)
            process.stdin.pause()
            process.stdin.off('data', onData)
            io.stderr('\n')
            resolve(value)
            return
          }
          if (ch === '\u0003') process.exit(130)
          value = ch === '\u007f' ? value.slice(0, -1) : value + ch
        }
      }
      process.stdin.on('data', onData)
    })
  }
}

function portNumber(text: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port takes a port number from 0 to 65535 (got "${text}").`)
  return n
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      resolve()
    }
    process.once('SIGINT', done)
    process.once('SIGTERM', done)
  })
}

function positiveInt(text: string, name: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} takes a positive whole number (got "${text}").`)
  return n
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    process.stdin.on('data', (c: Buffer) => chunks.push(c))
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    process.stdin.on('error', reject)
  })
}

// Run when executed directly (bin/orgbench.cjs requires the built file and calls main()).
export function main(): void {
  runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin,
    env: process.env
  }).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`orgbench: ${String(error)}\n`)
      process.exitCode = 2
    }
  )
}
