import { failure } from '../failures'
import { odataJson } from '../http'
import { recordOf } from './params'
import type { EntityArgument, Operation } from './types'

const TIERS: Array<{ name: string; from: number; percent: number }> = [
  { name: 'Strategic', from: 4_000_000, percent: 10 },
  { name: 'Key', from: 1_000_000, percent: 5 },
  { name: 'Standard', from: 0, percent: 0 }
]
const COUPONS: Record<string, number> = { SANDBOX10: 10, WELCOME5: 5 }
const round = (n: number) => Math.round(n * 100) / 100

/**
 * A Custom API, published the way Dataverse publishes one ("Create and use Custom APIs"): an unbound action
 * `sample_CalculateDiscount` with typed request parameters and a `sample_CalculateDiscountResponse` complex type of
 * response properties. Its "plug-in" prices a deal for a customer: the tier of the account's annual revenue (a
 * contact counts with its company), plus a coupon. A plug-in's errors come back as Dataverse sends them (0x80040265).
 */
export const calculateDiscount: Operation = {
  name: 'sample_CalculateDiscount',
  kind: 'Action',
  customApi: { displayName: 'Calculate discount', description: 'The discount a customer gets on an amount: by the tier of the account\'s annual revenue, plus a coupon code.' },
  parameters: [
    { name: 'Amount', type: 'Edm.Decimal', required: true },
    { name: 'Customer', type: 'mscrm.crmbaseentity', required: false },
    { name: 'CouponCode', type: 'Edm.String', required: false }
  ],
  returns: { type: 'mscrm.sample_CalculateDiscountResponse', nullable: false },
  complexTypes: [
    {
      name: 'sample_CalculateDiscountResponse',
      properties: [
        { name: 'Tier', type: 'Edm.String' },
        { name: 'DiscountPercent', type: 'Edm.Decimal', nullable: false },
        { name: 'DiscountAmount', type: 'Edm.Decimal', nullable: false },
        { name: 'FinalAmount', type: 'Edm.Decimal', nullable: false }
      ]
    }
  ],
  run: ({ call, args }) => {
    const org = call.ctx.org
    const amount = args.get('Amount') as number
    if (amount < 0) throw failure.pluginAborted(`Amount must be zero or more (got ${amount}).`)
    let revenue = 0
    const customerArg = args.get('Customer') as EntityArgument | undefined
    if (customerArg) {
      const customer = recordOf(call, customerArg, 'Customer', ['account', 'contact'])
      const accountId = customer.table.logicalName === 'account' ? customer.row.accountid : customer.row._parentcustomerid_value
      const account = typeof accountId === 'string' ? org.find(org.table('account'), accountId) : undefined
      revenue = Number(account?.revenue ?? 0)
    }
    const tier = TIERS.find((t) => revenue >= t.from)!
    const code = (args.get('CouponCode') as string | undefined)?.trim().toUpperCase() ?? ''
    if (code && COUPONS[code] === undefined) throw failure.pluginAborted(`The coupon code '${code}' is not valid.`)
    const percent = tier.percent + (code ? COUPONS[code]! : 0)
    const discount = round((amount * percent) / 100)
    return odataJson(200, {
      '@odata.context': `${call.base}/$metadata#Microsoft.Dynamics.CRM.sample_CalculateDiscountResponse`,
      Tier: tier.name,
      DiscountPercent: percent,
      DiscountAmount: discount,
      FinalAmount: round(amount - discount)
    })
  }
}
