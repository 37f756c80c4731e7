/**
 * The request that calls an action or a function with the values of its form, as Microsoft documents it:
 * - actions: POST `{{webApiUrl}}/<Name>`, or on the table or record they are bound to with the full name
 *   (`accounts(<id>)/Microsoft.Dynamics.CRM.<Name>`), and the parameters as a JSON body
 *   (use-web-api-actions.md);
 * - functions: GET with the parameters as aliases, `<Name>(A=@p1,B=@p2)?@p1=…&@p2=…`, values as OData
 *   literals (use-web-api-functions.md "Passing parameters to a function"); bound ones the same way.
 * Nothing is dropped silently: every value that cannot be written is a problem naming the parameter.
 */
import type { KeyValue } from '@shared/http'
import type { OperationIndex, SchemaView } from '@shared/schema'
import { RawJson, writeJson, type Json } from './json'
import { fieldType, primaryKey, severalMembers, typeLabel, type FieldType } from './paramTypes'
import { fieldChoices, isEmpty, type ParamValue, type ParamValues } from './values'

export interface OperationContext {
  schema: SchemaView
  /** A bound operation's table (entity set) and, when it is bound to one record, the record's id. */
  target?: { entitySet: string; id: string }
}

export interface Problem {
  /** The parameter (with a path inside it: `Targets[2]`, `OpportunityClose.subject`), or `binding`. */
  parameter: string
  message: string
}

export interface OperationRequest {
  method: 'GET' | 'POST'
  url: string
  /** Headers the request needs besides the tab's (Content-Type for a JSON body). */
  headers: KeyValue[]
  body: string
  problems: Problem[]
}

export const VARIABLE = /^\{\{[^{}]+\}\}$/
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const INTEGER = /^-?\d+$/
const DECIMAL = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$/
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?$/

const SHAPES: Partial<Record<FieldType['kind'], { test: RegExp; says: string }>> = {
  integer: { test: INTEGER, says: 'a whole number' },
  decimal: { test: DECIMAL, says: 'a number (digits, with a . for decimals)' },
  guid: { test: GUID, says: 'a GUID (00000000-0000-0000-0000-000000000000)' },
  datetime: { test: DATETIME, says: 'an ISO date and time (2024-05-01T09:30:00Z)' },
  date: { test: DATE, says: 'a date (2024-05-01)' },
  time: { test: TIME, says: 'a time of day (09:30:00)' }
}

/** The characters a query string value cannot hold as they are; the rest stays readable in the URL bar. */
export function encodeQueryValue(text: string): string {
  return text.replace(/[%&#+]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** An OData string literal: single quotes, a quote inside doubled. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}

type Mode = 'action' | 'function'

class Writer {
  readonly problems: Problem[] = []
  constructor(
    private readonly schema: SchemaView,
    private readonly mode: Mode
  ) {}

  get namespace(): string {
    return this.schema.packed.namespace
  }

  problem(parameter: string, message: string): void {
    this.problems.push({ parameter, message })
  }

  /** A text value checked against its type's shape; a {{variable}} stands for any value. */
  text(path: string, type: FieldType, text: string): string | null {
    const value = type.kind === 'string' ? text : text.trim()
    const shape = SHAPES[type.kind]
    if (shape && !shape.test.test(value) && !VARIABLE.test(value)) {
      this.problem(path, `${path} must be ${shape.says}; "${value}" is not.`)
      return null
    }
    return value
  }

  /** The value as JSON: an action's body, or a function's structured parameter. */
  json(path: string, type: FieldType, value: ParamValue): Json | undefined {
    switch (value.kind) {
      case 'list': {
        const itemType = { ...type, collection: false }
        const items: Json[] = []
        value.items.forEach((item, i) => {
          const at = `${path}[${i + 1}]`
          if (isEmpty(item)) this.problem(at, `${at} is empty: give it a value or remove it.`)
          else {
            const json = this.json(at, itemType, item)
            if (json !== undefined) items.push(json)
          }
        })
        return items
      }
      case 'text': {
        const text = this.text(path, type, value.text)
        if (text === null) return undefined
        if (type.kind === 'integer' || type.kind === 'decimal') return new RawJson(text)
        if (type.kind === 'untyped') return this.untyped(path, text)
        return text
      }
      case 'boolean':
        return value.value
      case 'enum':
        return this.enumMembers(path, type, value.members)
      case 'record':
        return this.record(path, value)
      case 'fields':
        return this.fields(path, type, value)
    }
  }

  untyped(path: string, text: string): Json | undefined {
    if (text.includes('{{')) return new RawJson(text)
    try {
      JSON.parse(text)
      return new RawJson(text)
    } catch {
      this.problem(path, `${path} must be JSON (its type says nothing more).`)
      return undefined
    }
  }

  enumMembers(path: string, type: FieldType, members: string[]): string | undefined {
    const known = type.enumType?.members.map((m) => m.name) ?? []
    const unknown = members.filter((m) => known.length && !known.includes(m))
    if (unknown.length) {
      this.problem(path, `${path}: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a member' : 'are not members'} of ${type.type}.`)
      return undefined
    }
    if (members.length > 1 && type.enumType && !severalMembers(type.enumType)) {
      this.problem(path, `${path} takes one member of ${type.type}.`)
      return undefined
    }
    // Several members of a flags enum: one comma-separated value (web-api-complex-enum-types.md, AccessMask).
    return members.join(',')
  }

  /** The table and id of a reference, checked. */
  reference(path: string, value: Extract<ParamValue, { kind: 'record' }>): { entitySet: string; typeName: string; key: string; id: string } | null {
    if (!value.entitySet) {
      this.problem(path, `Choose the table of the record ${path} refers to.`)
      return null
    }
    const entity = this.schema.entityTypeOfSet(value.entitySet)
    if (!entity) {
      this.problem(path, `${path}: "${value.entitySet}" is not a table of this org.`)
      return null
    }
    const id = value.id.trim()
    if (!GUID.test(id) && !VARIABLE.test(id)) {
      this.problem(path, `${path} needs the record's id, a GUID; "${id}" is not one.`)
      return null
    }
    const key = primaryKey(entity, this.schema)
    if (!key) {
      this.problem(path, `${entity.name} has no primary key in the org's schema.`)
      return null
    }
    return { entitySet: entity.entitySet ?? value.entitySet, typeName: entity.name, key, id }
  }

  /**
   * An existing record: for an action the entity with its type and primary key
   * (use-web-api-actions.md "Specify entity parameter type"); for a function its `@odata.id`
   * (use-web-api-functions.md "Pass record reference to a function").
   */
  record(path: string, value: Extract<ParamValue, { kind: 'record' }>): Json | undefined {
    const ref = this.reference(path, value)
    if (!ref) return undefined
    if (this.mode === 'function') return { '@odata.id': `${ref.entitySet}(${ref.id})` }
    return { '@odata.type': `${this.namespace}.${ref.typeName}`, [ref.key]: ref.id }
  }

  /**
   * A record to create (its columns, its lookups as `<navigation>@odata.bind`, and its type, which a
   * `crmbaseentity` parameter requires) or a complex value (its properties).
   */
  fields(path: string, type: FieldType, value: Extract<ParamValue, { kind: 'fields' }>): Json | undefined {
    const out: { [key: string]: Json } = {}
    const choices = fieldChoices(value, type.complexType?.name ?? null, this.schema)
    if (value.entitySet) {
      const entity = this.schema.entityTypeOfSet(value.entitySet)
      if (!entity) {
        this.problem(path, `${path}: "${value.entitySet}" is not a table of this org.`)
        return undefined
      }
      out['@odata.type'] = `${this.namespace}.${entity.name}`
    }
    let ok = true
    for (const field of value.fields) {
      const at = `${path}.${field.name}`
      const choice = choices.find((c) => c.name === field.name)
      if (!choice) {
        this.problem(at, `${field.name} is not ${value.entitySet ? `a column or lookup of ${value.entitySet}` : `a property of ${type.type}`}.`)
        ok = false
        continue
      }
      if (choice.bind) {
        if (field.value.kind !== 'record' || isEmpty(field.value)) {
          this.problem(at, `${at} needs the related record's table and id.`)
          ok = false
          continue
        }
        const ref = this.reference(at, field.value)
        if (ref) out[`${field.name}@odata.bind`] = `/${ref.entitySet}(${ref.id})`
        else ok = false
        continue
      }
      if (isEmpty(field.value)) {
        out[field.name] = null
        continue
      }
      const json = this.json(at, choice.type, field.value)
      if (json === undefined) ok = false
      else out[field.name] = json
    }
    return ok ? out : undefined
  }

  /** A function parameter's value in the URL: an OData literal, or JSON for records, structures and lists. */
  literal(path: string, type: FieldType, value: ParamValue): string | undefined {
    switch (value.kind) {
      case 'text': {
        const text = this.text(path, type, value.text)
        if (text === null) return undefined
        if (type.kind === 'string') return quoteLiteral(text)
        if (type.kind === 'duration') return `duration${quoteLiteral(text)}`
        if (type.kind === 'binary') return `binary${quoteLiteral(text)}`
        return text
      }
      case 'boolean':
        return String(value.value)
      case 'enum': {
        const members = this.enumMembers(path, type, value.members)
        // Microsoft.Dynamics.CRM.EntityFilters'Entity,Attributes'
        return members === undefined ? undefined : `${this.namespace}.${type.type}${quoteLiteral(members)}`
      }
      default: {
        const json = this.json(path, type, value)
        return json === undefined ? undefined : writeJson(json, true)
      }
    }
  }
}

function operationPath(op: OperationIndex, context: OperationContext, writer: Writer): string {
  if (!op.binding) return op.name
  const full = `${writer.namespace}.${op.name}`
  const target = context.target
  if (!target?.entitySet) {
    writer.problem('binding', `${op.name} is bound to ${op.binding.collection ? 'a table' : 'a record'}: choose the ${op.binding.collection ? 'table' : "record's table"}.`)
    return `<table>/${full}`
  }
  if (op.binding.collection) return `${target.entitySet}/${full}`
  const id = target.id.trim()
  if (!GUID.test(id) && !VARIABLE.test(id)) writer.problem('binding', `${op.name} is bound to one ${target.entitySet} record: give its id, a GUID${id ? `; "${id}" is not one` : ''}.`)
  return `${target.entitySet}(${id || '<id>'})/${full}`
}

export function buildOperationRequest(op: OperationIndex, values: ParamValues, context: OperationContext): OperationRequest {
  const { schema } = context
  const writer = new Writer(schema, op.kind)
  const path = operationPath(op, context, writer)
  const given = op.parameters.filter((p) => {
    const value = values[p.name]
    const empty = !value || (isEmpty(value) && !(value.kind === 'list' && p.required))
    if (empty && p.required) writer.problem(p.name, `${p.name} is required (${typeLabel(p.type, p.collection)}).`)
    return !empty
  })

  if (op.kind === 'action') {
    const body: { [key: string]: Json } = {}
    for (const p of given) {
      const json = writer.json(p.name, fieldType(p.type, p.collection, schema), values[p.name]!)
      if (json !== undefined) body[p.name] = json
    }
    return {
      method: 'POST',
      url: `{{webApiUrl}}/${path}`,
      headers: [{ key: 'Content-Type', value: 'application/json', enabled: true }],
      body: writeJson(body),
      problems: writer.problems
    }
  }

  const names: string[] = []
  const aliases: string[] = []
  for (const p of given) {
    const literal = writer.literal(p.name, fieldType(p.type, p.collection, schema), values[p.name]!)
    if (literal === undefined) continue
    const alias = `@p${aliases.length + 1}`
    names.push(`${p.name}=${alias}`)
    aliases.push(`${alias}=${encodeQueryValue(literal)}`)
  }
  return {
    method: 'GET',
    url: `{{webApiUrl}}/${path}(${names.join(',')})${aliases.length ? `?${aliases.join('&')}` : ''}`,
    headers: [],
    body: '',
    problems: writer.problems
  }
}

/** A tab's headers with the request's own (Content-Type) in place of any row of the same name. */
export function mergeRequestHeaders(tabHeaders: readonly KeyValue[], requestHeaders: readonly KeyValue[]): KeyValue[] {
  const names = new Set(requestHeaders.map((h) => h.key.toLowerCase()))
  return [...tabHeaders.filter((h) => !names.has(h.key.trim().toLowerCase())).map((h) => ({ ...h })), ...requestHeaders.map((h) => ({ ...h }))]
}
