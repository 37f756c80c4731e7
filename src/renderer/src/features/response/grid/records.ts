/** A body's records for the grid: JSON.parse and resultOf, with a problem in words when there are none. */
import { lineColumn, type FormatProblem } from '../body/display'
import { resultOf, type ResultPage } from './result'

export function recordsOf(text: string): { page: ResultPage | null; problem: FormatProblem | null } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    const at = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0)
    return { page: null, problem: { message: 'Not valid JSON', ...lineColumn(text, at) } }
  }
  const page = resultOf(json)
  return page ? { page, problem: null } : { page: null, problem: { message: 'This answer holds no records to show as a table', line: 1, column: 1 } }
}
