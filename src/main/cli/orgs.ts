import { Cloud } from './orgsCloud'
import type { DiscoveredOrg } from '../../shared/discovery'
import { AppError } from '../../shared/errors'
import { orgDiscoveryFor } from '../core/discovery/orgs'
import { none, parse, UsageError } from './args'
import type { CommandContext } from './context'

const USAGE = 'orgs --env NAME | --cloud CLOUD --client-id ID [--grant authorization_code|device_code] [--tenant T] [--json] [--create [--only NAME,…] [--group G]]'

/**
 * `orgbench orgs`: the orgs the user can reach, from Global Discovery, signed in with an environment's profile (or,
 * with --cloud, interactively with an app registration of one's own); --create makes environments of them.
 */
export async function orgs(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, {
    env: { type: 'string' },
    cloud: { type: 'string' },
    'client-id': { type: 'string' },
    grant: { type: 'string' },
    tenant: { type: 'string' },
    json: { type: 'boolean' },
    create: { type: 'boolean' },
    only: { type: 'string' },
    group: { type: 'string' }
  })
  none(positionals, USAGE)
  if (Boolean(values.env) === Boolean(values.cloud)) throw new UsageError(`Give either --env NAME (sign in with its profile) or --cloud CLOUD (sign in interactively). Usage: orgbench ${USAGE}`)
  if ((values.only || values.group) && !values.create) throw new UsageError('--only and --group go with --create.')
  const cloud = values.cloud ? Cloud.check(values.cloud) : null
  if (cloud && !values['client-id']) throw new UsageError('--cloud needs --client-id: the app registration (a public client with http://localhost as a redirect URI, or device code allowed) to sign in with.')
  const grant = values.grant ?? 'authorization_code'
  if (cloud && grant !== 'authorization_code' && grant !== 'device_code') throw new UsageError(`--grant with --cloud is authorization_code or device_code (got "${grant}").`)
  const { io } = ctx
  const services = await ctx.services()
  const discovery = orgDiscoveryFor(services)
  let temporary: string | null = null
  try {
    const environmentId = cloud
      ? (temporary = (await services.environments.create(Cloud.environment(cloud, values['client-id']!, grant as 'authorization_code' | 'device_code', values.tenant ?? ''))).id)
      : (await services.environments.find(values.env!)).id
    const listed = await discovery.list(environmentId)
    if (!values.create) {
      if (values.json) io.stdout(JSON.stringify(listed, null, 2) + '\n')
      else io.stdout(table(listed.orgs, listed.user, listed.endpoint, await namesOf(services.environments)))
      return 0
    }
    const wanted = pick(listed.orgs, values.only)
    if (!wanted.length) {
      io.stdout('Every org listed already has an environment: nothing to create.\n')
      return 0
    }
    const { created, skipped } = await discovery.create({ environmentId, orgUrls: wanted.map((o) => o.url), ...(values.group ? { group: values.group } : {}) })
    if (values.json) io.stdout(JSON.stringify({ created: created.map((e) => ({ id: e.id, name: e.name, orgUrl: e.orgUrl, group: e.group })), skipped }, null, 2) + '\n')
    else {
      for (const e of created) io.stdout(`Created "${e.name}" → ${e.orgUrl}${e.group ? ` (group ${e.group})` : ''}\n`)
      for (const url of skipped) io.stdout(`Skipped ${url}: an environment already points at it.\n`)
    }
    return 0
  } finally {
    if (temporary) {
      await services.auth.signOut(temporary).catch(() => undefined)
      await services.environments.delete(temporary).catch(() => undefined)
    }
  }
}

/** `--only a,b`: orgs by unique name, friendly name or URL; without it every org not yet known. */
function pick(orgs: DiscoveredOrg[], only: string | undefined): DiscoveredOrg[] {
  if (!only) return orgs.filter((o) => !o.knownEnvironmentId)
  const names = only.split(',').map((n) => n.trim().toLowerCase()).filter(Boolean)
  return names.map((n) => {
    const org = orgs.find((o) => [o.uniqueName, o.friendlyName, o.url, o.urlName].some((v) => v.toLowerCase() === n))
    if (!org) throw new AppError('not_found', `"${n}" is not among the orgs listed (${orgs.map((o) => o.uniqueName).join(', ') || 'none'}).`)
    return org
  })
}

async function namesOf(environments: { list(): Promise<{ environments: { id: string; name: string }[] }> }): Promise<Map<string, string>> {
  return new Map((await environments.list()).environments.map((e) => [e.id, e.name]))
}

function table(orgs: DiscoveredOrg[], user: string | null, endpoint: string, names: Map<string, string>): string {
  const head = `${orgs.length} org${orgs.length === 1 ? '' : 's'} for ${user ?? 'this sign-in'} (${endpoint})\n`
  if (!orgs.length) return `${head}This user has no user record in any org of the tenant.\n`
  const rows = [['NAME', 'UNIQUE NAME', 'URL', 'VERSION', 'REGION', 'STATE', 'ENVIRONMENT'], ...orgs.map((o) => [o.friendlyName, o.uniqueName, o.url, o.version, o.region, o.state, o.knownEnvironmentId ? (names.get(o.knownEnvironmentId) ?? 'yes') : '—'])]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return head + rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n'
}
