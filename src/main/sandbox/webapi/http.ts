/** The Sandbox's own request/response shapes: small, so every handler is a plain function and easy to test. */
export interface SandboxRequest {
  method: string
  url: URL
  headers: Record<string, string | undefined>
  body: Buffer
}

export interface SandboxResponse {
  status: number
  headers: Record<string, string>
  body: string | Buffer
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) }
}

/** What Dataverse sends with every JSON answer, errors included. */
export const ODATA_JSON = 'application/json; odata.metadata=minimal'
export const ODATA_VERSION = { 'odata-version': '4.0' }

export function odataJson(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { ...ODATA_VERSION, 'content-type': ODATA_JSON, ...headers }, body: JSON.stringify(value) }
}

export function empty(status: number, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers, body: '' }
}

/** decodeURIComponent that returns the text as it came when it is not valid percent-encoding. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
