import { describe, expect, it } from 'vitest'
import { DataverseFailure } from '../../errors'
import { defaultSeed } from '../../seed'
import { SandboxOrg } from '../org'
import type { Row } from '../seedData'
import { tableByName } from '../schema'
import { FetchRunner, ordersOf } from './evaluate'
import { readFetch, type FetchQuery } from './model'
import { aggregateRows } from './aggregate'
import { outputRow } from './output'
import { parseXml } from './xml'

const org = new SandboxOrg(defaultSeed(''), null)
const NOW = new Date('2025-03-15T12:00:00Z')
const me = String(org.rows(tableByName.get('systemuser')!)[0]!.systemuserid)
const ctx = { now: () => NOW, userId: me, businessUnitId: 'b0000000-0000-4000-8000-0000000000b1' }
const query = (xml: string): FetchQuery => readFetch(parseXml(xml))
const run = (xml: string): Row[] => {
  const q = query(xml)
  const runner = new FetchRunner(org, ctx)
  return runner.sort(runner.run(q.root), ordersOf(q.root), false).map((t) => t.get(q.root)!)
}
const rows = (name: string) => org.rows(tableByName.get(name)!)
const failure = (xml: string) => {
  try {
    run(xml)
  } catch (error) {
    expect(error).toBeInstanceOf(DataverseFailure)
    return error as DataverseFailure
  }
  throw new Error('no error')
}
const accounts = (filter: string) => run(`<fetch><entity name='account'><attribute name='name'/><filter>${filter}</filter></entity></fetch>`)

describe('FetchXML conditions', () => {
  it('comparisons follow SQL: ne leaves out rows where the column is null, eq on a lookup takes a braced GUID', () => {
    const parent = String(rows('account').find((a) => a._parentaccountid_value)!._parentaccountid_value)
    const ne = accounts(`<condition attribute='parentaccountid' operator='ne' value='${parent}'/>`)
    expect(ne.every((a) => a._parentaccountid_value !== null && a._parentaccountid_value !== parent)).toBe(true)
    expect(accounts(`<condition attribute='parentaccountid' operator='eq' value='{${parent.toUpperCase()}}'/>`).every((a) => a._parentaccountid_value === parent)).toBe(true)
    expect(accounts("<condition attribute='parentaccountid' operator='null'/>").length + accounts("<condition attribute='parentaccountid' operator='not-null'/>").length).toBe(rows('account').length)
  })

  it('like with SQL wildcards, not-like, ends-with and not-begin-with, case-insensitive', () => {
    const gmbh = accounts("<condition attribute='name' operator='ends-with' value='gmbh'/>")
    expect(gmbh.length).toBeGreaterThan(0)
    expect(gmbh.every((a) => String(a.name).endsWith('GmbH'))).toBe(true)
    const notC = accounts("<condition attribute='name' operator='not-begin-with' value='c'/>")
    expect(notC.every((a) => !/^c/i.test(String(a.name)))).toBe(true)
    expect(accounts("<condition attribute='name' operator='like' value='%_o%'/>").length + accounts("<condition attribute='name' operator='not-like' value='%_o%'/>").length).toBe(rows('account').length)
  })

  it('in, not-in, between and not-between take <value> elements, typed by the column', () => {
    const inTwo = accounts("<condition attribute='industrycode' operator='in'><value>12</value><value>19</value></condition>")
    expect(inTwo.every((a) => a.industrycode === 12 || a.industrycode === 19)).toBe(true)
    expect(inTwo.length + accounts("<condition attribute='industrycode' operator='not-in'><value>12</value><value>19</value></condition>").length).toBe(rows('account').filter((a) => a.industrycode !== null).length)
    const outside = accounts("<condition attribute='numberofemployees' operator='not-between'><value>100</value><value>4000</value></condition>")
    expect(outside.every((a) => (a.numberofemployees as number) < 100 || (a.numberofemployees as number) > 4000)).toBe(true)
    expect(failure("<fetch><entity name='account'><filter><condition attribute='numberofemployees' operator='between'><value>1</value></condition></filter></entity></fetch>").code).toBe('0x80041106')
  })

  it('date operators run against the clock: last-x-days, on-or-after, this-year, olderthan-x-months', () => {
    const created = (r: Row) => Date.parse(String(r.createdon))
    const last30 = accounts("<condition attribute='createdon' operator='last-x-days' value='30'/>")
    const from = Date.UTC(2025, 1, 13)
    expect(last30.length).toBeGreaterThan(0)
    expect(last30.every((a) => created(a) >= from && created(a) <= NOW.getTime())).toBe(true)
    expect(accounts("<condition attribute='createdon' operator='on-or-after' value='2025-03-01'/>").every((a) => created(a) >= Date.UTC(2025, 2, 1))).toBe(true)
    expect(accounts("<condition attribute='createdon' operator='this-year'/>").length).toBe(rows('account').filter((a) => String(a.createdon).startsWith('2025')).length)
    expect(accounts("<condition attribute='createdon' operator='olderthan-x-months' value='2'/>").every((a) => created(a) < Date.UTC(2025, 0, 15, 12))).toBe(true)
    expect(failure("<fetch><entity name='account'><filter><condition attribute='createdon' operator='last-x-days' value='many'/></filter></entity></fetch>").code).toBe('0x80040203')
  })

  it('eq-userid and eq-businessid take no value; fiscal and hierarchy operators say they are not supported (501)', () => {
    expect(accounts("<condition attribute='ownerid' operator='eq-userid'/>").every((a) => a._ownerid_value === me)).toBe(true)
    expect(run("<fetch><entity name='systemuser'><filter><condition attribute='businessunitid' operator='eq-businessid'/></filter></entity></fetch>").length).toBe(rows('systemuser').length)
    const fiscal = failure("<fetch><entity name='account'><filter><condition attribute='createdon' operator='in-fiscal-year' value='2025'/></filter></entity></fetch>")
    expect(fiscal.status).toBe(501)
    expect(failure("<fetch><entity name='account'><filter><condition attribute='name' operator='sounds-like' value='x'/></filter></entity></fetch>").code).toBe('0x80041120')
  })

  it('valueof compares two columns of the row', () => {
    const same = run("<fetch><entity name='account'><filter><condition attribute='createdby' operator='eq' valueof='ownerid'/></filter></entity></fetch>")
    expect(same.every((a) => a._createdby_value === a._ownerid_value)).toBe(true)
  })
})

describe('FetchXML joins', () => {
  const contactsOf = (linkType: string, filter = '') =>
    query(`<fetch><entity name='account'><attribute name='name'/><link-entity name='contact' from='parentcustomerid' to='accountid' link-type='${linkType}' alias='c'><attribute name='fullname'/>${filter}</link-entity></entity></fetch>`)

  it('inner repeats the parent per match, exists and in keep it once, outer keeps parents without a match, matchfirstrowusingcrossapply joins one', () => {
    const runner = new FetchRunner(org, ctx)
    const perAccount = new Map<unknown, number>()
    for (const c of rows('contact')) perAccount.set(c._parentcustomerid_value, (perAccount.get(c._parentcustomerid_value) ?? 0) + 1)
    const withContacts = rows('account').filter((a) => perAccount.has(a.accountid)).length
    expect(runner.run(contactsOf('inner').root)).toHaveLength([...perAccount.entries()].filter(([k]) => rows('account').some((a) => a.accountid === k)).reduce((s, [, n]) => s + n, 0))
    expect(runner.run(contactsOf('exists').root)).toHaveLength(withContacts)
    expect(runner.run(contactsOf('in').root)).toHaveLength(withContacts)
    expect(runner.run(contactsOf('matchfirstrowusingcrossapply').root)).toHaveLength(rows('account').length)
    const outer = runner.run(contactsOf('outer', "<filter><condition attribute='jobtitle' operator='eq' value='CEO'/></filter>").root)
    expect(outer.length).toBeGreaterThanOrEqual(rows('account').length)
  })

  it('filter link types: any, not any, all (true when there are no related rows) and not all', () => {
    const xml = (type: string) => `<fetch><entity name='account'><attribute name='name'/><filter><link-entity name='contact' from='parentcustomerid' to='accountid' link-type='${type}'><filter><condition attribute='jobtitle' operator='eq' value='CEO'/></filter></link-entity></filter></entity></fetch>`
    const any = run(xml('any')).length
    const notAny = run(xml('not any')).length
    const all = run(xml('all')).length
    const notAll = run(xml('not all')).length
    expect(any + notAny).toBe(rows('account').length)
    expect(all + notAll).toBe(rows('account').length)
    expect(any).toBeGreaterThan(0)
  })

  it('linked columns are <alias>_x002e_<column>, lookups by their logical name with their table, and nothing for an outer join without a match', () => {
    const q = query("<fetch><entity name='contact'><attribute name='fullname'/><link-entity name='account' from='accountid' to='parentcustomerid' link-type='outer' alias='acct'><attribute name='name'/><attribute name='primarycontactid'/></link-entity></entity></fetch>")
    const runner = new FetchRunner(org, ctx)
    const all = () => true
    const out = runner.run(q.root).map((t) => outputRow(org, q, t, all))
    const row = out.find((r) => r.acct_x002e_primarycontactid)!
    expect(row).toMatchObject({ 'acct_x002e_name@OData.Community.Display.V1.AttributeName': 'name', 'acct_x002e_primarycontactid@OData.Community.Display.V1.AttributeName': 'primarycontactid', 'acct_x002e_primarycontactid@Microsoft.Dynamics.CRM.lookuplogicalname': 'contact' })
    expect(Object.keys(row)).toEqual(expect.arrayContaining(['@odata.etag', 'fullname', 'contactid', 'acct_x002e_name']))
  })

  it('aliases must be unique, 15 joins at most, from and to named', () => {
    expect(() => query("<fetch><entity name='account'><link-entity name='contact' from='contactid' to='primarycontactid' alias='x'/><link-entity name='contact' from='parentcustomerid' to='accountid' alias='x'/></entity></fetch>")).toThrow('FetchXML should have unique aliases.')
    const sixteen = Array.from({ length: 16 }, (_, i) => `<link-entity name='contact' from='contactid' to='primarycontactid' alias='c${i}'/>`).join('')
    expect(() => query(`<fetch><entity name='account'>${sixteen}</entity></fetch>`)).toThrow('Number of link entities in query exceeded maximum limit.')
    expect(() => query("<fetch><entity name='account'><link-entity name='contact'/></entity></fetch>")).toThrow(/A required attribute was not specified/)
  })
})

describe('FetchXML options', () => {
  it('top with paging is refused; top above 5,000 too; booleans are true/false/1/0', () => {
    expect(() => query("<fetch top='5' count='2'><entity name='account'/></fetch>")).toThrow(/can't be used with the 'page', 'count' or 'returntotalrecordcount'/)
    expect(() => query("<fetch top='5001'><entity name='account'/></fetch>")).toThrow(/between 1 and 5000/)
    expect(() => query("<fetch distinct='yes'><entity name='account'/></fetch>")).toThrow("The only valid values for distinct attribute are 'true', 'false', '1', and '0'.")
    expect(() => query("<fetch><entity name='account'><order attribute='name' descending='down'/></entity></fetch>")).toThrow(/descending attribute/)
  })

  it('dategrouping by year, quarter and month; countcolumn distinct', () => {
    const q = query("<fetch aggregate='true'><entity name='account'><attribute name='accountid' alias='n' aggregate='count'/><attribute name='createdon' alias='y' groupby='true' dategrouping='year'/><attribute name='createdon' alias='m' groupby='true' dategrouping='month'/><attribute name='industrycode' alias='industries' aggregate='countcolumn' distinct='true'/><order alias='m'/></entity></fetch>")
    const out = aggregateRows(org, q, new FetchRunner(org, ctx).run(q.root), true)
    expect(out.reduce((s, r) => s + (r.n as number), 0)).toBe(rows('account').length)
    expect(out.map((r) => r.m)).toEqual([...out.map((r) => r.m)].sort((a, b) => (a as number) - (b as number)))
    for (const r of out) expect(r['y@OData.Community.Display.V1.FormattedValue']).toBe('2,025')
    expect(out.every((r) => (r.industries as number) <= 9)).toBe(true)
  })
})
