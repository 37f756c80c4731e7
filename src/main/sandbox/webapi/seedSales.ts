import { CITIES, FIRST, guid, LAST, mulberry32, PREFIXES, TITLES, USD_ID, type Row, type Tables } from './seedData'

const PRODUCTS: Array<[string, number, number]> = [
  ['Surface Laptop 7', 1299, 1],
  ['Surface Pro 11', 1499, 1],
  ['Contoso Smart Thermostat', 249, 1],
  ['Fabrikam Industrial Sensor', 89, 1],
  ['Northwind Coffee Machine', 899, 1],
  ['Adventure Works Mountain Bike', 1899, 1],
  ['Tailspin Drone X2', 2499, 1],
  ['Litware Analytics License', 1200, 3],
  ['Proseware Support Plan (1 year)', 5000, 3],
  ['Woodgrove Installation Service', 750, 3],
  ['Blue Yonder Freight', 120, 2],
  ['Humongous Insurance Add-on', 300, 4],
  ['Relecloud Cloud Storage (1 TB)', 99, 3],
  ['VanArsdel Office Chair', 459, 1],
  ['Trey Research Consulting Day', 1600, 3],
  ['Lucerne Printer Pro', 679, 1],
  ['Coho Wine Club Box', 149, 1],
  ['Fourth Coffee Beans (10 kg)', 210, 1],
  ['Alpine Ski Rental Package', 380, 4],
  ['Wide World Travel Voucher', 1000, 4]
]
const TOPICS = ['Interested in', 'Quote request for', 'Demo of', 'Pricing for', 'Bulk order of', 'Renewal of']
const CASE_TITLES = ['cannot sign in', 'arrived damaged', 'needs a replacement part', 'invoice question', 'installation help', 'stops working after update', 'warranty claim']
const EMAIL_SUBJECTS = ['Follow-up on our call', 'Your quote', 'Meeting next week', 'Welcome aboard', 'Order confirmation', 'Question about your case']
const CALL_SUBJECTS = ['Discovery call', 'Check-in', 'Negotiation', 'Support callback', 'Renewal reminder']

const CREATED = Date.parse('2025-02-03T09:00:00Z')
const DAY = 86_400_000

/**
 * Sales and service rows over the seeded accounts, contacts and users: 20 products, 40 leads, 40 opportunities
 * (customers are accounts or contacts; won and lost ones have their opportunityclose activity), 30 cases, and 30
 * emails and 30 phone calls regarding any of them.
 */
export function salesRows(base: Tables, owners: string[]): Tables {
  const random = mulberry32(20261123)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  let version = 6000
  const iso = (t: number) => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z')
  const at = (days: number) => iso(CREATED + days * DAY + Math.floor(random() * 8 * 3_600_000))
  const date = (days: number) => iso(CREATED + days * DAY).slice(0, 10)
  const owned = (owner: string, created: string) => ({ _ownerid_value: owner, _owninguser_value: owner, _createdby_value: owner, _modifiedby_value: owner, _createdonbehalfby_value: null, _modifiedonbehalfby_value: null, createdon: created, modifiedon: created, versionnumber: ++version })
  const accounts = base.account!
  const contacts = base.contact!

  const product: Row[] = PRODUCTS.map(([name, price, type], i) => {
    const state = i === 12 ? 1 : i === 19 ? 2 : 0
    const created = at(-20 + i)
    return {
      productid: guid(random),
      name,
      productnumber: `PRD-${String(1000 + i * 10)}`,
      description: null,
      price,
      standardcost: Math.round(price * (0.55 + random() * 0.2)),
      quantitydecimal: 0,
      producttypecode: type,
      statecode: state,
      statuscode: [1, 2, 0][state],
      _transactioncurrencyid_value: USD_ID,
      _createdby_value: owners[0],
      _modifiedby_value: owners[0],
      createdon: created,
      modifiedon: created,
      versionnumber: ++version
    }
  })

  const lead: Row[] = []
  for (let i = 0; i < 40; i++) {
    const first = pick(FIRST)
    const last = pick(LAST)
    const [city, country] = pick(CITIES)
    const company = `${pick(PREFIXES)} ${pick(['Labs', 'Systems', 'Studio', 'Foods', 'Logistics', 'Energy'])}`
    const roll = random()
    const [statecode, statuscode] = roll < 0.7 ? [0, random() < 0.5 ? 1 : 2] : roll < 0.85 ? [1, 3] : [2, 4 + Math.floor(random() * 4)]
    const item = pick(PRODUCTS)
    lead.push({
      leadid: guid(random),
      subject: `${pick(TOPICS)} ${item[0]}`,
      firstname: first,
      lastname: last,
      fullname: `${first} ${last}`,
      companyname: company,
      jobtitle: pick(TITLES),
      emailaddress1: `${first}.${last}@${company.toLowerCase().replace(/[^a-z]+/g, '')}.example`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
      telephone1: `+1 555 03${String(i).padStart(2, '0')}`,
      address1_city: city,
      address1_country: country,
      description: null,
      estimatedamount: item[1] * (1 + Math.floor(random() * 20)),
      leadsourcecode: 1 + Math.floor(random() * 10),
      leadqualitycode: 1 + Math.floor(random() * 3),
      statecode,
      statuscode,
      _parentaccountid_value: statecode === 1 ? accounts[40 + i]!.accountid : null,
      _parentcontactid_value: null,
      _qualifyingopportunityid_value: null,
      _transactioncurrencyid_value: USD_ID,
      ...owned(pick(owners), at(i))
    })
  }

  const opportunity: Row[] = []
  const opportunityclose: Row[] = []
  for (let i = 0; i < 40; i++) {
    const account = accounts[(i * 3) % accounts.length]!
    const contact = contacts[(i * 5) % contacts.length]!
    const byContact = i % 3 === 2
    const item = pick(PRODUCTS)
    const value = item[1] * (2 + Math.floor(random() * 40))
    const roll = random()
    const [statecode, statuscode] = roll < 0.6 ? [0, random() < 0.8 ? 1 : 2] : roll < 0.85 ? [1, 3] : [2, random() < 0.5 ? 4 : 5]
    const created = at(5 + i)
    const closed = statecode === 0 ? null : date(40 + i)
    const owner = String(account._ownerid_value)
    const row: Row = {
      opportunityid: guid(random),
      name: `${1 + Math.floor(random() * 50)} × ${item[0]} for ${String(account.name)}`,
      description: null,
      estimatedvalue: value,
      estimatedclosedate: date(30 + i * 2),
      actualvalue: statecode === 1 ? value : null,
      actualclosedate: closed,
      closeprobability: statecode === 0 ? 10 + Math.floor(random() * 80) : statecode === 1 ? 100 : 0,
      opportunityratingcode: 1 + Math.floor(random() * 3),
      salesstagecode: statecode === 0 ? Math.floor(random() * 3) : 3,
      statecode,
      statuscode,
      _customerid_value: byContact ? contact.contactid : account.accountid,
      '_customerid_value@type': byContact ? 'contact' : 'account',
      _parentaccountid_value: byContact ? null : account.accountid,
      _parentcontactid_value: byContact ? contact.contactid : null,
      _originatingleadid_value: null,
      _transactioncurrencyid_value: USD_ID,
      ...owned(owner, created)
    }
    opportunity.push(row)
    if (closed) {
      const won = statecode === 1
      opportunityclose.push({
        activityid: guid(random),
        subject: `${won ? 'Won' : 'Lost'}: ${String(row.name)}`,
        description: null,
        actualend: `${closed}T17:00:00Z`,
        actualrevenue: won ? value : null,
        activitytypecode: 'opportunityclose',
        statecode: 1,
        statuscode: 2,
        _opportunityid_value: row.opportunityid,
        _regardingobjectid_value: null,
        ...owned(owner, `${closed}T17:00:00Z`)
      })
    }
  }

  const incident: Row[] = []
  for (let i = 0; i < 30; i++) {
    const byContact = i % 4 === 3
    const account = accounts[(i * 7) % accounts.length]!
    const contact = contacts[(i * 11) % contacts.length]!
    const prod = product[i % product.length]!
    const roll = random()
    const [statecode, statuscode] = roll < 0.55 ? [0, 1 + Math.floor(random() * 4)] : roll < 0.9 ? [1, random() < 0.7 ? 5 : 1000] : [2, 6]
    incident.push({
      incidentid: guid(random),
      title: `${String(prod.name)} ${pick(CASE_TITLES)}`,
      ticketnumber: `CAS-${String(1001 + i).padStart(5, '0')}-${Array.from({ length: 6 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[Math.floor(random() * 32)]).join('')}`,
      description: null,
      caseorigincode: pick([1, 2, 3, 2483, 3986]),
      casetypecode: 1 + Math.floor(random() * 3),
      prioritycode: 1 + Math.floor(random() * 3),
      statecode,
      statuscode,
      _customerid_value: byContact ? contact.contactid : account.accountid,
      '_customerid_value@type': byContact ? 'contact' : 'account',
      _productid_value: prod.productid,
      ...owned(String(account._ownerid_value), at(10 + i))
    })
  }

  const regardingPool: Array<{ table: string; row: Row; id: string }> = [
    ...accounts.slice(0, 20).map((row) => ({ table: 'account', row, id: String(row.accountid) })),
    ...contacts.slice(0, 20).map((row) => ({ table: 'contact', row, id: String(row.contactid) })),
    ...lead.slice(0, 10).map((row) => ({ table: 'lead', row, id: String(row.leadid) })),
    ...opportunity.slice(0, 10).map((row) => ({ table: 'opportunity', row, id: String(row.opportunityid) })),
    ...incident.slice(0, 10).map((row) => ({ table: 'incident', row, id: String(row.incidentid) }))
  ]
  const activity = (type: 'email' | 'phonecall', i: number): Row => {
    const regarding = pick(regardingPool)
    const done = random() < 0.6
    const outgoing = random() < 0.7
    const when = at(20 + i)
    const common: Row = {
      activityid: guid(random),
      description: null,
      scheduledstart: null,
      scheduledend: when,
      actualend: done ? when : null,
      actualdurationminutes: type === 'phonecall' && done ? 5 + Math.floor(random() * 40) : null,
      prioritycode: 1,
      activitytypecode: type,
      _regardingobjectid_value: regarding.id,
      '_regardingobjectid_value@type': regarding.table,
      ...owned(String(regarding.row._ownerid_value ?? owners[0]), when)
    }
    if (type === 'email') {
      return { ...common, subject: pick(EMAIL_SUBJECTS), sender: outgoing ? 'sales@sandbox.example' : `customer${i}@example.com`, torecipients: outgoing ? `customer${i}@example.com` : 'sales@sandbox.example', directioncode: outgoing, statecode: done ? 1 : 0, statuscode: done ? (outgoing ? 3 : 4) : 1 }
    }
    return { ...common, subject: pick(CALL_SUBJECTS), phonenumber: `+1 555 04${String(i).padStart(2, '0')}`, directioncode: outgoing, statecode: done ? 1 : 0, statuscode: done ? (outgoing ? 2 : 4) : 1 }
  }
  const email = Array.from({ length: 30 }, (_, i) => activity('email', i))
  const phonecall = Array.from({ length: 30 }, (_, i) => activity('phonecall', i))
  return { product, lead, opportunity, opportunityclose, incident, email, phonecall }
}
