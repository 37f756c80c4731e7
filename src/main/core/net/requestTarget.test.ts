import { describe, expect, it } from 'vitest'
import { HOSTILE_TARGETS, prng } from '../../testing/rawHttp'
import { isLoopbackAuthority } from './host'
import { MAX_TARGET_LENGTH, parseRequestTarget } from './requestTarget'

const origin = 'http://127.0.0.1:5050'
const parse = (target: unknown, method = 'GET') => parseRequestTarget(target, { origin, method })

describe('parseRequestTarget', () => {
  it.each([
    ['/', '/', ''],
    ['/a/b?x=1&y=%20z', '/a/b', '?x=1&y=%20z'],
    ['//', '//', ''],
    ['//evil.example/x', '//evil.example/x', ''],
    ['//[', '//[', ''],
    ['/api/data/v9.2/accounts?$filter=Microsoft.Dynamics.CRM.In(PropertyName=%27name%27,PropertyValues=[%27a%27])', '/api/data/v9.2/accounts', '?$filter=Microsoft.Dynamics.CRM.In(PropertyName=%27name%27,PropertyValues=[%27a%27])'],
    ['/caf%C3%A9', '/caf%C3%A9', '']
  ])('reads the origin-form %j as a path on this listener', (target, pathname, search) => {
    const r = parse(target)
    expect(r).toMatchObject({ ok: true, form: 'origin', pathname, authority: null })
    if (!r.ok) return
    expect(r.url.origin).toBe(origin)
    expect(r.url.search).toBe(search)
  })

  it('reads an absolute-form target on this origin and names the authority it asked for', () => {
    const r = parse('https://Login.Example:8443/t/oauth2/v2.0/token?x=1')
    expect(r).toMatchObject({ ok: true, form: 'absolute', pathname: '/t/oauth2/v2.0/token', authority: 'login.example:8443' })
    if (r.ok) expect(r.url.href).toBe(`${origin}/t/oauth2/v2.0/token?x=1`)
    expect(r.ok && r.searchParams.get('x')).toBe('1')
  })

  it('accepts * for OPTIONS only', () => {
    expect(parse('*', 'OPTIONS')).toMatchObject({ ok: true, form: 'asterisk' })
    expect(parse('*', 'GET')).toMatchObject({ ok: false, status: 400, reason: 'The target * is only for OPTIONS requests.' })
  })

  it.each([
    ['http://[::1', 'not a valid URL'],
    ['http://%zz/', 'percent-encoded byte'],
    ['http://%41%/', 'percent-encoded byte'],
    ['http://%ff/', 'not UTF-8'],
    ['http://%00/', 'not a valid URL'],
    ['http://a b/', 'control character'],
    ['http://a:99999/', 'not a valid URL'],
    ['http://', 'not a valid URL'],
    ['127.0.0.1:80', 'only for CONNECT'],
    ['ftp://x/', 'Only http and https'],
    ['javascript:alert(1)', 'must start with /'],
    ['x', 'must start with /'],
    ['http://user:pw@127.0.0.1/', 'credentials'],
    ['/%', 'does not start a percent-encoded byte'],
    ['/%zz', 'does not start a percent-encoded byte'],
    ['/%E0%A4%A', 'does not start a percent-encoded byte'],
    ['/?%%%=%%%', 'does not start a percent-encoded byte'],
    ['/%FF', 'not UTF-8'],
    ['/%C3', 'not UTF-8'],
    ['/a#b', 'fragment'],
    ['/a b', 'control character'],
    ['/a\u0000b', 'control character'],
    ['/a\u007fb', 'control character'],
    ['/\r\nX: y', 'control character'],
    ['/é', 'non-ASCII'],
    ['', 'no target'],
    [undefined, 'no target'],
    [42, 'no target']
  ])('refuses %j with 400 and a short reason', (target, reason) => {
    const r = parse(target)
    expect(r).toMatchObject({ ok: false, status: 400 })
    if (!r.ok) {
      expect(r.reason).toContain(reason)
      expect(r.reason.length).toBeLessThan(120)
    }
  })

  it('answers 414 past the length limit, which callers can lower', () => {
    expect(parse(`/${'a'.repeat(MAX_TARGET_LENGTH)}`)).toMatchObject({ ok: false, status: 414 })
    expect(parse(`/${'a'.repeat(MAX_TARGET_LENGTH - 1)}`)).toMatchObject({ ok: true })
    expect(parseRequestTarget('/abcdef', { origin, maxLength: 4 })).toMatchObject({ ok: false, status: 414 })
  })

  it('never throws and always keeps to this origin, for 20,000 seeded random targets', () => {
    const random = prng(13)
    const alphabet = '/?#%[]:@!$&\'()*+,;=-._~azAZ09 \\\u0000\u007f"<>^`{|}é'
    for (let i = 0; i < 20_000; i++) {
      const base = random() < 0.3 ? HOSTILE_TARGETS[Math.floor(random() * HOSTILE_TARGETS.length)]! : random() < 0.5 ? '/' : 'http://'
      const target = base + Array.from({ length: Math.floor(random() * 24) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
      const r = parse(target, random() < 0.1 ? 'OPTIONS' : 'GET')
      if (r.ok) expect(r.url.origin, target).toBe(origin)
      else expect([400, 414], target).toContain(r.status)
    }
  })

  it('a broken origin is a refusal too, not an exception', () => {
    expect(parseRequestTarget('/', { origin: 'not a url' })).toMatchObject({ ok: false, status: 400 })
  })
})

describe('isLoopbackAuthority', () => {
  it.each([
    ['127.0.0.1:5050', true],
    ['localhost:5050', true],
    ['LocalHost:5050', true],
    ['localhost', false],
    ['127.0.0.1', false],
    ['localhost:5051', false],
    ['[::1]:5050', false],
    ['localhost.:5050', false],
    ['evil.example:5050', false],
    ['127.0.0.1:5050.evil.example', false],
    ['', false],
    [undefined, false]
  ])('%j → %s', (host, ok) => {
    expect(isLoopbackAuthority(host, 5050)).toBe(ok)
  })
})
