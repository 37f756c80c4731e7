import { describe, expect, it } from 'vitest'
import type { TrafficEntry } from '../../../shared/traffic'
import { findTokens } from './tokens'

const jwt = (n: number) => `eyJhbGciOiJSUzI1NiJ9.eyJuIjo${n}fQ.c2ln${n}`

function entry(partial: Partial<TrafficEntry>): TrafficEntry {
  return { url: 'https://login.example/token', requestHeaders: [], responseHeaders: [], requestBody: null, responseBody: null, ...partial } as TrafficEntry
}
const body = (text: string, contentType: string) => ({ text, contentType, encoding: 'utf8' as const, size: text.length, truncated: false, spilled: false })

describe('tokens in a traffic entry', () => {
  it('finds the bearer token, token responses, assertions in forms and tokens in URLs and redirects', () => {
    const found = findTokens(
      entry({
        url: `https://app.example/cb?code=x#id_token=${jwt(1)}&state=s`,
        requestHeaders: [['Authorization', `Bearer ${jwt(2)}`]],
        requestBody: body(`grant_type=client_credentials&client_assertion=${jwt(3)}&client_id=a`, 'application/x-www-form-urlencoded'),
        responseBody: body(JSON.stringify({ access_token: jwt(4), id_token: jwt(5), refresh_token: 'opaque-refresh', expires_in: 3600 }), 'application/json'),
        responseHeaders: [['Location', `https://app.example/#access_token=${jwt(6)}`]]
      } as Partial<TrafficEntry>)
    )
    expect(found.map((f) => f.where)).toEqual([
      'request header Authorization',
      'URL fragment id_token',
      'request body client_assertion',
      'response body access_token',
      'response body id_token',
      'redirect fragment access_token'
    ])
    expect(found[1]!.token).toBe(jwt(1))
  })

  it('finds nothing in an entry without tokens, and survives odd URLs and bodies', () => {
    expect(findTokens(entry({ url: 'not a url', requestHeaders: [['Authorization', 'Basic abc']], responseBody: body('{not json', 'application/json') } as Partial<TrafficEntry>))).toEqual([])
  })
})
