import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import { loadLazily } from '../lazy'
import type * as HarModule from './har'
import { TrafficLog } from './trafficLog'

/** HAR's schemas are loaded when a HAR is opened, not by every process that has a traffic log (a CLI request). */
function loadHar(): Promise<typeof HarModule> {
  return loadLazily(() => import('./har'), 'capture/har')
}

export interface ImportedSession {
  sessionId: string
  name: string
  count: number
  creator: string
  warnings: string[]
}

/** HAR files opened for reading: each its own read-only log (nothing is added to it after the import), in memory only. */
export class TrafficSessions {
  private readonly sessions = new Map<string, { log: TrafficLog; info: ImportedSession }>()

  async import(text: string, name: string): Promise<ImportedSession> {
    const { records, creator, warnings } = (await loadHar()).fromHar(text)
    const log = new TrafficLog({ maxEntries: Math.max(1, records.length), maxBytes: Number.MAX_SAFE_INTEGER })
    for (const r of records) log.record(r)
    const info = { sessionId: `har-${randomUUID()}`, name: name || `HAR from ${creator}`, count: records.length, creator, warnings }
    this.sessions.set(info.sessionId, { log, info })
    return info
  }

  /** The session's log, or the live one when `sessionId` is absent. */
  log(sessionId: string | undefined, live: TrafficLog): TrafficLog {
    if (sessionId === undefined) return live
    const session = this.sessions.get(sessionId)
    if (!session) throw new AppError('not_found', 'That imported HAR session is closed; import the file again to see it.')
    return session.log
  }

  close(sessionId: string): boolean {
    const session = this.sessions.get(sessionId)
    if (!session) return false
    session.log.clear()
    return this.sessions.delete(sessionId)
  }
}
