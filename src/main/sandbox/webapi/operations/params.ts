import { dv } from '../../errors'
import { readJson } from '../body'
import { failure } from '../failures'
import { parseLiteral } from '../filterLexer'
import { safeDecode } from '../http'
import type { Call } from '../routes'
import type { Row } from '../seedData'
import { tableByName, type Table } from '../schema'
import { splitTopLevel } from '../text'
import type { EntityArgument, Operation, OperationParameter } from './types'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function cannotConvert(value: unknown, type: string): Error {
  return dv.badRequest(`Cannot convert the literal '${typeof value === 'string' ? value : JSON.stringify(value)}' to the expected type '${type}'.`)
}

/** A parameter value checked against its declared type, as Dataverse's OData layer reads it. */
function convert(param: OperationParameter, value: unknown): unknown {
  const type = param.type
  if (value === null) return null
  if (type.startsWith('Collection(')) {
    const item = type.slice('Collection('.length, -1)
    if (!Array.isArray(value)) throw cannotConvert(value, type)
    return value.map((v) => convert({ ...param, type: item }, v))
  }
  switch (type) {
    case 'Edm.Boolean':
      if (typeof value !== 'boolean') throw cannotConvert(value, type)
      return value
    case 'Edm.Int32':
    case 'Edm.Int64':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw cannotConvert(value, type)
      return value
    case 'Edm.Decimal':
    case 'Edm.Double':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw cannotConvert(value, type)
      return value
    case 'Edm.String':
      if (typeof value !== 'string') throw cannotConvert(value, type)
      return value
    case 'Edm.Guid':
      if (typeof value !== 'string' || !GUID.test(value)) throw cannotConvert(value, type)
      return value.toLowerCase()
  }
  if (type.startsWith('mscrm.')) return entityArgument(param, value)
  return value
}

/** An entity-typed parameter: an object; `@odata.type` names the table when the declared type is crmbaseentity. */
function entityArgument(param: OperationParameter, value: unknown): EntityArgument {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw cannotConvert(value, param.type)
  const object = value as Record<string, unknown>
  const declared = param.type.slice('mscrm.'.length)
  const named = typeof object['@odata.type'] === 'string' ? (object['@odata.type'] as string).replace(/^#?Microsoft\.Dynamics\.CRM\./, '') : null
  const name = named ?? (declared === 'crmbaseentity' ? null : declared)
  // Without a type Dataverse cannot tell which table a crmbaseentity is (Use Web API actions, "Specify entity parameter type").
  if (!name) throw dv.badRequest('EdmEntityObject passed should have the key property value set.')
  const table = tableByName.get(name)
  if (!table) throw failure.fetchNoEntity(name)
  if (declared !== 'crmbaseentity' && declared !== name) throw dv.badRequest(`The parameter '${param.name}' must be a ${declared} (got a ${name}).`)
  const rest = Object.fromEntries(Object.entries(object).filter(([k]) => k !== '@odata.type'))
  return { table, value: rest }
}

/** The existing record an entity-typed parameter names by its primary key. */
export function recordOf(call: Call, argument: EntityArgument, parameter: string, allowed?: string[]): { table: Table; row: Row } {
  if (allowed && !allowed.includes(argument.table.logicalName)) throw failure.invalidArgument(`The ${parameter} parameter must be a ${allowed.join(' or ')} (got a ${argument.table.logicalName}).`)
  const id = argument.value[argument.table.primaryId]
  if (typeof id !== 'string' || !GUID.test(id)) throw dv.badRequest('EdmEntityObject passed should have the key property value set.')
  return { table: argument.table, row: call.ctx.org.get(argument.table, id) }
}

function checkRequired(op: Operation, args: Map<string, unknown>): Map<string, unknown> {
  for (const p of op.parameters) if (p.required && (args.get(p.name) === undefined || args.get(p.name) === null)) throw failure.unresolvedParameters()
  return args
}

/** An action's parameters from its JSON body. */
export function actionArguments(call: Call, op: Operation): Map<string, unknown> {
  const args = new Map<string, unknown>()
  if (call.req.body.length === 0) return checkRequired(op, args)
  const body = readJson(call)
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw dv.badRequest('The request body must be a JSON object of the action\'s parameters.')
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key.startsWith('@')) continue
    const param = op.parameters.find((p) => p.name === key)
    if (!param) throw failure.unknownParameter(key, op.name)
    args.set(key, convert(param, value))
  }
  return checkRequired(op, args)
}

/** A function's parameters from the URL: inline (`EntityNames=['account']`) or through an alias (`EntityNames=@p1`). */
export function functionArguments(call: Call, op: Operation, text: string | null): Map<string, unknown> {
  const args = new Map<string, unknown>()
  for (const part of splitTopLevel(safeDecode(text ?? ''), ',')) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw dv.badRequest(`Syntax error in the function parameters '${text ?? ''}': use Name=value.`)
    const name = part.slice(0, eq).trim()
    let raw = part.slice(eq + 1).trim()
    if (/^@\w+$/.test(raw)) raw = call.q.get(raw) ?? 'null'
    const param = op.parameters.find((p) => p.name === name)
    if (!param) throw dv.badRequest(`The parameter '${name}' is not a parameter of the function '${op.name}'.`)
    const literal = raw.startsWith('{') ? { value: parseObject(raw, param) } : parseLiteral(raw)
    args.set(name, convert(param, literal.value))
  }
  return checkRequired(op, args)
}

function parseObject(raw: string, param: OperationParameter): unknown {
  try {
    return JSON.parse(raw.replace(/'/g, '"'))
  } catch {
    throw cannotConvert(raw, param.type)
  }
}
