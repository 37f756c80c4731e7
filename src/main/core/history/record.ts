/** Wraps a send so that it lands in the history: the answer, or a network failure (not a mistake caught before sending). */
import { AppError } from '../../../shared/errors'
import { RequestSpec, type ResponseView } from '../../../shared/http'
import { isSecretHeader, maskValue, SECRET_FIELDS } from '../capture/redact'
import type { TrafficLog } from '../capture/trafficLog'
import type { EnvironmentStore } from '../store/environments'
import type { SendTarget } from '../http/executor'
import { historyInput, type SendFacts } from './fromSend'
import type { HistoryStore } from './history'

/** Where a send came from: its collection file and name, and whether it is the user's (recorded) or the app's own. */
export interface SendOrigin {
  collection?: { dir: string; path: string } | null | undefined
  name?: string | undefined
  /** false for the app's own requests ($metadata): they are in the traffic log, not in the history. */
  history?: boolean
}

const NETWORK_FAILURES = new Set(['dns_failed', 'connection_refused', 'connection_reset', 'tls_error', 'timeout', 'cancelled', 'network_error'])

export interface RecordDeps {
  history: HistoryStore
  traffic: TrafficLog
  target: () => Promise<SendTarget>
  environments: EnvironmentStore
  log: (message: string, error?: unknown) => void
}

/**
 * The values that must not reach the history file wherever they appear (an echoed URL, a body, a header): the
 * environment's secret variables and the credentials in the headers as sent.
 */
async function knownSecrets(deps: RecordDeps, environmentId: string | null, entryId: string | null): Promise<string[]> {
  const values: string[] = []
  if (environmentId) {
    const env = await deps.environments.getStored(environmentId)
    const resolved = await deps.environments.resolveVariables(environmentId)
    for (const v of env.variables) if (v.secret) values.push(resolved.get(v.key) ?? '')
  }
  const raw = entryId ? deps.traffic.get(entryId, true) : null
  for (const [k, v] of raw?.requestHeaders ?? []) if (isSecretHeader(k)) values.push(v, v.replace(/^\S+\s+/, ''))
  if (raw) {
    try {
      for (const [k, v] of new URL(raw.url).searchParams) if (SECRET_FIELDS.has(k)) values.push(v)
    } catch {
      // Not a URL: nothing in it to collect.
    }
    const body = raw.requestBody?.encoding === 'utf8' ? raw.requestBody.text : ''
    if (body) {
      let fields: [string, unknown][] = []
      try {
        const json: unknown = JSON.parse(body)
        if (json && typeof json === 'object' && !Array.isArray(json)) fields = Object.entries(json)
      } catch {
        fields = [...new URLSearchParams(body)]
      }
      for (const [k, v] of fields) if (SECRET_FIELDS.has(k) && typeof v === 'string') values.push(v)
    }
  }
  return [...new Set(values.filter((v) => v.length >= 6))].sort((a, b) => b.length - a.length)
}

/** Every occurrence of a known secret (as it is, JSON-escaped or percent-encoded) masked, in every field. */
export function maskKnown<T>(value: T, secrets: string[]): T {
  if (!secrets.length) return value
  let text = JSON.stringify(value)
  for (const secret of secrets) {
    for (const form of new Set([JSON.stringify(secret).slice(1, -1), JSON.stringify(encodeURIComponent(secret)).slice(1, -1)])) {
      text = text.split(form).join(JSON.stringify(maskValue(secret)).slice(1, -1))
    }
  }
  return JSON.parse(text) as T
}

export async function recordedSend(deps: RecordDeps, spec: unknown, auth: SendFacts['auth'], origin: SendOrigin, send: () => Promise<ResponseView>): Promise<ResponseView> {
  const startedAt = Date.now()
  const t0 = performance.now()
  const note = async (response: ResponseView | null, error: string | null): Promise<void> => {
    try {
      const parsed = RequestSpec.safeParse(spec)
      if (!parsed.success) return
      const target = await deps.target()
      const facts: SendFacts = {
        spec: parsed.data,
        name: origin.name,
        auth,
        startedAt,
        environmentId: target.environmentId,
        environmentName: target.environmentName,
        variables: target.variables,
        collection: origin.collection ?? null,
        traffic: response ? deps.traffic.get(response.entryId) : null,
        error,
        ms: performance.now() - t0
      }
      const secrets = await knownSecrets(deps, target.environmentId, response?.entryId ?? null)
      await deps.history.record(maskKnown(historyInput(facts), secrets))
    } catch (e) {
      deps.log('A send could not be written to the history', e)
    }
  }
  try {
    const response = await send()
    await note(response, null)
    return response
  } catch (error) {
    if (error instanceof AppError && NETWORK_FAILURES.has(error.code)) await note(null, error.message)
    throw error
  }
}
