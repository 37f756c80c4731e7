/** Cells as text for other programs: TSV for the clipboard (pastes into Excel as cells), CSV for a file. */

/** Tab-separated: tabs and line breaks inside a value become spaces (they would start a new cell or row). */
export function toTsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map((v) => v.replace(/[\t\r\n]+/g, ' ')).join('\t')).join('\n')
}

export interface CsvValue {
  text: string
  /** A number as it came: written as is. Anything else is text, quoted where it must be and never a formula. */
  numeric?: boolean
}

/**
 * CSV that Excel opens safely: a UTF-8 byte order mark (so "Café" stays Café), CRLF rows, fields quoted when they
 * hold a comma, quote, line break or edge spaces, and text that Excel would run as a formula (= + - @, tab, CR
 * first) prefixed with a ' (OWASP's CSV injection advice), unless it is a plain number.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const field = ({ text, numeric }: CsvValue): string => {
    let v = text
    const plainNumber = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v)
    if (!(numeric && plainNumber) && /^[=+\-@\t\r]/.test(v)) v = `'${v}`
    return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
  }
  const lines = [header.map((h) => field({ text: h })).join(',')]
  for (const row of rows) lines.push(row.map(field).join(','))
  return '\ufeff' + lines.join('\r\n') + '\r\n'
}
