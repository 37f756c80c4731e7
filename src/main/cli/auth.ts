import type { TokenView } from '../../shared/auth'
import { AppError } from '../../shared/errors'
import type { ProfileOverrides } from '../core/auth/service'
import type { Services } from '../core/services'
import type { StoredEnvironment } from '../core/store/environments'
import { none, parse, UsageError } from './args'
import type { CommandContext } from './context'
import { readText } from './files'
import { GRANT_NAMES } from './help'
import { readHiddenSecret } from './io'
import { INTERACTIVE_GRANTS, isSignInRequired, noProfile, notSignedIn } from './words'

const OVERRIDE_OPTIONS = {
  grant: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret-stdin': { type: 'boolean' },
  certificate: { type: 'string' },
  key: { type: 'string' },
  scope: { type: 'string' },
  tenant: { type: 'string' }
} as const

/** `orgbench login`: sign in and keep the tokens. */
export async function login(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, { env: { type: 'string', short: 'e' }, ...OVERRIDE_OPTIONS })
  none(positionals, 'login --env NAME [--grant G] [overrides]')
  const { services, env } = await environment(ctx, values.env, 'login')
  const overrides = await overridesFrom(values, ctx)
  if (env.auth.grant === 'none' && !overrides.grant) throw noProfile(ctx, env.name)
  const view = await services.auth.signIn(env.id, undefined, overrides)
  ctx.io.stderr(`Signed in to "${env.name}"${view.account ? ` as ${view.account.username}` : ''} (${view.grant}); the token expires ${view.expiresAt ? new Date(view.expiresAt * 1000).toLocaleString() : 'never'}.\n`)
  return 0
}

/** `orgbench token`: a valid access token on stdout, signing in when there is none. */
export async function token(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, {
    env: { type: 'string', short: 'e' },
    json: { type: 'boolean' },
    'non-interactive': { type: 'boolean' },
    'force-refresh': { type: 'boolean' },
    ...OVERRIDE_OPTIONS
  })
  none(positionals, 'token --env NAME [--json] [--non-interactive] [overrides]')
  const { services, env } = await environment(ctx, values.env, 'token')
  const overrides = await overridesFrom(values, ctx)
  const grant = overrides.grant ?? env.auth.grant
  const nonInteractive = Boolean(values['non-interactive'])
  if (grant === 'none') throw noProfile(ctx, env.name)
  let accessToken: string
  let view: TokenView | null = null
  if (Object.keys(overrides).length > 0) {
    if (nonInteractive && INTERACTIVE_GRANTS.includes(grant)) throw new UsageError(`--non-interactive: the ${grant} grant needs a person to sign in.`)
    // For this call only: the environment's saved tokens are neither used nor replaced.
    ;({ accessToken, view } = await services.auth.oneOffToken(env.id, overrides))
  } else {
    try {
      accessToken = await services.auth.accessToken(env.id, { forceRefresh: Boolean(values['force-refresh']) })
    } catch (error) {
      // Nothing in the cache, or nothing it can be refreshed with: sign in, unless that needs a person and none may be asked.
      if (!isSignInRequired(error)) throw error
      if (nonInteractive && INTERACTIVE_GRANTS.includes(grant)) throw notSignedIn(ctx, env)
      await services.auth.signIn(env.id)
      accessToken = await services.auth.rawAccessToken(env.id)
    }
  }
  if (!values.json) {
    ctx.io.stdout(accessToken + '\n')
    return 0
  }
  view ??= await services.auth.status(env.id)
  const described = { accessToken, tokenType: 'Bearer', expiresOn: view?.expiresAt ? new Date(view.expiresAt * 1000).toISOString() : null, scopes: view?.scopes ?? [], grant: view?.grant ?? null, account: view?.account ?? null }
  ctx.io.stdout(JSON.stringify(described, null, 2) + '\n')
  return 0
}

/** `orgbench logout`: delete the environment's tokens. */
export async function logout(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, { env: { type: 'string', short: 'e' } })
  none(positionals, 'logout --env NAME')
  const { services, env } = await environment(ctx, values.env, 'logout')
  const had = await services.auth.signOut(env.id)
  ctx.io.stderr(had ? `Signed out of "${env.name}": its tokens are deleted.\n` : `"${env.name}" had no tokens.\n`)
  return 0
}

async function environment(ctx: CommandContext, name: string | undefined, command: string): Promise<{ services: Services; env: StoredEnvironment }> {
  if (!name) throw new UsageError(`Usage: orgbench ${command} --env NAME`)
  const services = await ctx.services()
  return { services, env: await services.environments.find(name) }
}

type OverrideValues = { [K in keyof typeof OVERRIDE_OPTIONS]?: (typeof OVERRIDE_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string }

async function overridesFrom(values: OverrideValues, ctx: CommandContext): Promise<ProfileOverrides> {
  if (values.grant !== undefined && !(GRANT_NAMES as readonly string[]).includes(values.grant)) throw new UsageError(`--grant takes one of ${GRANT_NAMES.join(', ')} (got "${values.grant}").`)
  if (values.key && !values.certificate) throw new UsageError('--key goes with --certificate FILE.')
  const overrides: ProfileOverrides = {}
  if (values.grant) overrides.grant = values.grant as ProfileOverrides['grant']
  if (values['client-id']) overrides.clientId = values['client-id']
  if (values.scope) overrides.scopes = values.scope
  if (values.tenant) overrides.tenant = values.tenant
  if (values['client-secret-stdin']) {
    const secret = (await (ctx.io.readSecret ?? readHiddenSecret(ctx.io))('Client secret: ')).trim()
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
  return overrides
}
