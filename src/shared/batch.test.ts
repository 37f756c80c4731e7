import { describe, expect, it } from 'vitest'
import { batchProblems, matchBatch, parseBatchRequest, parseBatchResponse, unitsOf, writeBatch, type BatchRequest } from './batch'

const req = (method: BatchRequest['method'], url: string, body = '', changeSet: string | null = null): BatchRequest => ({ method, url, headers: [], body, changeSet })

describe('$batch: writing', () => {
  it('writes lone requests as parts and a change set as a nested multipart with Content-IDs 1, 2, … in order', () => {
    const requests = [req('GET', '{{webApiUrl}}/WhoAmI'), req('POST', '{{webApiUrl}}/accounts', '{"name":"A"}', 'cs'), req('POST', '{{webApiUrl}}/contacts', '{"parentcustomerid_account@odata.bind":"$1"}', 'cs')]
    const { body, contentType } = writeBatch(requests, 't')
    expect(contentType).toBe('multipart/mixed; boundary=batch_t')
    expect(body).toBe(
      [
        '--batch_t',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        '',
        'GET {{webApiUrl}}/WhoAmI HTTP/1.1',
        '',
        '',
        '--batch_t',
        'Content-Type: multipart/mixed; boundary=changeset_t_2',
        '',
        '--changeset_t_2',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        'Content-ID: 1',
        '',
        'POST {{webApiUrl}}/accounts HTTP/1.1',
        'Content-Type: application/json; type=entry',
        '',
        '{"name":"A"}',
        '--changeset_t_2',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        'Content-ID: 2',
        '',
        'POST {{webApiUrl}}/contacts HTTP/1.1',
        'Content-Type: application/json; type=entry',
        '',
        '{"parentcustomerid_account@odata.bind":"$1"}',
        '--changeset_t_2--',
        '--batch_t--',
        ''
      ].join('\r\n')
    )
    expect(writeBatch(requests, 't').body).toBe(body)
  })

  it('groups neighbours of one change set and names what cannot be sent', () => {
    expect(unitsOf([req('POST', 'a', '', 'x'), req('POST', 'b', '', 'x'), req('GET', 'c'), req('POST', 'd', '', 'x')]).map((u) => u.indexes)).toEqual([[0, 1], [2], [3]])
    expect(batchProblems([])).toEqual(['Add a request to the batch.'])
    expect(batchProblems([req('POST', 'a', '', 'x'), req('GET', 'c'), req('POST', 'd', '', 'x')])).toEqual([expect.stringContaining('next to each other')])
    expect(batchProblems([req('GET', 'a', '', 'x')])).toEqual([expect.stringContaining('a change set holds only changes')])
    expect(batchProblems([req('PATCH', '$1', '{}')])).toEqual([expect.stringContaining('uses $1')])
    expect(batchProblems([req('POST', 'a', '', 'x'), req('PATCH', '$1', '{}', 'x')])).toEqual([])
    expect(batchProblems(Array.from({ length: 1001 }, () => req('GET', 'a')))).toEqual([expect.stringContaining('at most 1,000')])
  })
})

describe('$batch: reading the answer', () => {
  const answer = [
    '--batchresponse_1',
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    '',
    'HTTP/1.1 200 OK',
    'Content-Type: application/json; odata.metadata=minimal',
    '',
    '{"UserId":"u"}',
    '--batchresponse_1',
    'Content-Type: multipart/mixed; boundary=changesetresponse_2',
    '',
    '--changesetresponse_2',
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    'Content-ID: 1',
    '',
    'HTTP/1.1 204 No Content',
    'OData-EntityId: https://org/api/data/v9.2/accounts(1)',
    '',
    '',
    '--changesetresponse_2',
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    'Content-ID: 2',
    '',
    'HTTP/1.1 204 No Content',
    '',
    '',
    '--changesetresponse_2--',
    '--batchresponse_1',
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    'Content-ID: 1',
    '',
    'HTTP/1.1 400 Bad Request',
    'Content-Type: application/json',
    '',
    '{"error":{"code":"0x0","message":"bad"}}',
    '--batchresponse_1--',
    ''
  ].join('\r\n')

  it('reads every part with its status, headers, body, Content-ID and change set', () => {
    const parts = parseBatchResponse('multipart/mixed; boundary=batchresponse_1', answer)!
    expect(parts.map((p) => [p.status, p.contentId, p.changeSet])).toEqual([[200, null, null], [204, '1', 1], [204, '2', 1], [400, '1', null]])
    expect(parts[0]!.body).toBe('{"UserId":"u"}')
    expect(parts[1]!.headers).toEqual([['OData-EntityId', 'https://org/api/data/v9.2/accounts(1)']])
    expect(parseBatchResponse('application/json', answer)).toBeNull()
  })

  it('matches parts to requests: a change set answered by Content-ID, a failed one rolled back, the rest not run', () => {
    const requests = [req('GET', 'w'), req('POST', 'a', '{}', 'one'), req('POST', 'b', '{}', 'one'), req('POST', 'c', '{}', 'two'), req('POST', 'd', '{}', 'two'), req('GET', 'e')]
    const parts = parseBatchResponse('multipart/mixed; boundary=batchresponse_1', answer)!
    const outcomes = matchBatch(requests, parts)
    expect(outcomes.map((o) => (o.kind === 'answered' ? o.part.status : o.kind))).toEqual([200, 204, 204, 400, 'rolledBack', 'notRun'])
    expect(outcomes[4]).toEqual({ kind: 'rolledBack', failedAt: 3 })
  })
})

describe('$batch: reading a request back', () => {
  it('gives the requests written, in order, with their change sets and Content-IDs', () => {
    const requests = [req('GET', '{{webApiUrl}}/WhoAmI'), req('POST', '{{webApiUrl}}/accounts', '{"name":"A"}', 'cs'), req('PATCH', '$1', '{"name":"B"}', 'cs')]
    const { body, contentType } = writeBatch(requests, 'r')
    expect(parseBatchRequest(contentType, body)).toEqual([
      { method: 'GET', url: '{{webApiUrl}}/WhoAmI', headers: [], body: '', contentId: null, changeSet: null },
      { method: 'POST', url: '{{webApiUrl}}/accounts', headers: [['Content-Type', 'application/json; type=entry']], body: '{"name":"A"}', contentId: '1', changeSet: 1 },
      { method: 'PATCH', url: '$1', headers: [['Content-Type', 'application/json; type=entry']], body: '{"name":"B"}', contentId: '2', changeSet: 1 }
    ])
    expect(parseBatchRequest('application/json', body)).toBeNull()
  })
})
