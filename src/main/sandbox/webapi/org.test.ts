import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../../testing/tempDir'
import { defaultSeed } from '../seed'
import { SandboxOrg } from './org'
import { seedRows, USD_ID } from './seedData'
import { tableByName } from './schema'

const tempDir = useTempDir()
const seed = defaultSeed('')
const account = tableByName.get('account')!
const write = { resolve: () => { throw new Error('no references in this test') }, userId: 'aaaaaaaa-0000-4000-8000-000000000001' }

describe('SandboxOrg data', () => {
  it('keeps the rows an older Sandbox saved: new tables from the seed, new columns filled', async () => {
    const dir = tempDir()
    const old = seedRows(seed)
    const mine: Record<string, unknown> = { ...old.account![0]!, name: 'Created before the upgrade' }
    delete mine._transactioncurrencyid_value
    delete mine._owninguser_value
    const v1 = { account: [mine], contact: old.contact, systemuser: old.systemuser, businessunit: old.businessunit }
    writeFileSync(join(dir, 'org-data.json'), JSON.stringify({ dataVersion: 1, tables: v1 }))
    const org = new SandboxOrg(seed, dir)
    const row = org.rows(account)[0]!
    expect(row).toMatchObject({ name: 'Created before the upgrade', _transactioncurrencyid_value: USD_ID, _owninguser_value: mine._ownerid_value, _createdby_value: mine._createdby_value })
    expect(org.rows(tableByName.get('task')!).length).toBeGreaterThan(0)
    expect(org.rows(tableByName.get('transactioncurrency')!).map((c) => c.isocurrencycode)).toEqual(['USD', 'EUR'])
    await org.flush()
  })

  it('migrates data of the previous schema: new tables from the seed, references to rows deleted since cleared, versions above every saved one', async () => {
    const dir = tempDir()
    const old = seedRows(seed)
    const kept = ['account', 'contact', 'task', 'systemuser', 'businessunit', 'transactioncurrency']
    const v2 = Object.fromEntries(kept.map((t) => [t, old[t]!]))
    // The user had deleted an account that seeded opportunities and cases point to, and a user who is in a team.
    const gone = v2.account!.shift()!
    const goneUser = v2.systemuser!.pop()!
    for (const task of v2.task!) delete task.activitytypecode
    const saved = Math.max(...Object.values(v2).flatMap((rows) => rows.map((r) => Number(r.versionnumber))))
    writeFileSync(join(dir, 'org-data.json'), JSON.stringify({ dataVersion: 2, tables: v2, deleted: { account: [{ id: gone.accountid, version: saved + 1 }] } }))
    const org = new SandboxOrg(seed, dir)
    const opportunities = org.rows(tableByName.get('opportunity')!)
    expect(opportunities.length).toBe(old.opportunity!.length)
    expect(opportunities.some((o) => o._customerid_value === gone.accountid || o._parentaccountid_value === gone.accountid)).toBe(false)
    expect(opportunities.filter((o) => o._customerid_value === null).length).toBeGreaterThan(0)
    expect(org.rows(tableByName.get('teammembership')!).some((m) => m.systemuserid === goneUser.systemuserid)).toBe(false)
    expect(org.rows(tableByName.get('lead')!).every((l) => Number(l.versionnumber) > saved + 1)).toBe(true)
    expect(org.rows(tableByName.get('task')!).every((t) => t.activitytypecode === 'task')).toBe(true)
    expect(org.changesSince(tableByName.get('lead')!, saved + 1).changed).toHaveLength(old.lead!.length)
    await org.flush()
    expect(new SandboxOrg(seed, dir).rows(tableByName.get('incident')!).length).toBe(old.incident!.length)
  })

  it('remembers deletions with a version for change tracking, and saves them', async () => {
    const dir = tempDir()
    const org = new SandboxOrg(seed, dir)
    const before = org.currentVersion
    const created = org.create(account, { name: 'Tracked' }, write)
    const doomed = String(org.rows(account)[0]!.accountid)
    org.delete(account, doomed)
    const changes = org.changesSince(account, before)
    expect(changes.changed.map((r) => r.accountid)).toEqual([created.accountid])
    expect(changes.deleted).toEqual([doomed])
    await org.flush()
    expect(new SandboxOrg(seed, dir).changesSince(account, before).deleted).toEqual([doomed])
  })

  it('a create that fails part-way leaves nothing behind (deep insert is one transaction)', () => {
    const org = new SandboxOrg(seed, null)
    const contacts = org.rows(tableByName.get('contact')!).length
    expect(() => org.create(account, { name: 'Parent', primarycontactid: { lastname: 'Created first' }, contact_customer_accounts: [{ lastname: 'x'.repeat(60) }] }, write)).toThrow(/exceeded the maximum allowed length of '50'/)
    expect(org.rows(tableByName.get('contact')!).length).toBe(contacts)
    expect(org.rows(account).some((r) => r.name === 'Parent')).toBe(false)
  })
})
