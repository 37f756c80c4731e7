import type { Diagnostic } from '@codemirror/lint'
import { findJsonError } from '@shared/json'

/**
 * The body editor's JSON check: the same first error the executor reports, marked where it is.
 * (CodeMirror's stock jsonParseLinter reads the position out of JSON.parse's message, which
 * Chromium no longer includes, so every error landed on line 1.)
 * A {{variable}} stands for a value until it is sent, so it is checked as one: `"id": {{accountId}}` is fine.
 */
export function jsonDiagnostics(text: string): Diagnostic[] {
  if (!text.trim()) return []
  const problem = findJsonError(text.replace(/\{\{\s*[A-Za-z_][\w.-]*\s*\}\}/g, (ref) => '0'.padEnd(ref.length, ' ')))
  if (!problem) return []
  const from = Math.min(problem.offset, text.length)
  // Mark the character the parser stopped at (or nothing, at the very end).
  const to = from < text.length && text[from] !== '\n' ? from + 1 : from
  return [{ from, to, severity: 'error', message: `Line ${problem.line}, column ${problem.column}: ${problem.message}.` }]
}
