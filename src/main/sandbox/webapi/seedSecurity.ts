import type { Seed } from '../seed'
import { ROLES, SALESPERSON_ROLE_ID, SYSTEM_ADMINISTRATOR_ROLE_ID } from './privileges'
import { guid, mulberry32, type Row, type Tables } from './seedData'

const CREATED = '2025-01-06T09:00:00Z'

/**
 * Security roles, user ↔ role assignments, and teams with their members. Directory users get the roles their seed
 * entry names (System Administrator by default), application users are System Administrators, the generated
 * users are Salespeople (who may not impersonate).
 */
export function securityRows(seed: Seed, users: Row[], businessUnit: Row): Tables {
  const random = mulberry32(20261122)
  let version = 5000
  const stamp = () => ({ createdon: CREATED, modifiedon: CREATED, versionnumber: ++version })
  const role: Row[] = ROLES.map((r) => ({ roleid: r.id, name: r.name, _businessunitid_value: businessUnit.businessunitid, ...stamp() }))
  const roleIdByName = new Map(ROLES.map((r) => [r.name.toLowerCase(), r.id]))

  const rolesOf = (user: Row): string[] => {
    if (user.applicationid) return [SYSTEM_ADMINISTRATOR_ROLE_ID]
    const fromSeed = seed.users.find((u) => u.oid === user.azureactivedirectoryobjectid)
    if (!fromSeed) return [SALESPERSON_ROLE_ID]
    return fromSeed.securityRoles.map((name) => roleIdByName.get(name.toLowerCase())).filter((id): id is string => !!id)
  }
  const systemuserroles: Row[] = users.flatMap((u) => rolesOf(u).map((roleid) => ({ systemuserroleid: guid(random), systemuserid: u.systemuserid, roleid, versionnumber: ++version })))

  const people = users.filter((u) => !u.applicationid)
  const admin = people[0] ?? users[0]!
  const team: Row[] = []
  const teammembership: Row[] = []
  const addTeam = (name: string, teamtype: number, isdefault: boolean, members: Row[], description: string | null) => {
    const teamid = guid(random)
    team.push({ teamid, name, description, teamtype, isdefault, _businessunitid_value: businessUnit.businessunitid, _administratorid_value: admin.systemuserid, _createdby_value: admin.systemuserid, _modifiedby_value: admin.systemuserid, ...stamp() })
    for (const m of members) teammembership.push({ teammembershipid: guid(random), teamid, systemuserid: m.systemuserid, versionnumber: ++version })
  }
  const sales = users.filter((u) => systemuserroles.some((r) => r.systemuserid === u.systemuserid && r.roleid === SALESPERSON_ROLE_ID))
  // Every business unit has a default team of all its users, named after the business unit.
  addTeam(String(businessUnit.name), 0, true, users, 'Default team for the parent business unit. The name and membership for default team are inherited from their parent business unit.')
  addTeam('Sales', 0, false, [admin, ...sales.filter((u) => u !== admin)], 'Owner team of the sales people.')
  addTeam('Customer Service', 1, false, people.filter((_, i) => i % 2 === 1), 'Access team for shared cases.')
  return { role, systemuserroles, team, teammembership }
}
