import { describe, expect, it } from 'vitest'
import { DataverseFailure } from '../errors'
import { defaultSeed } from '../seed'
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter, type FilterContext } from './filter'
import { SandboxOrg } from './org'
import { tableByName } from './schema'
import { tableScope } from './scopes'

const org = new SandboxOrg(defaultSeed(''), null)
const account = tableScope(org, tableByName.get('account')!)
const ctx: FilterContext = { alias: () => null, now: () => new Date(), userId: '00000000-0000-0000-0000-000000000001', businessUnitId: '00000000-0000-0000-0000-000000000002' }

function failure(run: () => unknown): DataverseFailure {
  try {
    run()
  } catch (error) {
    if (error instanceof DataverseFailure) return error
    throw error
  }
  throw new Error('expected a Dataverse error')
}

describe('$filter limits', () => {
  it('answers 3,000 nested parentheses with the OData parser\'s 400, not a stack overflow', () => {
    const text = `${'('.repeat(3000)}name eq 'x'${')'.repeat(3000)}`
    const error = failure(() => parseFilter(text, account, ctx))
    expect(error.status).toBe(400)
    expect(error.toBody()).toEqual({ error: { code: '0x80060888', message: 'Recursion depth exceeded allowed limit.' } })
  })

  it('refuses deep chains of not and nested functions the same way', () => {
    const nots = `${'not '.repeat(5000)}name eq 'x'`
    expect(failure(() => parseFilter(nots, account, ctx)).message).toBe('Recursion depth exceeded allowed limit.')
  })

  it('still parses nesting just under the limit', () => {
    const depth = MAX_FILTER_DEPTH - 10
    expect(() => parseFilter(`${'('.repeat(depth)}name eq 'x'${')'.repeat(depth)}`, account, ctx)).not.toThrow()
  })

  it('refuses a $filter longer than a URL Dataverse accepts', () => {
    const text = Array.from({ length: MAX_FILTER_LENGTH / 10 }, () => "name eq 'x'").join(' or ')
    const error = failure(() => parseFilter(text, account, ctx))
    expect(error.status).toBe(400)
    expect(error.code).toBe('0x80060888')
  })
})
