import type { Seed } from '../seed'
import { salesRows } from './seedSales'
import { securityRows } from './seedSecurity'

/** Deterministic pseudo-random numbers, so every fresh Sandbox has the same rows. */
export function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function guid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export const PREFIXES = ['Contoso', 'Fabrikam', 'Adventure Works', 'Northwind', 'Tailspin', 'Woodgrove', 'Litware', 'Proseware', 'Alpine Ski', 'Blue Yonder', 'Coho Winery', 'Fourth Coffee', 'Humongous', 'Lucerne', 'Margie\'s Travel', 'Wide World', 'Trey Research', 'Graphic Design', 'Relecloud', 'VanArsdel']
export const SUFFIXES = ['Ltd', 'Inc.', 'GmbH', 'Group', 'Holdings', 'Partners']
export const CITIES: Array<[string, string]> = [['Seattle', 'United States'], ['Redmond', 'United States'], ['London', 'United Kingdom'], ['Paris', 'France'], ['Berlin', 'Germany'], ['Amsterdam', 'Netherlands'], ['Madrid', 'Spain'], ['Sydney', 'Australia'], ['Toronto', 'Canada'], ['Tokyo', 'Japan']]
export const FIRST = ['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Jamie', 'Riley', 'Avery', 'Quinn', 'Maria', 'Yuki', 'Oliver', 'Amelia', 'Noah', 'Sofia', 'Liam', 'Emma', 'Lucas', 'Mia']
export const LAST = ['Anderson', 'Bauer', 'Chen', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Hughes', 'Ibrahim', 'Jansen', 'Kowalski', 'López', 'Müller', 'Nakamura', 'O\'Brien', 'Patel', 'Rossi', 'Schmidt', 'Tanaka', 'Williams']
export const TITLES = ['Purchasing Manager', 'CFO', 'IT Director', 'Sales Representative', 'Operations Lead', 'CEO', 'Developer', 'Account Manager']
const INDUSTRIES = [1, 2, 3, 6, 7, 12, 19, 26, 33]

export type Row = Record<string, unknown>
export type Tables = Record<string, Row[]>

export const BUSINESS_UNIT_ID = 'b0000000-0000-4000-8000-0000000000b1'
export const USD_ID = 'c0000000-0000-4000-8000-0000000000c1'
export const EUR_ID = 'c0000000-0000-4000-8000-0000000000c2'

/**
 * About 750 rows: a business unit, two currencies, users (directory and application users), 120 accounts, 240
 * contacts, 60 tasks; then (from a second random sequence, so the rows above keep the ids older Sandboxes gave them)
 * roles and teams with their members, products, leads, opportunities with their close activities, cases, emails
 * and phone calls.
 */
export function seedRows(seed: Seed): Tables {
  const random = mulberry32(20261120)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const base = Date.parse('2025-01-06T09:00:00Z')
  const at = (days: number) => new Date(base + days * 86_400_000 + Math.floor(random() * 8 * 3_600_000)).toISOString().replace(/\.\d+Z$/, 'Z')
  let version = 1000

  const systemusers: Row[] = []
  const addUser = (row: Row) => systemusers.push({ createdon: at(0), modifiedon: at(1), versionnumber: ++version, isdisabled: false, accessmode: 0, _businessunitid_value: BUSINESS_UNIT_ID, applicationid: null, azureactivedirectoryobjectid: null, ...row })
  for (const user of seed.users.filter((u) => u.inOrg)) {
    addUser({ systemuserid: guid(random), firstname: user.givenName, lastname: user.surname, fullname: `${user.givenName} ${user.surname}`, domainname: user.upn, internalemailaddress: user.upn, azureactivedirectoryobjectid: user.oid })
  }
  for (const clientId of seed.applicationUsers) {
    const app = seed.apps.find((a) => a.clientId === clientId)
    addUser({ systemuserid: guid(random), firstname: '#', lastname: app?.name ?? clientId, fullname: `# ${app?.name ?? clientId}`, domainname: `${clientId}@${seed.tenantDomain}`, internalemailaddress: `${clientId}@${seed.tenantDomain}`, applicationid: clientId, azureactivedirectoryobjectid: guid(random), accessmode: 4 })
  }
  for (let i = 0; i < 6; i++) {
    const first = pick(FIRST)
    const last = pick(LAST)
    addUser({ systemuserid: guid(random), firstname: first, lastname: last, fullname: `${first} ${last}`, domainname: `${first}.${last}@${seed.tenantDomain}`.toLowerCase(), internalemailaddress: `${first}.${last}@${seed.tenantDomain}`.toLowerCase(), azureactivedirectoryobjectid: guid(random) })
  }
  const owners = systemusers.filter((u) => !u.applicationid).map((u) => u.systemuserid as string)

  const accounts: Row[] = []
  for (let i = 0; i < 120; i++) {
    const [city, country] = pick(CITIES)
    const name = `${PREFIXES[i % PREFIXES.length]} ${i < PREFIXES.length ? pick(SUFFIXES) : `${city} ${pick(SUFFIXES)}`}`
    const created = at(i)
    const active = random() > 0.12
    accounts.push({
      accountid: guid(random),
      name,
      accountnumber: `AC-${String(10000 + i * 7)}`,
      telephone1: `+1 555 01${String(i).padStart(2, '0')}`,
      emailaddress1: `info@${name.toLowerCase().replace(/[^a-z]+/g, '')}.example`,
      websiteurl: `https://www.${name.toLowerCase().replace(/[^a-z]+/g, '')}.example`,
      address1_city: city,
      address1_country: country,
      description: null,
      revenue: Math.round(random() * 50_000_000) / 10,
      numberofemployees: Math.floor(random() * 5000) + 5,
      industrycode: pick(INDUSTRIES),
      statecode: active ? 0 : 1,
      statuscode: active ? 1 : 2,
      _primarycontactid_value: null,
      _parentaccountid_value: i > 20 && random() < 0.15 ? accounts[Math.floor(random() * 20)]!.accountid : null,
      _ownerid_value: pick(owners),
      _transactioncurrencyid_value: USD_ID,
      createdon: created,
      modifiedon: created,
      versionnumber: ++version
    })
  }

  const contacts: Row[] = []
  for (let i = 0; i < 240; i++) {
    const first = pick(FIRST)
    const last = pick(LAST)
    const account = accounts[i % accounts.length]!
    const created = at(10 + i / 2)
    contacts.push({
      contactid: guid(random),
      firstname: first,
      lastname: last,
      fullname: `${first} ${last}`,
      emailaddress1: `${first}.${last}${i}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
      jobtitle: pick(TITLES),
      telephone1: `+1 555 02${String(i).padStart(3, '0')}`,
      birthdate: `19${60 + Math.floor(random() * 40)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      donotemail: random() < 0.1,
      preferredcontactmethodcode: 1 + Math.floor(random() * 5),
      statecode: 0,
      statuscode: 1,
      _parentcustomerid_value: account.accountid,
      _ownerid_value: account._ownerid_value,
      createdon: created,
      modifiedon: created,
      versionnumber: ++version
    })
  }
  for (const [i, account] of accounts.entries()) account._primarycontactid_value = contacts[i]!.contactid
  for (const row of [...accounts, ...contacts]) Object.assign(row, { _owninguser_value: row._ownerid_value, _createdby_value: row._ownerid_value, _modifiedby_value: row._ownerid_value })

  const tasks: Row[] = []
  for (const [i, account] of accounts.slice(0, 30).entries()) {
    for (let n = 1; n <= 1 + (i % 3); n++) {
      const done = random() < 0.3
      const created = at(20 + i)
      tasks.push({
        activityid: guid(random),
        subject: `Task ${n} for ${String(account.name)}`,
        description: null,
        scheduledend: at(40 + i + n),
        prioritycode: Math.floor(random() * 3),
        statecode: done ? 1 : 0,
        statuscode: done ? 5 : 2,
        activitytypecode: 'task',
        _regardingobjectid_value: account.accountid,
        '_regardingobjectid_value@type': 'account',
        _ownerid_value: account._ownerid_value,
        _owninguser_value: account._ownerid_value,
        _createdby_value: account._ownerid_value,
        _modifiedby_value: account._ownerid_value,
        createdon: created,
        modifiedon: created,
        versionnumber: ++version
      })
    }
  }

  const businessunits: Row[] = [{ businessunitid: BUSINESS_UNIT_ID, name: seed.organizationName.toLowerCase().replace(/\s+/g, ''), createdon: at(0), modifiedon: at(0), versionnumber: ++version }]
  const transactioncurrencies: Row[] = [
    { transactioncurrencyid: USD_ID, currencyname: 'US Dollar', isocurrencycode: 'USD', currencysymbol: '$', exchangerate: 1, createdon: at(0), modifiedon: at(0), versionnumber: ++version },
    { transactioncurrencyid: EUR_ID, currencyname: 'Euro', isocurrencycode: 'EUR', currencysymbol: '€', exchangerate: 0.92, createdon: at(0), modifiedon: at(0), versionnumber: ++version }
  ]
  const tables = { account: accounts, contact: contacts, task: tasks, systemuser: systemusers, businessunit: businessunits, transactioncurrency: transactioncurrencies }
  return { ...tables, ...securityRows(seed, systemusers, businessunits[0]!), ...salesRows(tables, owners) }
}
