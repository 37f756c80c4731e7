import { describe, expect, it } from 'vitest'
import { parseCurl, shellWords } from './curlParse'

describe('curl → request', () => {
  it('reads bash quoting and line continuations, as Chrome copies a request', () => {
    const { request, warnings } = parseCurl(`curl 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$select=name' \\
  -H 'accept: application/json' \\
  -H "prefer: odata.include-annotations=\\"*\\"" \\
  -H $'x-note: it\\'s' \\
  --compressed`)
    expect(request).toMatchObject({
      method: 'GET',
      url: 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$select=name',
      headers: [
        { key: 'accept', value: 'application/json' },
        { key: 'prefer', value: 'odata.include-annotations="*"' },
        { key: 'x-note', value: "it's" }
      ],
      body: ''
    })
    expect(warnings).toEqual([])
  })

  it('reads -X, -d/--data-raw/--data-binary, --data-urlencode, -u, -G, --url and bundled short options', () => {
    expect(parseCurl(`curl -XPATCH https://x/api/a(1) -H 'Content-Type: application/json' --data-raw '{"name":"A"}'`).request).toMatchObject({ method: 'PATCH', body: '{"name":"A"}' })
    expect(parseCurl(`curl -sSL -d a=1 -d b=2 https://x/form`).request).toMatchObject({ method: 'POST', body: 'a=1&b=2', headers: [{ key: 'Content-Type', value: 'application/x-www-form-urlencoded' }] })
    expect(parseCurl(`curl --data-urlencode 'q=a b&c' --data-urlencode '=x/y' -G https://x/search`).request).toMatchObject({ method: 'GET', url: 'https://x/search?q=a+b%26c&x%2Fy', body: '' })
    expect(parseCurl(`curl -u user:pa:ss --url https://x/basic`).request).toMatchObject({ url: 'https://x/basic', headers: [{ key: 'Authorization', value: `Basic ${Buffer.from('user:pa:ss').toString('base64')}` }] })
    expect(parseCurl(`curl --data-binary $'line1\\nline2' https://x/raw`).request.body).toBe('line1\nline2')
    expect(parseCurl(`curl --json '{"a":1}' https://x/j`).request).toMatchObject({ method: 'POST', headers: [{ key: 'Content-Type', value: 'application/json' }, { key: 'Accept', value: 'application/json' }] })
    expect(parseCurl(`curl -I https://x/h`).request.method).toBe('HEAD')
    expect(parseCurl(`curl {{webApiUrl}}/WhoAmI`).request.url).toBe('{{webApiUrl}}/WhoAmI')
  })

  it('reads PowerShell and cmd quoting', () => {
    const ps = parseCurl("curl.exe -X POST 'https://x/api/accounts' `\n  -H 'Content-Type: application/json' `\n  -d '{\"name\":\"O''Neil\"}'")
    expect(ps.request).toMatchObject({ method: 'POST', url: 'https://x/api/accounts', body: `{"name":"O'Neil"}` })
    expect(shellWords('curl "a `"b`" $x"', 'powershell')).toEqual(['curl', 'a "b" $x'])
    const cmd = parseCurl('curl "https://x/api/accounts" ^\n  -H "Accept: application/json" ^\n  --data-raw "{^"name^":^"A^"}"')
    // curl's own default for -d without a Content-Type: a form.
    expect(cmd.request).toMatchObject({ url: 'https://x/api/accounts', headers: [{ key: 'Accept', value: 'application/json' }, { key: 'Content-Type', value: 'application/x-www-form-urlencoded' }], body: '{"name":"A"}' })
  })

  it('reports what it cannot honour and refuses what is not curl', () => {
    const { warnings } = parseCurl(`curl -k -F 'file=@a.png' -d @body.json https://x/u`)
    expect(warnings.join('\n')).toMatch(/insecure[\s\S]*multipart[\s\S]*body file body\.json/)
    expect(() => parseCurl('wget https://x')).toThrow(/does not start with "curl"/)
    expect(() => parseCurl("curl 'https://x")).toThrow(/never closed/)
    expect(() => parseCurl('curl -H')).toThrow(/needs a value/)
    expect(() => parseCurl('curl -X BREW https://x')).toThrow(/BREW is not one/)
    expect(() => parseCurl('curl -s')).toThrow(/no URL/)
  })
})
