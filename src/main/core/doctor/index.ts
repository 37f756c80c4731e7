import { DOCTOR_CHECKS, type DoctorCheck, type DoctorCheckId, type DoctorReport } from '../../../shared/doctor'
import type { Services } from '../services'
import { failed, titleOf, type DoctorPorts, type Findings, type Outcome } from './context'
import { checkAuthority, checkOrg, checkWhoAmI } from './network'
import { checkClaims, checkPermissions, checkToken } from './token'

export type { DoctorPorts }

/**
 * The auth doctor: the usual reasons a sign-in to an org fails, checked in order, each passed, failed with the fix,
 * or skipped with why. Every request it makes goes through the executor, so it is in the traffic log.
 */
export async function runDoctor(ports: DoctorPorts, environmentId: string): Promise<DoctorReport> {
  const env = await ports.environments.getStored(environmentId)
  const found: Findings = { env, target: await ports.target(environmentId), orgReachable: true, orgTenant: null, metadata: null, authorityClock: null, token: null, decoded: null }
  const now = () => ports.now?.() ?? Date.now()
  const run: Record<DoctorCheckId, () => Promise<Outcome>> = {
    org: () => checkOrg(ports, found),
    authority: () => checkAuthority(ports, found),
    token: () => checkToken(ports, found),
    claims: () => checkClaims(ports, found, now()),
    whoami: () => checkWhoAmI(ports, found),
    permissions: () => checkPermissions(found)
  }
  const checks: DoctorCheck[] = []
  for (const { id } of DOCTOR_CHECKS) {
    const started = performance.now()
    let outcome: Outcome
    try {
      outcome = await run[id]()
    } catch (error) {
      outcome = failed(`The check could not finish: ${error instanceof Error ? error.message : String(error)}`, 'Run the doctor again; if it repeats, the traffic log shows the last exchange.')
    }
    checks.push({ id, title: titleOf(id), ...outcome, ms: Math.round(performance.now() - started) })
  }
  return { environmentId, environmentName: env.name, orgUrl: env.orgUrl, healthy: checks.every((c) => c.status !== 'failed'), checks, at: new Date(now()).toISOString() }
}

/** The doctor over a process's services (the router and the CLI). */
export function doctorPortsFor(s: Services): DoctorPorts {
  return {
    environments: s.environments,
    target: (id) => s.target(id),
    sendPrepared: (prepared, target, options) => s.executor.sendPrepared(prepared, target, options),
    requestTimeoutMs: async () => (await s.settings.get()).requestTimeoutMs,
    auth: {
      status: (id) => s.auth.status(id),
      accessToken: (id) => s.auth.accessToken(id),
      oneOffToken: (id, overrides, signInId) => s.auth.oneOffToken(id, overrides, signInId),
      signIn: (id, signInId) => s.auth.signIn(id, signInId)
    },
    signInEntries: (signInId) => s.traffic.list().filter((e) => e.signInId === signInId).map((e) => e.id)
  }
}
