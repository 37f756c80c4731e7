/** Which formatter a body view runs: the same code in the worker and, for small bodies, on the main thread. */
import type { ResultPage } from '../grid/result'
import type { DisplayChunk, Formatter, FormatProblem } from './display'
import { jsonPretty } from './jsonPretty'
import { rawLines, type RawKind } from './rawLines'
import { xmlPretty } from './xmlPretty'

export interface FormatJob {
  view: 'pretty' | 'raw'
  language: RawKind
}

/** Pretty lines are cut past this (long string values); raw lines sooner, because raw wraps. */
export const PRETTY_MAX_LINE = 10_000
export const RAW_MAX_LINE = 2_000

export function makeFormatter(text: string, job: FormatJob): Formatter {
  if (job.view === 'pretty' && job.language === 'json') return jsonPretty(text, { maxLine: PRETTY_MAX_LINE })
  if (job.view === 'pretty' && job.language === 'xml') return xmlPretty(text, { maxLine: PRETTY_MAX_LINE })
  return rawLines(text, job.language, { maxLine: job.view === 'raw' ? RAW_MAX_LINE : PRETTY_MAX_LINE })
}

/**
 * Worker protocol. The text is sent once per body (`textId`): switching between pretty and raw does not copy
 * megabytes to the worker again. `skip` lines were already formatted on the main thread (the first screenful).
 */
export interface FormatRequest {
  id: number
  textId: number
  text: string | null
  /** Display lines, or the records for the grid (JSON.parse off the main thread, handed over in batches). */
  job: FormatJob | { view: 'records' }
  skip: number
}
export type FormatReply =
  | { id: number; type: 'chunk'; chunk: DisplayChunk; progress: number }
  /** The next records; the first batch carries what the answer says about them (count, nextLink…). */
  | { id: number; type: 'records'; page: ResultPage; progress: number }
  | { id: number; type: 'done'; problem: FormatProblem | null }
  /** The worker no longer holds that text (it was replaced, or the worker restarted): send it again. */
  | { id: number; type: 'lost' }
