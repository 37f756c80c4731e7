import { describe, expect, it } from 'vitest'
import { aad } from '../../sandbox/errors'
import { explainAadsts } from './aadsts'

describe('explainAadsts', () => {
  // Every error the Sandbox can emit, called with sample arguments: each must have a specific explanation and fix.
  const samples = Object.entries(aad).map(([name, factory]) => {
    const sample = new Date(0)
    const failure = (factory as (...args: unknown[]) => { code: number; message: string })(sample, sample, sample)
    return [name, failure.code, failure.message] as const
  })

  it.each(samples)('%s (AADSTS%i) is explained with a fix', (_name, code, message) => {
    const explained = explainAadsts(message)
    expect(explained?.code).toBe(`AADSTS${code}`)
    expect(explained?.title).not.toBe('Sign-in refused')
    expect(explained?.fix.length).toBeGreaterThan(20)
  })

  it.each([
    [700016, 'client id and the tenant'],
    [7000215, "value (shown once when it was created), not its secret id"],
    [50011, 'Add this exact redirect URI']
  ])('AADSTS%i gives the fix the issue names', (code, fix) => {
    expect(explainAadsts(`AADSTS${code}: whatever`)?.fix).toContain(fix)
  })

  it('links unknown codes to the reference and ignores text without a code', () => {
    expect(explainAadsts('AADSTS123456: new')).toMatchObject({ title: 'Sign-in refused', fix: expect.stringContaining('error?code=123456') })
    expect(explainAadsts('socket hang up')).toBeNull()
  })
})
