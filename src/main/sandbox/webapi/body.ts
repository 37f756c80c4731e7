import { dv } from '../errors'
import type { Call } from './routes'

/** The JSON object a write sends, checked as Dataverse checks it. */
export function readJson(call: Call): unknown {
  const type = call.req.headers['content-type'] ?? ''
  if (call.req.body.length === 0) throw dv.badRequest('The request body is empty: send the record as JSON.')
  if (type && !/json/i.test(type)) throw dv.unsupportedMediaType(type)
  try {
    return JSON.parse(call.req.body.toString('utf8'))
  } catch (error) {
    throw dv.invalidJson((error as Error).message)
  }
}

export function readBody(call: Call): Record<string, unknown> {
  const value = readJson(call)
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw dv.badRequest('The request body must be a JSON object.')
  return value as Record<string, unknown>
}
