/**
 * A loopback HTTP(S) server for tests: JSON, echo, slow, large and failing answers.
 * Used by the unit tests, the e2e suite and the benchmark; never bundled into the app.
 */
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'

export interface TestServer {
  url: string
  port: number
  close(): Promise<void>
}

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x')
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8')
    const path = url.pathname
    if (path === '/json' || path === '/api/data/v9.2/WhoAmI') {
      const json = JSON.stringify({ '@odata.context': 'https://example/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse', BusinessUnitId: '8a5a4b8e-0000-0000-0000-000000000001', UserId: 'c0ffee00-0000-0000-0000-000000000002', OrganizationId: '0a0b0c0d-0000-0000-0000-000000000003' })
      res.writeHead(200, { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0' })
      res.end(json)
    } else if (path === '/small') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('ok')
    } else if (path === '/echo') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }))
    } else if (path === '/slow') {
      const ms = Number(url.searchParams.get('ms') ?? 5000)
      const timer = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.end('finally')
      }, ms)
      res.on('close', () => clearTimeout(timer))
    } else if (path === '/big') {
      const size = Number(url.searchParams.get('size') ?? 1024 * 1024)
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(size) })
      const chunk = Buffer.alloc(64 * 1024, 'x')
      let sent = 0
      const write = (): void => {
        while (sent < size) {
          const n = Math.min(chunk.length, size - sent)
          sent += n
          if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
            res.once('drain', write)
            return
          }
        }
        res.end()
      }
      write()
    } else if (path.startsWith('/status/')) {
      const code = Number(path.slice('/status/'.length)) || 500
      res.writeHead(code, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { code: '0x80040217', message: `Status ${code} as asked` } }))
    } else if (path === '/binary') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      res.end(Buffer.from([0, 1, 2, 3, 255, 254]))
    } else {
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { code: '0x80060888', message: `Resource not found for the segment '${path}'.` } }))
    }
  })
}

function listen(server: http.Server | https.Server, scheme: string): Promise<TestServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `${scheme}://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections?.()
            server.close(() => done())
          })
      })
    })
  })
}

export function startHttpServer(): Promise<TestServer> {
  return listen(http.createServer(handler), 'http')
}

export function startHttpsServer(certPem: string, keyPem: string): Promise<TestServer> {
  return listen(https.createServer({ cert: certPem, key: keyPem }, handler), 'https')
}
