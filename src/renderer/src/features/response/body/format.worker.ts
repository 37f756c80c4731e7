/**
 * Formats a body off the main thread and posts display lines in chunks sized so that taking one in costs
 * the main thread a few milliseconds. The main thread formats the first screenful itself and says how many
 * lines to skip; formatting is deterministic, so the worker's lines continue exactly where those end.
 */
import { recordsOf } from '../grid/records'
import type { DisplayChunk } from './display'
import { makeFormatter, type FormatReply, type FormatRequest } from './formatJob'

const CHUNK = 6000
/** Records a message: taking one in (structured clone) costs the main thread a few milliseconds. */
const RECORDS = 1000

const scope = self as unknown as { onmessage: ((e: MessageEvent<FormatRequest>) => void) | null; postMessage(m: FormatReply, transfer?: Transferable[]): void }
/** The last body sent, kept for the next job on it (pretty, then raw). */
let held: { id: number; text: string } | null = null

/** Drop what the main thread already has: lines up to `skip` and what refers only to them. */
function after(chunk: DisplayChunk, firstLine: number, skip: number): DisplayChunk {
  const drop = Math.min(Math.max(skip - firstLine + 1, 0), chunk.count)
  if (drop === 0) return chunk
  let textsDropped = 0
  for (let i = 0; i < drop; i++) if (chunk.spans[i * 2]! < 0) textsDropped++
  const continued: number[] = []
  for (let k = 0; k < chunk.continued.length; k += 2) if (chunk.continued[k]! > skip) continued.push(chunk.continued[k]!, chunk.continued[k + 1]!)
  const folds: number[] = []
  for (let k = 0; k < chunk.folds.length; k += 2) if (chunk.folds[k + 1]! > skip) folds.push(chunk.folds[k]!, chunk.folds[k + 1]!)
  return {
    count: chunk.count - drop,
    spans: chunk.spans.slice(drop * 2),
    texts: chunk.texts.slice(textsDropped),
    depths: chunk.depths ? chunk.depths.slice(drop) : null,
    continued,
    folds
  }
}

scope.onmessage = (event) => {
  const { id, textId, job, skip } = event.data
  if (event.data.text !== null) held = { id: textId, text: event.data.text }
  if (!held || held.id !== textId) {
    scope.postMessage({ id, type: 'lost' })
    return
  }
  if (job.view === 'records') {
    const { page, problem } = recordsOf(held.text)
    if (page) {
      const all = page.records
      for (let i = 0; i === 0 || i < all.length; i += RECORDS) {
        scope.postMessage({ id, type: 'records', page: { ...page, records: all.slice(i, i + RECORDS) }, progress: Math.min(1, (i + RECORDS) / Math.max(all.length, 1)) })
      }
    }
    scope.postMessage({ id, type: 'done', problem })
    return
  }
  const formatter = makeFormatter(held.text, job)
  let line = 1
  for (;;) {
    const { chunk, done, problem } = formatter.next(CHUNK)
    const fresh = after(chunk, line, skip)
    line += chunk.count
    if (fresh.count || fresh.folds.length) {
      const transfer = fresh.depths ? [fresh.spans.buffer, fresh.depths.buffer] : [fresh.spans.buffer]
      scope.postMessage({ id, type: 'chunk', chunk: fresh, progress: formatter.progress() }, transfer)
    }
    if (done) {
      scope.postMessage({ id, type: 'done', problem })
      return
    }
  }
}
