/**
 * Syntax colours one display line at a time. A body view colours only the lines on screen, so a 50 MB body
 * costs what a screenful costs; no parse of the whole document ever runs on the main thread. Display lines
 * from the formatters make this exact: pretty JSON has one name/value per line, and a piece of a cut line
 * says whether it starts inside a string.
 */
export type TokenClass = 'key' | 'string' | 'number' | 'literal' | 'tag' | 'attr' | 'value' | 'comment'
export type Emit = (from: number, to: number, cls: TokenClass) => void

/** The end (after the closing quote) of a JSON string whose content starts at `from`; the line's length if it does not close here. */
function stringEnd(line: string, from: number): number {
  for (let j = from; j < line.length; j++) {
    const c = line.charCodeAt(j)
    if (c === 92) j++
    else if (c === 34) return j + 1
  }
  return line.length
}

function colonFollows(line: string, from: number): boolean {
  let j = from
  while (line.charCodeAt(j) === 32 || line.charCodeAt(j) === 9) j++
  return line.charCodeAt(j) === 58
}

export function jsonTokens(line: string, inString: boolean, emit: Emit): void {
  let i = 0
  const n = line.length
  if (inString) {
    i = stringEnd(line, 0)
    emit(0, i, colonFollows(line, i) ? 'key' : 'string')
  }
  while (i < n) {
    const c = line.charCodeAt(i)
    if (c === 34) {
      const end = stringEnd(line, i + 1)
      emit(i, end, colonFollows(line, end) ? 'key' : 'string')
      i = end
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1
      while (j < n && /[0-9eE.+-]/.test(line[j]!)) j++
      emit(i, j, 'number')
      i = j
    } else if (c === 116 || c === 102 || c === 110) {
      let j = i + 1
      while (j < n && line.charCodeAt(j) >= 97 && line.charCodeAt(j) <= 122) j++
      emit(i, j, 'literal')
      i = j
    } else i++
  }
}

/**
 * Where a space goes after a name's colon on a pretty line of a minified body (`"name":"x"` shows as
 * `"name": "x"`): the index after the colon, or -1 when the line has no name or already has the space.
 */
export function colonSpaceAt(line: string, inString: boolean): number {
  if (!inString && line.charCodeAt(0) !== 34) return -1
  const i = inString ? stringEnd(line, 0) : stringEnd(line, 1)
  if (line.charCodeAt(i) !== 58) return -1
  const next = line.charCodeAt(i + 1)
  return Number.isNaN(next) || next === 32 || next === 9 ? -1 : i + 1
}

/** XML and HTML: tags, attribute names and values, comments; text uncoloured. */
export function markupTokens(line: string, emit: Emit): void {
  const n = line.length
  let i = line.indexOf('<')
  while (i >= 0 && i < n) {
    if (line.startsWith('<!--', i)) {
      const end = line.indexOf('-->', i + 4)
      const to = end < 0 ? n : end + 3
      emit(i, to, 'comment')
      i = line.indexOf('<', to)
      continue
    }
    if (line.startsWith('<![CDATA[', i)) {
      const end = line.indexOf(']]>', i)
      i = line.indexOf('<', end < 0 ? n : end + 3)
      continue
    }
    let j = i + 1
    while (j < n && /[/?!]/.test(line[j]!)) j++
    while (j < n && !/[\s/>]/.test(line[j]!)) j++
    emit(i, j, 'tag')
    // Attributes up to the tag's end.
    while (j < n) {
      const c = line[j]!
      if (c === '>') {
        emit(j, j + 1, 'tag')
        j++
        break
      }
      if (c === '"' || c === "'") {
        const end = line.indexOf(c, j + 1)
        const to = end < 0 ? n : end + 1
        emit(j, to, 'value')
        j = to
      } else if (/[\w:.-]/.test(c)) {
        const start = j
        while (j < n && /[\w:.-]/.test(line[j]!)) j++
        emit(start, j, 'attr')
      } else if (c === '/' && line[j + 1] === '>') {
        emit(j, j + 2, 'tag')
        j += 2
        break
      } else j++
    }
    i = line.indexOf('<', j)
  }
}
