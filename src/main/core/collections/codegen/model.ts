/**
 * What every code generator starts from: the request with its variables resolved, except the secret ones and the
 * token, which become references to environment variables of the program's user (TOKEN, API_KEY…) unless the
 * caller chose to inline them. Each generator writes a `Text` (literal parts and such references) in its language.
 */
import type { SavedRequestData } from '../../../../shared/collections'
import { findVariableRefs } from '../../../../shared/variables'

export type Part = { text: string } | { env: string }
export type Text = Part[]

export interface CodeRequest {
  method: string
  url: Text
  headers: [string, Text][]
  body: Text | null
  /** Lines for a comment above the code: how to get the token, which environment variables to set. */
  comments: string[]
  /** The environment trusts an extra CA (the Sandbox): where the generated code expects it. */
  caFile: string | null
  notes: string[]
}

export interface CodeContext {
  /** Every variable's value in scope (collection, environment, built-ins). */
  variables: ReadonlyMap<string, string>
  /** Names of the secret ones. */
  secrets: ReadonlySet<string>
  inlineSecrets: boolean
  /** The token to attach, when the request uses the environment's: how it is obtained, and its value when inlined. */
  token: { how: string[]; value: string | null } | null
  environmentName: string | null
  caCertificatePem: string
}

export const CA_FILE = 'orgbench-ca.pem'

export function envName(variable: string): string {
  return variable.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()
}

export function toText(s: string, ctx: CodeContext, used: Map<string, string>, unknown: Set<string>): Text {
  const parts: Text = []
  let at = 0
  for (const ref of findVariableRefs(s)) {
    if (ref.start > at) parts.push({ text: s.slice(at, ref.start) })
    const value = ctx.variables.get(ref.name)
    if (value === undefined) {
      unknown.add(ref.name)
      parts.push({ text: s.slice(ref.start, ref.end) })
    } else if (ctx.secrets.has(ref.name) && !ctx.inlineSecrets) {
      used.set(envName(ref.name), ref.name)
      parts.push({ env: envName(ref.name) })
    } else parts.push({ text: value })
    at = ref.end
  }
  if (at < s.length) parts.push({ text: s.slice(at) })
  return merge(parts)
}

function merge(parts: Text): Text {
  const out: Text = []
  for (const p of parts) {
    const last = out[out.length - 1]
    if ('text' in p && last && 'text' in last) last.text += p.text
    else out.push({ ...p })
  }
  return out
}

export function plain(text: Text): string | null {
  return text.every((p) => 'text' in p) ? text.map((p) => (p as { text: string }).text).join('') : null
}

export function flat(text: Text, env: (name: string) => string): string {
  return text.map((p) => ('text' in p ? p.text : env(p.env))).join('')
}

export function buildCodeRequest(r: SavedRequestData, ctx: CodeContext, attachToken: boolean): CodeRequest {
  const used = new Map<string, string>()
  const unknown = new Set<string>()
  const notes: string[] = []
  const comments: string[] = []
  const headers: [string, Text][] = r.headers.filter((h) => h.enabled && h.key.trim()).map((h) => [h.key.trim(), toText(h.value, ctx, used, unknown)])
  const hasAuthorization = headers.some(([k]) => k.toLowerCase() === 'authorization')
  if (!hasAuthorization && r.auth.mode === 'bearer') headers.push(['Authorization', [{ text: 'Bearer ' }, ...toText(r.auth.token, ctx, used, unknown)]])
  else if (!hasAuthorization && attachToken && ctx.token) {
    headers.push(['Authorization', ctx.token.value !== null && ctx.inlineSecrets ? [{ text: `Bearer ${ctx.token.value}` }] : [{ text: 'Bearer ' }, { env: 'TOKEN' }]])
    if (!(ctx.token.value !== null && ctx.inlineSecrets)) comments.push(...ctx.token.how)
  }
  const body = r.body && r.method !== 'GET' && r.method !== 'HEAD' ? toText(r.body, ctx, used, unknown) : null
  if (body && !headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['Content-Type', [{ text: /^\s*[[{]/.test(r.body) ? 'application/json' : 'text/plain; charset=utf-8' }]])
  const url = toText(r.url, ctx, used, unknown)
  for (const [env, variable] of used) comments.push(`${env}: the value of the secret variable {{${variable}}}${ctx.environmentName ? ` of "${ctx.environmentName}"` : ''}`)
  if (unknown.size) notes.push(`${[...unknown].map((n) => `{{${n}}}`).join(', ')} ${unknown.size === 1 ? 'is' : 'are'} not defined here and ${unknown.size === 1 ? 'was' : 'were'} left as written.`)
  const caFile = ctx.caCertificatePem.trim() ? CA_FILE : null
  if (caFile) comments.push(`${CA_FILE}: the CA certificate this environment trusts (its "Extra CA certificates"), saved as a file`)
  return { method: r.method, url, headers, body, comments, caFile, notes }
}
