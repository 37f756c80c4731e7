/**
 * Insomnia export format 4 (Insomnia's "Export Data → Insomnia v4 (JSON)"): the workspace's request groups as
 * folders, its requests, and its base environment as the collection's variables. Insomnia writes variables as
 * `{{ _.name }}`; OrgBench's are `{{name}}`. Template tags (`{% … %}`), file bodies and auth other than bearer are
 * reported.
 */
import { z } from 'zod'
import { CollectionVariable, SavedRequest, type SavedAuth, type SavedRequestData } from '../../../../shared/collections'
import { AppError } from '../../../../shared/errors'
import { HTTP_METHODS, type HttpMethod, type KeyValue } from '../../../../shared/http'
import { scrubSecrets } from '../secrets'
import type { PlainCollection, PlainItem } from './model'
import { formEncode } from './postman'

const Pair = z.object({ name: z.string().default(''), value: z.unknown().optional(), disabled: z.boolean().optional(), type: z.string().optional() })
const Resource = z
  .object({
    _id: z.string(),
    _type: z.string(),
    parentId: z.string().nullable().optional(),
    name: z.string().optional(),
    metaSortKey: z.number().optional(),
    method: z.string().optional(),
    url: z.string().optional(),
    description: z.string().optional(),
    headers: z.array(Pair).optional(),
    parameters: z.array(Pair).optional(),
    body: z.object({ mimeType: z.string().nullable().optional(), text: z.string().optional(), params: z.array(Pair).optional(), fileName: z.string().optional() }).partial().optional(),
    authentication: z.object({ type: z.string().optional(), token: z.string().optional(), disabled: z.boolean().optional(), prefix: z.string().optional() }).passthrough().optional(),
    data: z.record(z.string(), z.unknown()).optional()
  })
  .passthrough()
type Resource = z.infer<typeof Resource>

const InsomniaExport = z.object({ _type: z.literal('export'), __export_format: z.literal(4), resources: z.array(Resource) })

/** `{{ _.name }}` and `{{ _['name'] }}` → `{{name}}`; template tags are counted for the report. */
function vars(text: string, tags: { count: number }): string {
  if (text.includes('{%')) tags.count++
  return text.replace(/\{\{\s*_\.([A-Za-z_][\w.-]*)\s*\}\}/g, '{{$1}}').replace(/\{\{\s*_\[['"]([^'"]+)['"]\]\s*\}\}/g, '{{$1}}')
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v))

function mapRequest(r: Resource, where: string, warnings: string[], tags: { count: number }): SavedRequestData | null {
  const method = (r.method ?? 'GET').toUpperCase()
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    warnings.push(`${where}: the method ${method} is not one OrgBench sends; the request was left out.`)
    return null
  }
  const headers: KeyValue[] = (r.headers ?? []).filter((h) => h.name).map((h) => ({ key: h.name, value: vars(str(h.value), tags), enabled: !h.disabled }))
  let url = vars(r.url ?? '', tags)
  const query = (r.parameters ?? []).filter((p) => !p.disabled && p.name)
  if (query.length) url += (url.includes('?') ? '&' : '?') + query.map((p) => `${p.name}=${vars(str(p.value), tags)}`).join('&')
  let body = ''
  const mime = r.body?.mimeType ?? ''
  if (r.body?.text !== undefined) body = vars(r.body.text, tags)
  else if (mime === 'application/x-www-form-urlencoded') body = formEncode((r.body?.params ?? []).filter((p) => !p.disabled).map((p) => ({ key: p.name, value: vars(str(p.value), tags) })))
  else if (mime === 'multipart/form-data') {
    warnings.push(`${where}: the multipart body was left out (OrgBench sends no multipart bodies).`)
  } else if (r.body?.fileName) warnings.push(`${where}: a file body was left out.`)
  if (body && mime && !headers.some((h) => h.key.toLowerCase() === 'content-type')) headers.push({ key: 'Content-Type', value: mime, enabled: true })
  let auth: SavedAuth = { mode: 'inherit' }
  const a = r.authentication
  if (a?.type && !a.disabled) {
    if (a.type === 'bearer') auth = { mode: 'bearer', token: vars(a.token ?? '', tags) }
    else if (a.type === 'none') auth = { mode: 'none' }
    else if (a.type === 'oauth2') warnings.push(`${where}: OAuth 2.0 auth is done by the environment in OrgBench; the request uses the environment's token.`)
    else {
      auth = { mode: 'none' }
      warnings.push(`${where}: ${a.type} auth was not mapped.`)
    }
  }
  const parsed = SavedRequest.safeParse({ name: (r.name ?? '').trim() || 'Request', method: method as HttpMethod, url, headers, body, auth, description: r.description ?? '' })
  if (!parsed.success) {
    warnings.push(`${where}: left out (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}).`)
    return null
  }
  const { request, replaced } = scrubSecrets(parsed.data)
  for (const x of replaced) warnings.push(`${where}: the literal ${x.where} was replaced by {{${x.variable}}}: give that variable its value in your environment (secret).`)
  return request
}

export function importInsomnia(json: unknown): PlainCollection {
  const parsed = InsomniaExport.safeParse(json)
  if (!parsed.success) throw new AppError('invalid_input', 'This is not an Insomnia v4 export ("_type": "export", "__export_format": 4). In Insomnia: Export Data → Insomnia v4 (JSON).')
  const resources = parsed.data.resources
  const workspaces = resources.filter((r) => r._type === 'workspace')
  if (workspaces.length > 1) throw new AppError('invalid_input', `This export holds ${workspaces.length} workspaces: export one workspace at a time.`)
  const workspace = workspaces[0]
  const warnings: string[] = []
  const tags = { count: 0 }
  const children = (parentId: string | null | undefined): Resource[] =>
    resources.filter((r) => (r.parentId ?? null) === (parentId ?? null) && (r._type === 'request' || r._type === 'request_group')).sort((a, b) => (a.metaSortKey ?? 0) - (b.metaSortKey ?? 0))
  const walk = (parentId: string | null | undefined, path: string, depth: number): PlainItem[] => {
    if (depth > 30) return []
    return children(parentId).flatMap((r): PlainItem[] => {
      const where = `${path}${r.name ?? 'Request'}`
      if (r._type === 'request_group') return [{ kind: 'folder', name: (r.name ?? '').trim() || 'Folder', items: walk(r._id, `${where}/`, depth + 1) }]
      const request = mapRequest(r, where, warnings, tags)
      return request ? [{ kind: 'request', request }] : []
    })
  }
  const items = walk(workspace?._id ?? null, '', 0)
  const base = resources.find((r) => r._type === 'environment' && r.parentId === workspace?._id)
  const variables: z.output<typeof CollectionVariable>[] = []
  for (const [key, value] of Object.entries(base?.data ?? {})) {
    const v = CollectionVariable.safeParse({ key, value: str(value) })
    if (v.success) variables.push(v.data)
    else warnings.push(`Variable "${key}" was left out (${v.error.issues[0]?.message}).`)
  }
  const others = resources.filter((r) => r._type === 'environment' && r !== base).length
  if (others) warnings.push(`${others} sub-environment${others === 1 ? ' was' : 's were'} left out: create them as OrgBench environments.`)
  if (tags.count) warnings.push(`${tags.count} value${tags.count === 1 ? '' : 's'} use Insomnia template tags ({% … %}), which OrgBench does not run: they were kept as text.`)
  return { name: (workspace?.name ?? '').trim() || 'Insomnia import', variables, items, warnings }
}
