import { lstatSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export function readAllFiles(dir: string): Array<{ file: string; text: string }> {
  return listFiles(dir).map((file) => ({ file, text: readFileSync(file, 'latin1') }))
}

/** Every regular file below `dir`, following no links. */
export function listFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const file = join(dir, name)
    const stat = lstatSync(file)
    if (stat.isDirectory()) out.push(...listFiles(file))
    else if (stat.isFile()) out.push(file)
  }
  return out
}

/**
 * The ways a secret can sit in a file without being encrypted: as is, URL- and form-encoded, JSON-escaped, hex, and
 * base64 / base64url at each of the three byte alignments it can have inside a longer encoded text (so a secret in
 * the middle of a base64 blob, e.g. a Basic header or a token's payload, is found too).
 */
export function encodedForms(secret: string): Array<{ form: string; bytes: Buffer }> {
  const raw = Buffer.from(secret, 'utf8')
  const forms = new Map<string, string>([
    ['plain', secret],
    ['url-encoded', encodeURIComponent(secret)],
    ['form-encoded', new URLSearchParams({ x: secret }).toString().slice(2)],
    ['json-escaped', JSON.stringify(secret).slice(1, -1)],
    ['hex', raw.toString('hex')]
  ])
  for (let offset = 0; offset < 3; offset++) {
    const b64 = Buffer.concat([Buffer.alloc(offset), raw]).toString('base64')
    // Only the characters made of the secret's own bits, not of what comes before or after it.
    const core = b64.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + raw.length) * 8) / 6))
    forms.set(`base64@${offset}`, core)
    forms.set(`base64url@${offset}`, core.replace(/\+/g, '-').replace(/\//g, '_'))
  }
  const out: Array<{ form: string; bytes: Buffer }> = []
  const seen = new Set<string>()
  for (const [form, text] of forms) {
    if (text.length < 8 || seen.has(text)) continue
    seen.add(text)
    out.push({ form, bytes: Buffer.from(text, 'utf8') })
  }
  return out
}

export interface SecretFinding {
  file: string
  secret: string
  form: string
}

/** Every place below `dir` where one of `secrets` (named by their keys) is readable in one of its `encodedForms`. */
export function findSecrets(dir: string, secrets: Record<string, string>): SecretFinding[] {
  const patterns = Object.entries(secrets).flatMap(([secret, value]) => encodedForms(value).map((f) => ({ secret, ...f })))
  const findings: SecretFinding[] = []
  for (const file of listFiles(dir)) {
    const data = readFileSync(file)
    for (const p of patterns) if (data.includes(p.bytes)) findings.push({ file, secret: p.secret, form: p.form })
  }
  return findings
}
