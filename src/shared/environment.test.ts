import { describe, expect, it } from 'vitest'
import { EnvironmentInput, normalizeOrgUrl } from './environment'
import { SettingsPatch } from './settings'
import { findVariableRefs, substituteVariables } from './variables'

describe('normalizeOrgUrl', () => {
  it.each([
    ['https://contoso.crm.dynamics.com', 'https://contoso.crm.dynamics.com'],
    ['https://contoso.crm.dynamics.com/', 'https://contoso.crm.dynamics.com'],
    ['  https://Contoso.CRM4.dynamics.com/  ', 'https://contoso.crm4.dynamics.com'],
    ['https://crm.contoso.local:8443', 'https://crm.contoso.local:8443']
  ])('accepts %s as %s', (input, expected) => {
    expect(normalizeOrgUrl(input)).toEqual({ ok: true, url: expected })
  })

  it.each([
    ['', 'Enter the org URL'],
    ['contoso', 'is not a URL'],
    ['http://contoso.crm.dynamics.com', 'must use https'],
    ['https://contoso.crm.dynamics.com/main.aspx', 'just the host: use https://contoso.crm.dynamics.com'],
    ['https://contoso.crm.dynamics.com/?appid=1', 'just the host'],
    ['https://user:pw@contoso.crm.dynamics.com', 'user name or password']
  ])('rejects %j with a message that says what to fix', (input, message) => {
    const result = normalizeOrgUrl(input)
    expect(result.ok).toBe(false)
    expect(!result.ok && result.message).toContain(message)
  })
})

describe('EnvironmentInput', () => {
  it('fills defaults and normalizes the org URL', () => {
    const env = EnvironmentInput.parse({ name: ' Dev ', orgUrl: 'https://dev.crm.dynamics.com/' })
    expect(env).toMatchObject({ name: 'Dev', orgUrl: 'https://dev.crm.dynamics.com', cloud: 'public', auth: { grant: 'none' }, color: 'slate' })
  })

  it('rejects duplicate variable names, pointing at the second', () => {
    const result = EnvironmentInput.safeParse({ name: 'x', orgUrl: 'https://x.crm.dynamics.com', variables: [{ key: 'a' }, { key: 'a' }] })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]).toMatchObject({ path: ['variables', 1, 'key'], message: '"a" is defined twice.' })
  })

  it('rejects variable names that {{}} could not reference', () => {
    const result = EnvironmentInput.safeParse({ name: 'x', orgUrl: 'https://x.crm.dynamics.com', variables: [{ key: 'my var' }] })
    expect(result.success).toBe(false)
  })

  it('requires an https authority for a custom cloud', () => {
    const result = EnvironmentInput.safeParse({ name: 'x', orgUrl: 'https://x.contoso.local', cloud: 'custom', authorityUrl: 'http://adfs.contoso.local/adfs' })
    expect(result.error?.issues[0]?.message).toBe('The authority must use https.')
  })

  it('takes a group and an https Global Discovery URL, and names what is wrong with another', () => {
    expect(EnvironmentInput.parse({ name: 'x', orgUrl: 'https://x.crm.dynamics.com', group: ' Contoso ', discoveryUrl: ' https://globaldisco.crm.dynamics.com ' })).toMatchObject({ group: 'Contoso', discoveryUrl: 'https://globaldisco.crm.dynamics.com' })
    for (const discoveryUrl of ['http://globaldisco.crm.dynamics.com', 'globaldisco', 'https://']) {
      const result = EnvironmentInput.safeParse({ name: 'x', orgUrl: 'https://x.crm.dynamics.com', discoveryUrl })
      expect(result.error?.issues[0], discoveryUrl).toMatchObject({ path: ['discoveryUrl'], message: expect.stringContaining('https address') })
    }
  })

  it('rejects a CA field that holds no PEM certificate', () => {
    const result = EnvironmentInput.safeParse({ name: 'x', orgUrl: 'https://x.crm.dynamics.com', caCertificatePem: 'hello' })
    expect(result.error?.issues[0]?.path).toEqual(['caCertificatePem'])
  })

  it('validates each grant profile and defaults its secret fields to unset', () => {
    const env = EnvironmentInput.parse({ name: 'x', orgUrl: 'https://x.crm.dynamics.com', auth: { grant: 'client_credentials', clientId: 'abc', scopes: '' } })
    expect(env.auth).toMatchObject({ grant: 'client_credentials', credential: 'secret', clientSecret: { isSet: false } })
    expect(EnvironmentInput.safeParse({ name: 'x', orgUrl: 'https://x.crm.dynamics.com', auth: { grant: 'magic' } }).success).toBe(false)
  })
})

describe('variables', () => {
  it('finds {{name}} references with their positions', () => {
    expect(findVariableRefs('{{a}}/x/{{ b.c }}')).toEqual([
      { name: 'a', start: 0, end: 5 },
      { name: 'b.c', start: 8, end: 17 }
    ])
  })

  it('substitutes known names and reports unknown ones once each', () => {
    const r = substituteVariables('{{orgUrl}}/{{id}}/{{id}}/{{x}}', new Map([['orgUrl', 'https://o']]))
    expect(r).toEqual({ text: 'https://o/{{id}}/{{id}}/{{x}}', unknown: ['id', 'x'] })
  })

  it('does not re-substitute inside substituted values', () => {
    expect(substituteVariables('{{a}}', new Map([['a', '{{b}}'], ['b', 'no']])).text).toBe('{{b}}')
  })
})

describe('SettingsPatch', () => {
  it('changes only the fields given (no defaults filled in)', () => {
    expect(SettingsPatch.parse({ theme: 'dark' })).toEqual({ theme: 'dark' })
  })
  it('rejects unknown fields and out-of-range values', () => {
    expect(SettingsPatch.safeParse({ colour: 'x' }).success).toBe(false)
    expect(SettingsPatch.safeParse({ requestTimeoutMs: 10 }).error?.issues[0]?.message).toContain('at least 1 second')
  })
})
