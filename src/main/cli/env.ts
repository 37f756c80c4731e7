import { AppError } from '../../shared/errors'
import { one, parse, UsageError } from './args'
import type { CommandContext } from './context'
import { readText, writeOutput } from './files'

const SUBCOMMANDS = ['list', 'show', 'import', 'export', 'delete']

/** `orgbench env list|show|import|export|delete`. */
export async function env(args: string[], ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parse(rest, {
    json: { type: 'boolean' },
    'include-secrets': { type: 'boolean' },
    output: { type: 'string', short: 'o' }
  })
  if (!sub || !SUBCOMMANDS.includes(sub)) throw new UsageError(sub ? `Unknown env command "${sub}": use ${SUBCOMMANDS.join(', ')}.` : `Which env command? ${SUBCOMMANDS.join(', ')}.`)
  const { io } = ctx
  const services = await ctx.services()
  switch (sub) {
    case 'list': {
      const { environments, problems } = await services.listEnvironments()
      if (values.json) io.stdout(JSON.stringify(environments.map((e) => ({ id: e.id, name: e.name, orgUrl: e.orgUrl, grant: e.auth.grant })), null, 2) + '\n')
      else if (environments.length === 0) io.stdout(`No environments yet. Create one in the app, run "${ctx.self} sandbox", or import a file with "${ctx.self} env import FILE".\n`)
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
      const file = one(positionals, 'env import FILE|-')
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
      const name = one(positionals, 'env export NAME [-o FILE] [--include-secrets]')
      const secrets = Boolean(values['include-secrets'])
      const text = JSON.stringify(await services.environments.exportPortable(name, secrets), null, 2) + '\n'
      if (!values.output) {
        io.stdout(text)
        return 0
      }
      await writeOutput(values.output, text, secrets)
      io.stderr(`Wrote ${values.output}${secrets ? ' (mode 0600: it holds secrets in plain text, keep it safe)' : ''}.\n`)
      return 0
    }
    case 'delete': {
      const found = await services.environments.find(one(positionals, 'env delete NAME'))
      // Its tokens first: an environment file without tokens is harmless, tokens without their environment are not.
      await services.auth.signOut(found.id)
      await services.environments.delete(found.id)
      if ((await services.settings.get()).activeEnvironmentId === found.id) await services.settings.update({ activeEnvironmentId: null })
      io.stderr(`Deleted environment "${found.name}" (${found.id}) and its tokens.\n`)
      return 0
    }
    default:
      throw new UsageError(`Unknown env command "${sub}".`)
  }
}
