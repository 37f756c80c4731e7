import { SchemaView } from '../../shared/schema'
import { parse, UsageError } from './args'
import type { CommandContext } from './context'
import { isSignInRequired, notSignedIn } from './words'

/** `orgbench metadata`: the org's schema from the same index as the app (cached; --refresh downloads it again). */
export async function metadata(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx
  const { values, positionals } = parse(args, {
    env: { type: 'string', short: 'e' },
    json: { type: 'boolean' },
    table: { type: 'string', short: 't' },
    refresh: { type: 'boolean' }
  })
  if (!values.env || positionals.length) throw new UsageError('Usage: orgbench metadata --env NAME [--json] [--table NAME] [--refresh]')
  const services = await ctx.services()
  const env = await services.environments.find(values.env)
  const get = () => services.schema.get(env.id, { refresh: Boolean(values.refresh), background: false, signIn: true })
  let loaded: Awaited<ReturnType<typeof get>>
  try {
    loaded = await get()
  } catch (error) {
    if (!isSignInRequired(error)) throw error
    if (env.auth.grant !== 'password') throw notSignedIn(ctx, env)
    await services.auth.signIn(env.id)
    loaded = await get()
  }
  const { info } = loaded
  const view = new SchemaView(loaded.schema)

  if (values.table) {
    const name = values.table
    const type = view.entityTypeOfSet(name) ?? view.entityType(name) ?? view.entityType(name.toLowerCase())
    if (!type) throw new UsageError(`"${name}" is neither an entity set nor a table (logical name) of ${info.orgUrl}. "orgbench metadata --env ${values.env} --json" lists them.`)
    if (values.json) {
      io.stdout(JSON.stringify(type, null, 2) + '\n')
      return 0
    }
    io.stdout(`${type.name}${type.entitySet ? ` (entity set ${type.entitySet})` : ''}  key: ${type.key.join(', ') || '—'}${type.alternateKeys.length ? `  alternate keys: ${type.alternateKeys.map((k) => k.join('+')).join('; ')}` : ''}\n\n`)
    const width = Math.max(6, ...type.properties.map((p) => p.name.length))
    io.stdout(`${'COLUMN'.padEnd(width)}  TYPE\n`)
    for (const p of type.properties) {
      const lookup = type.navigation.find((n) => n.lookup === p.name)
      io.stdout(`${p.name.padEnd(width)}  ${p.type}${p.required ? ' (required)' : ''}${lookup ? `  → ${lookup.target} via ${lookup.name}` : ''}\n`)
    }
    if (type.navigation.length) {
      const navWidth = Math.max(10, ...type.navigation.map((n) => n.name.length))
      io.stdout(`\n${'NAVIGATION'.padEnd(navWidth)}  TARGET\n`)
      for (const n of type.navigation) io.stdout(`${n.name.padEnd(navWidth)}  ${n.collection ? `${n.target} (collection)` : n.target}${n.lookup ? `  lookup ${n.lookup}` : ''}\n`)
    }
    return 0
  }

  if (values.json) {
    io.stdout(JSON.stringify({ ...info, entitySets: view.entitySets.map((s) => s.name), actions: view.operations.filter((o) => o.kind === 'action').map((o) => o.name), functions: view.operations.filter((o) => o.kind === 'function').map((o) => o.name) }, null, 2) + '\n')
    return 0
  }
  const c = info.counts
  io.stdout(`${info.orgUrl}\n`)
  io.stdout(`  entity sets   ${c.entitySets}\n  entity types  ${c.entityTypes}\n  actions       ${c.actions}\n  functions     ${c.functions}\n`)
  io.stdout(`  $metadata     ${(info.csdlBytes / 1024).toFixed(0)} KB, fetched ${info.fetchedAt}${info.metadataVersion ? `, version ${info.metadataVersion}` : ''} (${info.source === 'network' ? 'downloaded now' : 'from the cache'})\n`)
  return 0
}
