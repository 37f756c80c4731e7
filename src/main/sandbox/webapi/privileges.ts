/**
 * Security roles and their privileges. Dataverse checks every operation against them; the Sandbox enforces one:
 * `prvActOnBehalfOfAnotherUser`, which impersonation needs. The others describe what each role would allow
 * (RetrieveUserPrivileges answers them).
 */
import { metadataId } from './metadataModel'

export type PrivilegeDepth = 'Basic' | 'Local' | 'Deep' | 'Global'

export interface RolePrivilege {
  name: string
  id: string
  depth: PrivilegeDepth
}

export const SYSTEM_ADMINISTRATOR_ROLE_ID = 'd0000000-0000-4000-8000-0000000000d1'
export const SALESPERSON_ROLE_ID = 'd0000000-0000-4000-8000-0000000000d2'
export const DELEGATE_ROLE_ID = 'd0000000-0000-4000-8000-0000000000d3'

export const ACT_ON_BEHALF = 'prvActOnBehalfOfAnotherUser'

/** The entity names privileges use (`prvReadAccount`, `prvReadActivity` for every activity type). */
const ENTITIES = ['Account', 'Contact', 'Lead', 'Opportunity', 'Incident', 'Product', 'Activity', 'User', 'Team', 'Role', 'BusinessUnit', 'TransactionCurrency']
const ACCESS = ['Create', 'Read', 'Write', 'Delete', 'Append', 'AppendTo', 'Assign', 'Share']

export function privilegeId(name: string): string {
  return metadataId(`privilege:${name}`)
}

const privilege = (name: string, depth: PrivilegeDepth): RolePrivilege => ({ name, id: privilegeId(name), depth })

const ALL = [...ENTITIES.flatMap((e) => ACCESS.map((a) => `prv${a}${e}`)), ACT_ON_BEHALF]
const SALES_WORK = ['Account', 'Contact', 'Lead', 'Opportunity', 'Activity']

export const ROLES: Array<{ id: string; name: string; privileges: RolePrivilege[] }> = [
  { id: SYSTEM_ADMINISTRATOR_ROLE_ID, name: 'System Administrator', privileges: ALL.map((n) => privilege(n, 'Global')) },
  {
    id: SALESPERSON_ROLE_ID,
    name: 'Salesperson',
    privileges: [
      ...SALES_WORK.flatMap((e) => [privilege(`prvCreate${e}`, 'Basic'), privilege(`prvRead${e}`, 'Local'), privilege(`prvWrite${e}`, 'Basic'), privilege(`prvAppend${e}`, 'Basic'), privilege(`prvAppendTo${e}`, 'Basic')]),
      ...['Product', 'TransactionCurrency', 'User', 'Team', 'BusinessUnit'].map((e) => privilege(`prvRead${e}`, 'Global'))
    ]
  },
  { id: DELEGATE_ROLE_ID, name: 'Delegate', privileges: [privilege(ACT_ON_BEHALF, 'Global')] }
]

/** The privileges of a set of roles; the deepest depth wins when two roles grant the same one. */
export function privilegesOf(roleIds: string[]): RolePrivilege[] {
  const order: PrivilegeDepth[] = ['Basic', 'Local', 'Deep', 'Global']
  const out = new Map<string, RolePrivilege>()
  for (const id of roleIds) {
    for (const p of ROLES.find((r) => r.id === id)?.privileges ?? []) {
      const known = out.get(p.name)
      if (!known || order.indexOf(p.depth) > order.indexOf(known.depth)) out.set(p.name, p)
    }
  }
  return [...out.values()]
}
