/**
 * A curl command (as copied from a browser's dev tools, docs or a terminal) → a request. Reads bash quoting
 * ('…', "…", $'…', backslash-newline), PowerShell ('…' with '', "…" with `, backtick-newline) and cmd ("…", ^
 * escapes and ^-newline); -X, -H, -d/--data/--data-raw/--data-binary/--data-ascii, --data-urlencode, --json, -u,
 * -A, -e, -b, --url, -G, -I; the options that change nothing in a request (-s, -L, --compressed…) are skipped, the
 * ones OrgBench cannot honour (-k, -F, @file) are reported.
 */
import { SavedRequest, type SavedRequestData } from '../../../../shared/collections'
import { AppError } from '../../../../shared/errors'
import { HTTP_METHODS, type HttpMethod, type KeyValue } from '../../../../shared/http'

type Dialect = 'bash' | 'powershell' | 'cmd'

export function detectDialect(command: string): Dialect {
  if (/`\r?\n/.test(command) || /^\s*(curl\.exe|&\s*curl)/i.test(command) || /Invoke-/i.test(command)) return 'powershell'
  if (/\^\r?\n/.test(command) || /\^"/.test(command)) return 'cmd'
  return 'bash'
}

/** Splits a command line into words the way its shell would. */
export function shellWords(command: string, dialect: Dialect = detectDialect(command)): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  const s = command
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    const push = () => {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    }
    if (dialect === 'bash') {
      if (c === '\\' && (s[i + 1] === '\n' || (s[i + 1] === '\r' && s[i + 2] === '\n'))) {
        i += s[i + 1] === '\r' ? 2 : 1
        continue
      }
      if (c === '\\') {
        word += s[++i] ?? ''
        inWord = true
        continue
      }
      if (c === "'") {
        const end = s.indexOf("'", i + 1)
        if (end < 0) throw new AppError('invalid_input', 'The curl command has a quote that is never closed.')
        word += s.slice(i + 1, end)
        inWord = true
        i = end
        continue
      }
      if (c === '$' && s[i + 1] === "'") {
        const r = ansiC(s, i + 2)
        word += r.text
        inWord = true
        i = r.end
        continue
      }
      if (c === '"') {
        i++
        for (; i < s.length && s[i] !== '"'; i++) {
          if (s[i] === '\\' && '"\\$`\n'.includes(s[i + 1] ?? '')) {
            if (s[i + 1] !== '\n') word += s[i + 1]
            i++
          } else word += s[i]
        }
        if (i >= s.length) throw new AppError('invalid_input', 'The curl command has a quote that is never closed.')
        inWord = true
        continue
      }
    } else if (dialect === 'powershell') {
      if (c === '`' && (s[i + 1] === '\n' || (s[i + 1] === '\r' && s[i + 2] === '\n'))) {
        i += s[i + 1] === '\r' ? 2 : 1
        continue
      }
      if (c === "'") {
        i++
        for (; i < s.length; i++) {
          if (s[i] === "'" && s[i + 1] === "'") {
            word += "'"
            i++
          } else if (s[i] === "'") break
          else word += s[i]
        }
        inWord = true
        continue
      }
      if (c === '"') {
        i++
        for (; i < s.length && s[i] !== '"'; i++) {
          if (s[i] === '`' && i + 1 < s.length) word += psEscape(s[++i]!)
          else if (s[i] === '\\' && s[i + 1] === '"') word += s[++i]
          else word += s[i]
        }
        inWord = true
        continue
      }
      if (c === '`' && i + 1 < s.length) {
        word += psEscape(s[++i]!)
        inWord = true
        continue
      }
    } else {
      if (c === '^' && (s[i + 1] === '\n' || (s[i + 1] === '\r' && s[i + 2] === '\n'))) {
        i += s[i + 1] === '\r' ? 2 : 1
        continue
      }
      if (c === '^') {
        word += s[++i] ?? ''
        inWord = true
        continue
      }
      if (c === '"') {
        i++
        for (; i < s.length; i++) {
          if (s[i] === '"' && s[i + 1] === '"') {
            word += '"'
            i++
          } else if (s[i] === '\\' && s[i + 1] === '"') word += s[++i]
          else if (s[i] === '^' && i + 1 < s.length) word += s[++i]
          else if (s[i] === '"') break
          else word += s[i]
        }
        inWord = true
        continue
      }
    }
    if (/\s/.test(c)) {
      push()
      continue
    }
    word += c
    inWord = true
  }
  if (inWord) words.push(word)
  return words
}

function psEscape(c: string): string {
  return ({ n: '\n', r: '\r', t: '\t', '0': '\0' } as Record<string, string>)[c] ?? c
}

function ansiC(s: string, from: number): { text: string; end: number } {
  let text = ''
  for (let i = from; i < s.length; i++) {
    const c = s[i]!
    if (c === "'") return { text, end: i }
    if (c !== '\\') {
      text += c
      continue
    }
    const n = s[++i] ?? ''
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' }
    if (n in simple) text += simple[n]
    else if (n === 'x' || n === 'u') {
      const m = /^[0-9a-fA-F]+/.exec(s.slice(i + 1, i + 1 + (n === 'x' ? 2 : 4)))
      if (m) {
        text += String.fromCodePoint(parseInt(m[0], 16))
        i += m[0].length
      }
    } else text += `\\${n}`
  }
  throw new AppError('invalid_input', "The curl command has a $'…' quote that is never closed.")
}

const WITH_VALUE = new Set(['-X', '--request', '-H', '--header', '-d', '--data', '--data-raw', '--data-binary', '--data-ascii', '--data-urlencode', '--json', '-u', '--user', '-A', '--user-agent', '-e', '--referer', '-b', '--cookie', '--url', '-F', '--form', '--form-string', '-o', '--output', '-m', '--max-time', '--connect-timeout', '--cacert', '--cert', '--key', '-x', '--proxy', '-w', '--write-out', '--retry', '-c', '--cookie-jar', '-T', '--upload-file', '--oauth2-bearer', '-r', '--range', '--resolve', '--limit-rate', '-K', '--config'])
const SHORT_WITH_VALUE = new Set(['X', 'H', 'd', 'u', 'A', 'e', 'b', 'F', 'o', 'm', 'x', 'w', 'c', 'T', 'r', 'K'])

export function parseCurl(command: string): { request: SavedRequestData; warnings: string[] } {
  const words = shellWords(command.trim())
  const warnings: string[] = []
  if (!words.length || !/^curl(\.exe)?$/i.test(words[0]!.replace(/^.*[\\/]/, ''))) throw new AppError('invalid_input', 'This does not start with "curl": paste a curl command.')
  let method: string | null = null
  let url: string | null = null
  const headers: KeyValue[] = []
  const data: string[] = []
  let get = false
  let head = false
  let json = false
  let urlencodedOnly = true
  const args = words.slice(1)
  for (let i = 0; i < args.length; i++) {
    let arg = args[i]!
    let value: string | undefined
    if (arg.startsWith('--') && arg.includes('=') && WITH_VALUE.has(arg.slice(0, arg.indexOf('=')))) {
      value = arg.slice(arg.indexOf('=') + 1)
      arg = arg.slice(0, arg.indexOf('='))
    } else if (/^-[A-Za-z]/.test(arg) && !arg.startsWith('--') && arg.length > 2) {
      // -XPOST, -sSL, -sH 'x: y'
      const flags = arg.slice(1)
      const at = [...flags].findIndex((f) => SHORT_WITH_VALUE.has(f))
      if (at < 0) arg = `-${flags[flags.length - 1]}`
      else {
        arg = `-${flags[at]}`
        if (at < flags.length - 1) value = flags.slice(at + 1)
      }
      if (flags.slice(0, at < 0 ? flags.length : at).includes('G')) get = true
      if (flags.slice(0, at < 0 ? flags.length : at).includes('I')) head = true
      if (flags.slice(0, at < 0 ? flags.length : at).includes('k')) warnings.push('-k (insecure) was ignored: OrgBench always verifies TLS; give the environment the server\'s CA certificate instead.')
    }
    const takesValue = WITH_VALUE.has(arg)
    if (takesValue && value === undefined) {
      value = args[++i]
      if (value === undefined) throw new AppError('invalid_input', `${arg} needs a value.`)
    }
    const v = value ?? ''
    switch (arg) {
      case '-X':
      case '--request':
        method = v.toUpperCase()
        break
      case '-H':
      case '--header': {
        const colon = v.indexOf(':')
        if (colon <= 0) {
          warnings.push(`The header "${v}" has no "Name: value" form and was left out.`)
          break
        }
        const key = v.slice(0, colon).trim()
        const headerValue = v.slice(colon + 1).trim()
        if (headerValue === '' && v.trimEnd().endsWith(':')) break // curl's way to remove a default header
        headers.push({ key, value: headerValue, enabled: true })
        break
      }
      case '-d':
      case '--data':
      case '--data-ascii':
      case '--data-binary':
        if (v.startsWith('@')) {
          warnings.push(`The body file ${v.slice(1)} was not read: paste its content into the body.`)
          break
        }
        data.push(arg === '--data-binary' ? v : v.replace(/[\r\n]/g, ''))
        break
      case '--data-raw':
        data.push(v)
        break
      case '--json':
        json = true
        urlencodedOnly = false
        data.push(v)
        break
      case '--data-urlencode':
        data.push(dataUrlencode(v, warnings))
        break
      case '-u':
      case '--user': {
        const userPass = v.includes(':') ? v : `${v}:`
        headers.push({ key: 'Authorization', value: `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`, enabled: true })
        break
      }
      case '--oauth2-bearer':
        headers.push({ key: 'Authorization', value: `Bearer ${v}`, enabled: true })
        break
      case '-A':
      case '--user-agent':
        headers.push({ key: 'User-Agent', value: v, enabled: true })
        break
      case '-e':
      case '--referer':
        headers.push({ key: 'Referer', value: v, enabled: true })
        break
      case '-b':
      case '--cookie':
        if (v.includes('=')) headers.push({ key: 'Cookie', value: v, enabled: true })
        else warnings.push(`The cookie file ${v} was not read.`)
        break
      case '--url':
        url = v
        break
      case '-G':
      case '--get':
        get = true
        break
      case '-I':
      case '--head':
        head = true
        break
      case '-F':
      case '--form':
      case '--form-string':
        warnings.push(`The multipart field "${v.split('=')[0]}" was left out: OrgBench sends no multipart bodies.`)
        break
      case '-k':
      case '--insecure':
        warnings.push('-k (insecure) was ignored: OrgBench always verifies TLS; give the environment the server\'s CA certificate instead.')
        break
      case '-T':
      case '--upload-file':
        warnings.push(`The upload file ${v} was not read.`)
        break
      default:
        if (takesValue) break
        if (arg.startsWith('-') && arg.length > 1) break // -s, -L, --compressed, -v, -i…: nothing to do with the request itself
        if (url === null) url = arg
        else warnings.push(`The extra argument "${arg}" was ignored.`)
    }
  }
  if (url === null) throw new AppError('invalid_input', 'The curl command has no URL.')
  let body = data.join('&')
  if (get && data.length) {
    url += (url.includes('?') ? '&' : '?') + body
    body = ''
  }
  const has = (name: string) => headers.some((h) => h.key.toLowerCase() === name)
  if (json) {
    if (!has('content-type')) headers.push({ key: 'Content-Type', value: 'application/json', enabled: true })
    if (!has('accept')) headers.push({ key: 'Accept', value: 'application/json', enabled: true })
  } else if (body && !has('content-type') && urlencodedOnly) headers.push({ key: 'Content-Type', value: 'application/x-www-form-urlencoded', enabled: true })
  const m = (method ?? (head ? 'HEAD' : body ? 'POST' : 'GET')).toUpperCase()
  if (!(HTTP_METHODS as readonly string[]).includes(m)) throw new AppError('invalid_input', `The method ${m} is not one OrgBench sends (${HTTP_METHODS.join(', ')}).`)
  if (!/^https?:\/\//i.test(url) && !url.startsWith('{{')) url = `https://${url}`
  let name = `${m} ${url}`
  try {
    const u = new URL(url)
    name = `${m} ${u.pathname.split('/').filter(Boolean).pop() ?? u.host}`
  } catch {
    // A URL with {{variables}} in its host: named after the whole URL.
  }
  const request = SavedRequest.parse({ name: name.slice(0, 200), method: m as HttpMethod, url, headers, body })
  return { request, warnings }
}

/** curl's --data-urlencode forms: content, =content, name=content, @file, name@file. */
function dataUrlencode(v: string, warnings: string[]): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+')
  const eq = v.indexOf('=')
  const at = v.indexOf('@')
  if (at >= 0 && (eq < 0 || at < eq)) {
    warnings.push(`The file ${v.slice(at + 1)} of --data-urlencode was not read.`)
    return at > 0 ? `${v.slice(0, at)}=` : ''
  }
  if (eq < 0) return enc(v)
  if (eq === 0) return enc(v.slice(1))
  return `${v.slice(0, eq)}=${enc(v.slice(eq + 1))}`
}
