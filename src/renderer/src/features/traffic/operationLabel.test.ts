import { describe, expect, it } from 'vitest'
import type { SchemaView } from '@shared/schema'
import { operationLabel } from './operationLabel'

const schema = {
  entityTypeOfSet: (set: string) => ({ accounts: { name: 'account' }, contacts: { name: 'contact' } } as Record<string, unknown>)[set.toLowerCase()] ?? null,
  operation: (name: string) => ({ whoami: [{ kind: 'function', name: 'WhoAmI' }], winopportunity: [{ kind: 'action', name: 'WinOpportunity' }] } as Record<string, unknown[]>)[name.toLowerCase()] ?? []
} as unknown as SchemaView
const p = (rest: string) => `/api/data/v9.2/${rest}`

describe('what a Web API call does, in words', () => {
  it('names records and collections by the table', () => {
    expect(operationLabel('GET', p('accounts?$select=name'), schema)).toBe('Retrieve multiple accounts')
    expect(operationLabel('GET', p('accounts(00000000-0000-0000-0000-000000000001)'), schema)).toBe('Retrieve account')
    expect(operationLabel('POST', p('contacts'), schema)).toBe('Create contact')
    expect(operationLabel('PATCH', p('accounts(1)'), schema)).toBe('Update (upsert) account')
    expect(operationLabel('DELETE', p('accounts(1)'), schema)).toBe('Delete account')
    expect(operationLabel('GET', p('accounts(1)/contact_customer_accounts'), schema)).toBe('Retrieve account contact_customer_accounts')
    expect(operationLabel('POST', p('accounts(1)/contact_customer_accounts/$ref'), schema)).toBe('Associate account')
  })

  it('names actions and functions, bound and unbound, and the service\'s own documents', () => {
    expect(operationLabel('GET', p('WhoAmI'), schema)).toBe('Function WhoAmI')
    expect(operationLabel('POST', p('WinOpportunity'), schema)).toBe('Action WinOpportunity')
    expect(operationLabel('POST', p('accounts(1)/Microsoft.Dynamics.CRM.sample_Do'), schema)).toBe('Action sample_Do (bound to accounts)')
    expect(operationLabel('POST', p('$batch'), schema)).toBe('$batch')
    expect(operationLabel('GET', p('$metadata'), schema)).toBe('Metadata ($metadata)')
    expect(operationLabel('GET', p('EntityDefinitions'), schema)).toBe('Metadata: EntityDefinitions')
  })

  it('says nothing about what is not the Web API or not in the schema', () => {
    expect(operationLabel('POST', '/tenant/oauth2/v2.0/token', schema)).toBeNull()
    expect(operationLabel('GET', p('nosuchthings'), schema)).toBeNull()
    expect(operationLabel('GET', p('accounts'), null)).toBe('Retrieve multiple accounts')
    expect(operationLabel('GET', p('WhoAmI'), null)).toBe('Function WhoAmI')
  })
})
