import { describe, expect, it } from 'vitest'
import { DATAVERSE_CODES, wordsFor } from './dataverseCodes'
import { decodeError } from './decode'

describe('decodeError', () => {
  it('puts the code in words with the fix', () => {
    const e = decodeError(404, [['x-ms-service-request-id', 'req-1']], JSON.stringify({ error: { code: '0x80040217', message: 'account With Id = 1 Does Not Exist' } }))!
    expect(e).toMatchObject({ code: '0x80040217', message: 'account With Id = 1 Does Not Exist', requestId: 'req-1', throttle: null })
    expect(e.words).toMatchObject({ name: 'ObjectDoesNotExist', title: 'Record not found' })
    for (const code of ['0x80040220', '0x80072560', '0x80060891', '0x80040237', '0x80048d19', '0x8006088A']) expect(wordsFor(code), code).not.toBeNull()
    // Every fix is a sentence a person can act on.
    for (const [code, w] of Object.entries(DATAVERSE_CODES)) {
      expect(code).toBe(code.toLowerCase())
      expect(w.fix.length, code).toBeGreaterThan(40)
    }
  })

  it('names the service protection limit of a 429 and reads Retry-After', () => {
    const e = decodeError(429, [['Retry-After', '12'], ['x-ms-ratelimit-burst-remaining-xrm-requests', '0'], ['x-ms-ratelimit-time-remaining-xrm-requests', '1,199,000.00']], JSON.stringify({ error: { code: '0x80072322', message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' } }))!
    expect(e.throttle).toEqual({ limit: 'requests', retryAfter: 12 })
    expect(e.words!.title).toBe('Service protection limit: number of requests')
    expect(e.rateLimits.map(([k]) => k)).toEqual(['x-ms-ratelimit-burst-remaining-xrm-requests', 'x-ms-ratelimit-time-remaining-xrm-requests'])
    expect(decodeError(429, [['retry-after', '3']], JSON.stringify({ error: { code: '0x80072326', message: 'x' } }))!.throttle).toEqual({ limit: 'concurrent requests', retryAfter: 3 })
    expect(decodeError(429, [], '')!.throttle).toEqual({ limit: null, retryAfter: null })
  })

  it('finds the plug-in, its trace and the other details in annotations or headers', () => {
    const body = {
      error: {
        code: '0x80040265',
        message: 'Discount must be positive.',
        '@Microsoft.PowerApps.CDS.ErrorDetails.OperationStatus': '0',
        '@Microsoft.PowerApps.CDS.ErrorDetails.SubErrorCode': '-2146233088',
        '@Microsoft.PowerApps.CDS.ErrorDetails.ApiExceptionSourceKey': 'Plugin/Contoso.Plugins.DiscountPlugin, Contoso.Plugins, Version=1.0.0.0',
        '@Microsoft.PowerApps.CDS.HelpLink': 'http://go.microsoft.com/fwlink/?LinkID=398563&error=Microsoft.Crm.CrmException%3a80040265&client=platform',
        '@Microsoft.PowerApps.CDS.TraceText': '\r\n[Contoso.Plugins: Contoso.Plugins.DiscountPlugin]\r\nEntered Execute\r\n'
      }
    }
    const e = decodeError(400, [], JSON.stringify(body))!
    expect(e.plugin).toBe('Contoso.Plugins.DiscountPlugin')
    expect(e.trace).toBe('[Contoso.Plugins: Contoso.Plugins.DiscountPlugin]\r\nEntered Execute')
    expect(e.details).toContainEqual(['SubErrorCode', '-2146233088'])
    expect(e.helpLink).toContain('fwlink')
    const fromHeaders = decodeError(400, [['Microsoft.PowerApps.CDS.ErrorDetails.Plugin.ExceptionFromPluginExecute', 'Contoso.Plugins.Other']], JSON.stringify({ error: { code: '0x80040265', message: 'x' } }))!
    expect(fromHeaders.plugin).toBe('Contoso.Plugins.Other')
  })

  it('makes OData innererror tidy: type, message and stack lines, following internalexception', () => {
    const e = decodeError(400, [], JSON.stringify({ error: { code: '0x0', message: 'outer', innererror: { message: 'inner', type: 'Microsoft.OData.ODataException', stacktrace: '   at A.B()\r\n   at C.D()', internalexception: { message: 'deepest', type: 'System.FormatException', stacktrace: '' } } } }))!
    expect(e.inner).toEqual([
      { type: 'Microsoft.OData.ODataException', message: 'inner', stack: ['at A.B()', 'at C.D()'] },
      { type: 'System.FormatException', message: 'deepest', stack: [] }
    ])
  })

  it('is null for a success, and keeps what a non-JSON error page says', () => {
    expect(decodeError(200, [], '{}')).toBeNull()
    expect(decodeError(502, [], 'Bad Gateway')).toMatchObject({ code: null, message: 'Bad Gateway', words: null })
    expect(decodeError(502, [], '<html>…</html>')!.message).toBe('')
  })
})
