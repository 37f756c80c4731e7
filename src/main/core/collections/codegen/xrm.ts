/**
 * Xrm.WebApi for a model-driven app's web resource, when the request is a Dataverse operation the org's schema
 * knows: a table query or record (retrieveMultipleRecords, retrieveRecord, createRecord, updateRecord,
 * deleteRecord) or an unbound action or function (execute). In a web resource the app signs the call in: no token.
 */
import type { SchemaView } from '../../../../shared/schema'
import { flat, type CodeRequest } from './model'

export type XrmResult = { ok: true; code: string } | { ok: false; reason: string }

const KEY = /^([A-Za-z_]\w*)\((.*)\)$/

export function xrm(r: CodeRequest, schema: SchemaView | null): XrmResult {
  if (!schema) return { ok: false, reason: "The org's schema is not loaded for this environment: open the environment (its schema loads for completion) and try again." }
  const url = flat(r.url, (n) => `{{${n}}}`)
  const match = /\/api\/data\/v\d+\.\d+\/([^?#]*)(\?[^#]*)?/.exec(url)
  if (!match) return { ok: false, reason: 'Xrm.WebApi calls the Dataverse Web API (…/api/data/v9.x/…); this URL is not one.' }
  const path = decodeURIComponent(match[1]!)
  const query = match[2] ?? ''
  const body = r.body ? flat(r.body, (n) => `{{${n}}}`) : ''
  const data = (): string | null => {
    if (!body.trim()) return '{}'
    try {
      return JSON.stringify(JSON.parse(body), null, 2)
    } catch {
      return null
    }
  }
  const segments = path.split('/').filter(Boolean)
  if (segments.length === 1) {
    const seg = segments[0]!
    const keyed = KEY.exec(seg)
    const setName = keyed ? keyed[1]! : seg
    const type = schema.entityTypeOfSet(setName)
    if (type) {
      const logical = type.name
      const id = keyed ? keyed[2]!.replace(/^'(.*)'$/, '$1') : null
      if (r.method === 'GET' && !id) return ok(`const result = await Xrm.WebApi.retrieveMultipleRecords(${q(logical)}, ${q(query)});\nconsole.log(result.entities);`)
      if (r.method === 'GET' && id) return ok(`const record = await Xrm.WebApi.retrieveRecord(${q(logical)}, ${q(id)}, ${q(query)});\nconsole.log(record);`)
      if (r.method === 'POST' && !id) {
        const d = data()
        return d === null ? bad('the body is not JSON') : ok(`const data = ${d};\nconst created = await Xrm.WebApi.createRecord(${q(logical)}, data);\nconsole.log(created.id);`)
      }
      if (r.method === 'PATCH' && id) {
        const d = data()
        return d === null ? bad('the body is not JSON') : ok(`const data = ${d};\nawait Xrm.WebApi.updateRecord(${q(logical)}, ${q(id)}, data);`)
      }
      if (r.method === 'DELETE' && id) return ok(`await Xrm.WebApi.deleteRecord(${q(logical)}, ${q(id)});`)
      return bad(`${r.method} on ${seg} has no Xrm.WebApi method`)
    }
    const opName = seg.replace(/\(.*\)$/, '').replace(/^Microsoft\.Dynamics\.CRM\./, '')
    const op = schema.operation(opName).find((o) => o.binding === null)
    if (op) {
      if ((op.kind === 'action') !== (r.method === 'POST')) return bad(`${op.name} is ${op.kind === 'action' ? 'an action (POST)' : 'a function (GET)'}`)
      let params: Record<string, unknown> = {}
      if (op.kind === 'action' && body.trim()) {
        try {
          params = JSON.parse(body) as Record<string, unknown>
        } catch {
          return bad('the body is not JSON')
        }
      }
      const types = Object.fromEntries(op.parameters.map((p) => [p.name, { typeName: p.type.startsWith('Edm.') ? p.type : `mscrm.${p.type}`, structuralProperty: structural(p.type, p.collection, schema) }]))
      const fields = op.parameters.map((p) => `  ${p.name}: ${JSON.stringify(params[p.name] ?? null)},`)
      const code = [
        'const request = {',
        ...fields,
        '  getMetadata: () => ({',
        '    boundParameter: null,',
        `    parameterTypes: ${JSON.stringify(types, null, 2).replace(/\n/g, '\n    ')},`,
        `    operationType: ${op.kind === 'action' ? 0 : 1},`,
        `    operationName: ${q(op.name)}`,
        '  })',
        '};',
        'const response = await Xrm.WebApi.online.execute(request);',
        'console.log(response.ok ? await response.json() : response.status);'
      ].join('\n')
      return ok(code)
    }
  }
  return bad(`"${path}" is not a table or an unbound action or function in the org's schema`)
}

/** Xrm's structuralProperty: 0 unknown, 1 primitive, 2 complex, 3 enum, 4 collection, 5 entity. */
function structural(type: string, collection: boolean, schema: SchemaView): number {
  if (collection) return 4
  if (type.startsWith('Edm.')) return 1
  if (schema.enumType(type)) return 3
  if (schema.complexType(type)) return 2
  if (schema.entityType(type)) return 5
  return 0
}

const q = (s: string): string => JSON.stringify(s)
const ok = (code: string): XrmResult => ({ ok: true, code: `// In a web resource of a model-driven app: Xrm.WebApi signs the call in as the app's user.\n${code}\n` })
const bad = (why: string): XrmResult => ({ ok: false, reason: `Not an Xrm.WebApi call: ${why}.` })
