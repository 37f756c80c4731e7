/**
 * The files of a collection, as YAML a person can read and `git diff` can show line by line:
 * - `<name>.request.yaml`: one request (fixed key order, defaults left out, bodies as block scalars),
 * - `orgbench-collection.yaml` (optional, in the collection's folder): its name, variables and the order of the root,
 * - `orgbench-folder.yaml` (optional, in a sub-folder): the order of that folder's items.
 * No ids, no timestamps, no secrets: saving what was read writes the same bytes.
 * Every file has `schemaVersion`; older versions are migrated when read (and written in the new form on the next save).
 */
import { createHash } from 'node:crypto'
import { parse, stringify } from 'yaml'
import { z } from 'zod'
import { SavedRequest, CollectionVariable, type SavedRequestData } from '../../../shared/collections'
import { HttpMethod } from '../../../shared/http'

export const REQUEST_SCHEMA_VERSION = 1
export const REQUEST_SUFFIX = '.request.yaml'
export const COLLECTION_FILE = 'orgbench-collection.yaml'
export const FOLDER_FILE = 'orgbench-folder.yaml'
/** Larger files are not requests anyone wrote by hand: reported, not parsed. */
export const MAX_REQUEST_FILE_BYTES = 12 * 1024 * 1024

const HeaderLine = z.object({ key: z.string().max(8192), value: z.string().max(1_000_000).default(''), enabled: z.boolean().default(true) })

export const RequestFileV1 = z.object({
  orgbench: z.literal('request'),
  schemaVersion: z.literal(1),
  name: z.string().trim().min(1).max(200),
  method: HttpMethod,
  url: z.string().max(64 * 1024).default(''),
  auth: z.union([z.literal('inherit'), z.literal('none'), z.object({ bearer: z.string().max(64 * 1024) }).strict()]).default('inherit'),
  headers: z.array(HeaderLine).max(200).default([]),
  body: z.string().max(10 * 1024 * 1024).default(''),
  description: z.string().max(64 * 1024).default('')
})

/** The first draft of the format (no marker, no version, headers as a map), read and migrated to v1. */
export const RequestFileV0 = z.object({
  name: z.string().trim().min(1).max(200),
  method: HttpMethod,
  url: z.string().max(64 * 1024).default(''),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().default('')
})

export function migrateV0(v0: z.output<typeof RequestFileV0>): z.input<typeof RequestFileV1> {
  return {
    orgbench: 'request',
    schemaVersion: 1,
    name: v0.name,
    method: v0.method,
    url: v0.url,
    headers: Object.entries(v0.headers).map(([key, value]) => ({ key, value, enabled: true })),
    body: v0.body
  }
}

export const CollectionFileV1 = z.object({
  orgbench: z.literal('collection'),
  schemaVersion: z.literal(1),
  name: z.string().trim().min(1).max(200),
  variables: z.array(CollectionVariable).max(500).default([]),
  order: z.array(z.string().max(1024)).max(100_000).default([])
})
export type CollectionFile = z.output<typeof CollectionFileV1>

export const FolderFileV1 = z.object({
  orgbench: z.literal('folder'),
  schemaVersion: z.literal(1),
  order: z.array(z.string().max(1024)).max(100_000).default([])
})
export type FolderFile = z.output<typeof FolderFileV1>

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32)
}

const YAML_OUT = { lineWidth: 0, blockQuote: 'literal', indentSeq: true, aliasDuplicateObjects: false } as const

/** The request file's text: fixed key order, defaults left out, so a change is the lines that changed. */
export function serializeRequest(request: SavedRequestData): string {
  const out: Record<string, unknown> = { orgbench: 'request', schemaVersion: REQUEST_SCHEMA_VERSION, name: request.name, method: request.method, url: request.url }
  if (request.auth.mode === 'none') out.auth = 'none'
  if (request.auth.mode === 'bearer') out.auth = { bearer: request.auth.token }
  if (request.headers.length) out.headers = request.headers.map((h) => (h.enabled ? { key: h.key, value: h.value } : { key: h.key, value: h.value, enabled: false }))
  if (request.body) out.body = request.body
  if (request.description) out.description = request.description
  return stringify(out, YAML_OUT)
}

export type ParsedFile<T> = { ok: true; value: T; migratedFrom: number | null } | { ok: false; reason: string }

function yamlValue(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: parse(text, { schema: 'core', uniqueKeys: true, maxAliasCount: 0 }) }
  } catch (error) {
    return { ok: false, reason: `not valid YAML (${(error as Error).message.split('\n')[0]})` }
  }
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ')
}

export function parseRequest(text: string): ParsedFile<SavedRequestData> {
  const y = yamlValue(text)
  if (!y.ok) return y
  const raw = y.value
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'not a request (expected keys such as name, method, url)' }
  const version = (raw as { schemaVersion?: unknown }).schemaVersion
  let v1: z.output<typeof RequestFileV1>
  let migratedFrom: number | null = null
  if (version === undefined) {
    const v0 = RequestFileV0.safeParse(raw)
    if (!v0.success) return { ok: false, reason: issues(v0.error) }
    const migrated = RequestFileV1.safeParse(migrateV0(v0.data))
    if (!migrated.success) return { ok: false, reason: issues(migrated.error) }
    v1 = migrated.data
    migratedFrom = 0
  } else if (typeof version === 'number' && version > REQUEST_SCHEMA_VERSION) {
    return { ok: false, reason: `written by a newer OrgBench (schemaVersion ${version}; this one reads up to ${REQUEST_SCHEMA_VERSION}): update OrgBench to open it` }
  } else {
    const parsed = RequestFileV1.safeParse(raw)
    if (!parsed.success) return { ok: false, reason: issues(parsed.error) }
    v1 = parsed.data
  }
  const auth = v1.auth === 'inherit' ? { mode: 'inherit' as const } : v1.auth === 'none' ? { mode: 'none' as const } : { mode: 'bearer' as const, token: v1.auth.bearer }
  const request = SavedRequest.safeParse({ name: v1.name, method: v1.method, url: v1.url, headers: v1.headers, body: v1.body, auth, description: v1.description })
  if (!request.success) return { ok: false, reason: issues(request.error) }
  return { ok: true, value: request.data, migratedFrom }
}

function parseVersioned<S extends z.ZodType>(text: string, schema: S, what: string): ParsedFile<z.output<S>> {
  const y = yamlValue(text)
  if (!y.ok) return y
  const version = (y.value as { schemaVersion?: unknown } | null)?.schemaVersion
  if (typeof version === 'number' && version > 1) return { ok: false, reason: `written by a newer OrgBench (${what} schemaVersion ${version}): update OrgBench to open it` }
  const parsed = schema.safeParse(y.value)
  return parsed.success ? { ok: true, value: parsed.data, migratedFrom: null } : { ok: false, reason: issues(parsed.error) }
}

export const parseCollectionFile = (text: string) => parseVersioned(text, CollectionFileV1, 'collection')
export const parseFolderFile = (text: string) => parseVersioned(text, FolderFileV1, 'folder')

export function serializeCollectionFile(file: CollectionFile): string {
  const out: Record<string, unknown> = { orgbench: 'collection', schemaVersion: 1, name: file.name }
  if (file.variables.length) out.variables = file.variables.map((v) => (v.enabled ? { key: v.key, value: v.value } : { key: v.key, value: v.value, enabled: false }))
  if (file.order.length) out.order = file.order
  return stringify(out, YAML_OUT)
}

export function serializeFolderFile(file: FolderFile): string {
  return stringify({ orgbench: 'folder', schemaVersion: 1, order: file.order }, YAML_OUT)
}

export interface RequestSummary {
  name: string
  method: HttpMethod
  url: string
}

/**
 * What the tree and the search need (name, method, URL), read from the first lines of a file this module wrote,
 * without the YAML parser (3,000 files open in well under a second). Anything it is not sure of returns null and
 * the caller parses the whole file.
 */
export function quickSummary(text: string): RequestSummary | null {
  if (!text.startsWith('orgbench: request\nschemaVersion: 1\n')) return null
  const found: Partial<Record<'name' | 'method' | 'url', string>> = {}
  let at = 'orgbench: request\nschemaVersion: 1\n'.length
  for (let n = 0; n < 3; n++) {
    const end = text.indexOf('\n', at)
    if (end < 0) return null
    const line = text.slice(at, end)
    at = end + 1
    const colon = line.indexOf(': ')
    const key = line.slice(0, colon)
    if (colon < 0 || (key !== 'name' && key !== 'method' && key !== 'url') || found[key] !== undefined) return null
    const value = scalar(line.slice(colon + 2))
    if (value === null) return null
    found[key] = value
  }
  const method = HttpMethod.safeParse(found.method)
  if (!method.success || !found.name?.trim() || found.url === undefined) return null
  return { name: found.name, method: method.data, url: found.url }
}

/** One-line YAML scalars as our writer emits them; null for anything else (block scalars, tags, anchors, comments). */
function scalar(raw: string): string | null {
  if (raw.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(raw)
      // YAML's double-quoted escapes are a superset of JSON's; \/ and \u match, and JSON.parse refuses the rest.
      return typeof value === 'string' ? value : null
    } catch {
      return null
    }
  }
  if (raw.startsWith("'")) {
    if (raw.length < 2 || !raw.endsWith("'")) return null
    const inner = raw.slice(1, -1)
    if (/'(?!')/.test(inner.replace(/''/g, ''))) return null
    return inner.replace(/''/g, "'")
  }
  if (raw === '' || /^[-?:,[\]{}#&*!|>'"%@`\s]/.test(raw) || /\s#|:\s|:$|\s$/.test(raw)) return null
  // Plain scalars the core schema reads as something other than a string.
  if (/^(?:null|Null|NULL|~|true|True|TRUE|false|False|FALSE|[-+]?(?:\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN|[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(raw)) return null
  return raw
}
