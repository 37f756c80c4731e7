/**
 * Conformance: "Execute batch operations using the Web API" (powerapps-docs), with the article's task requests
 * sent as written (relative URLs, `Content-Type: application/json; type=entry`, CRLF line ends).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { useConformance, type Collection } from './setup'

const c = useConformance()
let account: string
beforeAll(async () => {
  const r = await c.send('POST', '/accounts', { name: 'Batch account' })
  account = /\(([0-9a-f-]{36})\)$/.exec(r.headers['odata-entityid']!)![1]!
})

const batch = (boundary: string, body: string[], prefer?: string) =>
  c.sb.send('POST', `${c.sb.info.webApiUrl}/$batch`, {
    headers: { authorization: `Bearer ${c.token}`, 'odata-maxversion': '4.0', 'odata-version': '4.0', 'if-none-match': 'null', accept: 'application/json', 'content-type': `multipart/mixed; boundary="${boundary}"`, ...(prefer ? { prefer } : {}) },
    body: body.join('\r\n')
  })
const createTask = (subject: string, contentId?: string) => [
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  ...(contentId ? [`Content-ID: ${contentId}`] : []),
  '',
  'POST /api/data/v9.2/tasks HTTP/1.1',
  'Content-Type: application/json; type=entry',
  '',
  JSON.stringify({ subject, 'regardingobjectid_account_task@odata.bind': `accounts(${account})` })
]
const getTasks = () => ['Content-Type: application/http', 'Content-Transfer-Encoding: binary', '', `GET /api/data/v9.2/accounts(${account})/Account_Tasks?$select=subject HTTP/1.1`, '', '']

describe('batch requests', () => {
  it('[execute-batch-operations-using-web-api] a batch without change sets: three creates, then a GET', async () => {
    const b = 'batch_80dd1615-2a10-428a-bb6f-0e559792721f'
    const r = await batch(b, [`--${b}`, ...createTask('Task 1 in batch'), `--${b}`, ...createTask('Task 2 in batch'), `--${b}`, ...createTask('Task 3 in batch'), `--${b}`, ...getTasks(), `--${b}--`, ''])
    expect(r.status).toBe(200)
    expect(r.headers['odata-version']).toBe('4.0')
    const boundary = /boundary=(batchresponse_[0-9a-f-]{36})/.exec(r.headers['content-type']!)![1]!
    const parts = r.text.split(`--${boundary}`).slice(1, -1)
    expect(parts).toHaveLength(4)
    for (const part of parts.slice(0, 3)) {
      expect(part).toMatch(/^\r\nContent-Type: application\/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP\/1\.1 204 No Content\r\n/)
      expect(part).toMatch(/OData-EntityId: https:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\/tasks\([0-9a-f-]{36}\)/)
      expect(part).toMatch(/Location: https:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\/tasks\([0-9a-f-]{36}\)/)
    }
    expect(parts[3]).toContain('HTTP/1.1 200 OK')
    const json = JSON.parse(parts[3]!.slice(parts[3]!.indexOf('{'))) as Collection
    expect(json['@odata.context']).toMatch(/#tasks\(subject\)$/)
    expect(json.value.map((t) => t.subject)).toEqual(expect.arrayContaining(['Task 1 in batch', 'Task 2 in batch', 'Task 3 in batch']))
  })

  it('[execute-batch-operations-using-web-api] a change set answers in a changesetresponse with each Content-ID', async () => {
    const b = 'batch_22975cad-7f57-410d-be15-6363209367ea'
    const cs = 'changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a'
    const r = await batch(b, [`--${b}`, `Content-Type: multipart/mixed; boundary="${cs}"`, '', `--${cs}`, ...createTask('CS task 1', '1'), `--${cs}`, ...createTask('CS task 2', '2'), `--${cs}--`, '', `--${b}`, ...getTasks(), `--${b}--`, ''])
    expect(r.status).toBe(200)
    expect(r.text).toMatch(/Content-Type: multipart\/mixed; boundary=changesetresponse_[0-9a-f-]{36}/)
    expect(r.text).toMatch(/Content-ID: 1\r\n\r\nHTTP\/1\.1 204 No Content/)
    expect(r.text).toMatch(/Content-ID: 2\r\n\r\nHTTP\/1\.1 204 No Content/)
  })

  it('[execute-batch-operations-using-web-api] reference URIs in a request body: $1 in an @odata.bind', async () => {
    const b = 'batch_AAA123'
    const cs = 'changeset_dd81ccab-11ce-4d57-b91d-12c4e25c3cab'
    const part = (id: string, url: string, json: unknown) => ['Content-Type: application/http', 'Content-Transfer-Encoding: binary', `Content-ID: ${id}`, '', `POST ${url} HTTP/1.1`, 'Content-Type: application/json', '', JSON.stringify(json), '']
    const r = await batch(b, [`--${b}`, `Content-Type: multipart/mixed; boundary=${cs}`, '', `--${cs}`, ...part('1', `${c.sb.info.webApiUrl}/accounts`, { name: 'QQQQ', revenue: 1.5 }), `--${cs}`, ...part('2', `${c.sb.info.webApiUrl}/tasks`, { subject: 'Regarding $1', 'regardingobjectid_account_task@odata.bind': '$1' }), `--${cs}--`, `--${b}--`, ''])
    expect(r.status).toBe(200)
    const task = (await c.get("/tasks?$select=_regardingobjectid_value&$filter=subject eq 'Regarding $1'")).json<Collection>().value[0]!
    const created = (await c.get("/accounts?$select=name&$filter=name eq 'QQQQ'")).json<Collection>().value[0]!
    expect(task._regardingobjectid_value).toBe(created.accountid)
  })

  it('[execute-batch-operations-using-web-api] a Content-ID reference that does not exist fails the whole request with 400', async () => {
    const b = 'batch_AAA123'
    const cs = 'changeset_BBB456'
    const part = (id: string, url: string, json: unknown) => ['Content-Type: application/http', 'Content-Transfer-Encoding:binary', `Content-ID: ${id}`, '', `POST ${url} HTTP/1.1`, 'Content-Type: application/json;type=entry', '', JSON.stringify(json), '']
    const r = await batch(b, [`--${b}`, `Content-Type: multipart/mixed; boundary=${cs}`, '', `--${cs}`, ...part('2', `${c.sb.info.webApiUrl}/tasks`, { subject: '911', 'regardingobjectid_account_task@odata.bind': '$1' }), `--${cs}`, ...part('1', `${c.sb.info.webApiUrl}/accounts`, { name: 'Never created', revenue: 1.5 }), `--${cs}--`, `--${b}--`, ''])
    expect(r.status).toBe(400)
    expect(r.json<{ error: { message: string } }>().error.message).toBe("Content-ID Reference: '$1' does not exist in the batch context.")
    expect((await c.get("/tasks?$select=subject&$filter=subject eq '911'")).json<Collection>().value).toHaveLength(0)
  })

  it('[execute-batch-operations-using-web-api] handling errors: without continue-on-error the batch fails with the first error', async () => {
    const b = 'batch_431faf5a-f979-4ee6-a374-d242f8962d41'
    const r = await batch(b, [`--${b}`, ...createTask(`Subject is too long ${'x'.repeat(200)}`), `--${b}`, ...createTask('Task 2 in batch'), `--${b}`, ...createTask('Task 3 in batch'), `--${b}--`, ''])
    expect(r.status).toBe(400)
    expect(r.text.match(/HTTP\/1\.1 /g)).toHaveLength(1)
    expect(r.text).toContain('HTTP/1.1 400 Bad Request')
    expect(r.text).toContain('Content-Type: application/json; odata.metadata=minimal')
    expect(r.text).toContain(`{"error":{"code":"0x80044331","message":"A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '200'."}}`)
  })

  it('[execute-batch-operations-using-web-api] with Prefer: odata.continue-on-error the batch is 200 and every request runs', async () => {
    const b = 'batch_662d4610-7f12-4895-ac4a-3fdf77cc10a1'
    const r = await batch(b, [`--${b}`, ...createTask(`Subject is too long ${'x'.repeat(200)}`), `--${b}`, ...createTask('Task 2 in batch'), `--${b}`, ...createTask('Task 3 in batch'), `--${b}--`, ''], 'odata.continue-on-error')
    expect(r.status).toBe(200)
    expect(r.text.match(/HTTP\/1\.1 204 No Content/g)).toHaveLength(2)
    expect(r.text).toContain('HTTP/1.1 400 Bad Request')
  })

  it('[execute-batch-operations-using-web-api] GET requests are not allowed in a change set', async () => {
    const b = 'batch_x'
    const cs = 'changeset_y'
    const r = await batch(b, [`--${b}`, `Content-Type: multipart/mixed; boundary=${cs}`, '', `--${cs}`, ...getTasks(), `--${cs}--`, `--${b}--`, ''])
    expect(r.status).toBe(400)
  })
})
