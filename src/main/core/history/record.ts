/** Wraps a send so that it lands in the history: the answer, or a network failure (not a mistake caught before sending). */
import { AppError } from '../../../shared/errors'
import { RequestSpec, type ResponseView } from '../../../shared/http'
import type { TrafficLog } from '../capture/trafficLog'
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
  log: (message: string, error?: unknown) => void
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
      await deps.history.record(historyInput(facts))
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
