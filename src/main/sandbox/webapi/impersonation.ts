import type { SandboxRequest } from './http'
import { failure } from './failures'
import { ACT_ON_BEHALF, privilegeId, privilegesOf } from './privileges'
import type { Caller, WebApiContext } from './routes'
import { BUSINESS_UNIT_ID } from './seedData'
import { tableByName } from './schema'

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i
const ACCESS_MODES: Record<number, string> = { 0: 'Read-Write', 1: 'Administrative', 2: 'Read', 3: 'Support User', 4: 'Non-interactive', 5: 'Delegated Admin' }

/**
 * Impersonation ("Impersonate another user using the Web API"): `CallerObjectId: <Entra object id>` (preferred) or
 * `MSCRMCallerID: <systemuserid>` (legacy) makes the request run as that user — WhoAmI answers them, new records
 * are theirs with the caller as `createdonbehalfby` — when the caller has `prvActOnBehalfOfAnotherUser` (System
 * Administrator and Delegate have it); otherwise 403 PrivilegeDenied. Naming the caller themselves changes nothing.
 */
export function impersonate(req: SandboxRequest, ctx: WebApiContext, caller: Caller): Caller {
  const objectId = req.headers.callerobjectid?.trim()
  const callerId = req.headers.mscrmcallerid?.trim()
  if (!objectId && !callerId) return caller
  const header = objectId ? 'CallerObjectId' : 'MSCRMCallerID'
  const value = (objectId ?? callerId)!
  const id = GUID.exec(value)?.[1]?.toLowerCase()
  if (!id) throw failure.invalidCallerId(header, value)
  const real = caller.delegate ?? caller.user
  const users = ctx.org.rows(tableByName.get('systemuser')!)
  const target = objectId ? users.find((u) => String(u.azureactivedirectoryobjectid ?? '').toLowerCase() === id) : users.find((u) => u.systemuserid === id)
  if (!target || target.isdisabled) throw failure.impersonatedUserNotFound(header, value)
  if (target === real) return { user: real, claims: caller.claims }
  const realId = String(real.systemuserid)
  const roles = ctx.org.roleIdsOf(realId)
  const privileges = privilegesOf(roles)
  if (!privileges.some((p) => p.name === ACT_ON_BEHALF)) {
    const mode = Number(real.accessmode ?? 0)
    throw failure.privilegeDenied(
      { id: realId, oid: (real.azureactivedirectoryobjectid as string | null) ?? null, roles: roles.length, privileges: privileges.length, accessMode: `${mode} ${ACCESS_MODES[mode] ?? ''}`.trim(), businessUnitId: String(real._businessunitid_value ?? BUSINESS_UNIT_ID) },
      ACT_ON_BEHALF,
      privilegeId(ACT_ON_BEHALF)
    )
  }
  return { user: target, claims: caller.claims, delegate: real }
}
