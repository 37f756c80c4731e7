import type { DoctorCheck } from '../../shared/doctor'
import { doctorPortsFor, runDoctor } from '../core/doctor'
import { none, parse, UsageError } from './args'
import type { CommandContext } from './context'

const MARK: Record<DoctorCheck['status'], string> = { passed: '✓', failed: '✗', skipped: '–' }

/** `orgbench doctor --env NAME [--json]`: exit 0 only when every check that ran passed. */
export async function doctor(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, { env: { type: 'string' }, json: { type: 'boolean' } })
  none(positionals, 'doctor --env NAME [--json]')
  if (!values.env) throw new UsageError('Which environment? orgbench doctor --env NAME')
  const services = await ctx.services()
  const env = await services.environments.find(values.env)
  const report = await runDoctor(doctorPortsFor(services), env.id)
  if (values.json) {
    ctx.io.stdout(JSON.stringify(report, null, 2) + '\n')
    return report.healthy ? 0 : 2
  }
  ctx.io.stdout(`Auth doctor for "${report.environmentName}" (${report.orgUrl})\n\n`)
  report.checks.forEach((check, i) => {
    ctx.io.stdout(`${MARK[check.status]} ${i + 1}. ${check.title} — ${check.status}\n   ${check.summary}\n`)
    if (check.fix) ctx.io.stdout(`   Fix: ${check.fix}\n`)
    for (const e of check.evidence.filter((x) => x.value && !x.entryId)) ctx.io.stdout(`   ${e.label}: ${e.value}\n`)
  })
  const failed = report.checks.filter((c) => c.status === 'failed').length
  ctx.io.stdout(failed ? `\n${failed} check${failed === 1 ? '' : 's'} failed.${' Add --har FILE to keep the exchanges.'}\n` : '\nEvery check passed.\n')
  return report.healthy ? 0 : 2
}
