/**
 * "Fetch all": follows `@odata.nextLink` page after page, exactly as each page gives it (never rebuilt: the
 * skip token is the server's) — or a FetchXML query's paging cookie — handing each page's records over as they
 * come, until there is no next page, the row cap is reached, the person cancels, or a page fails. A 429 (service
 * protection) is waited out as its Retry-After says (the Settings' attempts and longest wait; none when off).
 */
import type { HeaderList } from '@shared/http'
import type { ODataRecord, ResultPage } from '../grid/result'
import { nextPage } from '@shared/paging'

export interface PagerPort {
  /** GET the URL as given; status, headers and body text. */
  fetch(url: string, requestId: string): Promise<{ status: number; statusText: string; headers: HeaderList; text: string }>
  /** The page's records (JSON.parse, off the main thread where it is big). */
  parse(text: string): Promise<ResultPage | string>
  cancel?(requestId: string): void
  /** Wait, cancellably (tests pass a fast clock). */
  sleep?(ms: number): Promise<void>
}

export interface PagerProgress {
  pages: number
  rows: number
  /** Waiting out a 429: seconds left. */
  waiting: number | null
}

export type PagerEnd =
  | { reason: 'done'; pages: number; rows: number }
  | { reason: 'cap'; pages: number; rows: number; cap: number }
  | { reason: 'cancelled'; pages: number; rows: number }
  | { reason: 'failed'; pages: number; rows: number; message: string; status: number | null }

/** Seconds to wait from a Retry-After header (seconds or an HTTP date), or null. */
export function retryAfterSeconds(headers: HeaderList, now = Date.now()): number | null {
  const value = headers.find(([k]) => k.toLowerCase() === 'retry-after')?.[1]?.trim()
  if (!value) return null
  if (/^\d+$/.test(value)) return Number(value)
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000))
}

export class Pager {
  private cancelled = false
  private inFlight: string | null = null
  private wake: (() => void) | null = null
  private n = 0

  constructor(
    private readonly port: PagerPort,
    private readonly options: { idPrefix: string; cap: number; retries?: number; maxWaitSeconds?: number }
  ) {}

  cancel(): void {
    this.cancelled = true
    if (this.inFlight) this.port.cancel?.(this.inFlight)
    this.wake?.()
  }

  private wait(ms: number): Promise<void> {
    if (this.port.sleep) return this.port.sleep(ms)
    return new Promise((done) => {
      const t = setTimeout(done, ms)
      this.wake = () => {
        clearTimeout(t)
        done()
      }
    })
  }

  /** From the page after `first` (already shown, `loaded` rows) to the end; `onRecords` also says where the next page is. */
  async run(first: { nextLink: string | null }, loaded: number, onRecords: (records: ODataRecord[], page: ResultPage, next: string | null) => void, onProgress: (p: PagerProgress) => void): Promise<PagerEnd> {
    const cap = this.options.cap
    let rows = loaded
    let pages = 0
    let next = first.nextLink
    while (next) {
      if (this.cancelled) return { reason: 'cancelled', pages, rows }
      if (rows >= cap) return { reason: 'cap', pages, rows, cap }
      onProgress({ pages, rows, waiting: null })
      let attempt = 0
      let answer: Awaited<ReturnType<PagerPort['fetch']>>
      for (;;) {
        this.inFlight = `${this.options.idPrefix}-${++this.n}`
        try {
          answer = await this.port.fetch(next, this.inFlight)
        } catch (error) {
          if (this.cancelled) return { reason: 'cancelled', pages, rows }
          return { reason: 'failed', pages, rows, message: (error as Error).message, status: null }
        } finally {
          this.inFlight = null
        }
        if (this.cancelled) return { reason: 'cancelled', pages, rows }
        const wait = answer.status === 429 ? retryAfterSeconds(answer.headers) : null
        if (wait === null || attempt >= (this.options.retries ?? 3) || wait > (this.options.maxWaitSeconds ?? 300)) break
        attempt++
        for (let left = wait; left > 0 && !this.cancelled; left--) {
          onProgress({ pages, rows, waiting: left })
          await this.wait(1000)
        }
        if (this.cancelled) return { reason: 'cancelled', pages, rows }
      }
      if (answer.status < 200 || answer.status >= 300) {
        return { reason: 'failed', pages, rows, message: `Page ${pages + 2} answered ${answer.status} ${answer.statusText}`.trim(), status: answer.status }
      }
      const page = await this.port.parse(answer.text)
      if (typeof page === 'string') return { reason: 'failed', pages, rows, message: `Page ${pages + 2}: ${page}`, status: answer.status }
      if (this.cancelled) return { reason: 'cancelled', pages, rows }
      const records = rows + page.records.length > cap ? page.records.slice(0, cap - rows) : page.records
      const following = nextPage(next, page)
      pages++
      rows += records.length
      onRecords(records, page, following && 'url' in following ? following.url : null)
      if (records.length < page.records.length) return { reason: 'cap', pages, rows, cap }
      if (following && 'problem' in following) return { reason: 'failed', pages, rows, message: following.problem, status: answer.status }
      next = following?.url ?? null
    }
    return { reason: 'done', pages, rows }
  }
}
