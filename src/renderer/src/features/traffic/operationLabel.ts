import type { SchemaView } from '@shared/schema'

const API = /\/api\/data\/v\d+\.\d+\/?(.*)$/

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * What a Web API call does, in the org's terms, from its method and path and the org's schema: "Retrieve multiple
 * accounts", "Retrieve account", "Create contact", "Action WinOpportunity", "Function WhoAmI", "$batch". Null when
 * the path is not the Web API's (or names nothing the schema knows).
 */
export function operationLabel(method: string, path: string, schema: SchemaView | null): string | null {
  const match = API.exec(path.split('?')[0]!)
  if (!match) return null
  const rest = match[1]!.replace(/\/+$/, '')
  if (rest === '') return 'Service document'
  if (rest === '$batch') return '$batch'
  if (rest === '$metadata') return 'Metadata ($metadata)'
  const segments = rest.split('/').map(decode)
  const first = segments[0]!
  const set = /^([\w.]+)(\((.*)\))?$/.exec(first)
  if (!set) return null
  const [, name, , key] = set
  const verb = method.toUpperCase()
  const lastOp = /(?:Microsoft\.Dynamics\.CRM\.)?([A-Za-z_]\w*)(\(.*\))?$/.exec(segments[segments.length - 1]!)
  const operationOf = (opName: string) => schema?.operation(opName)[0] ?? null
  // An operation: unbound (the first segment) or bound to a table or record (the last one, namespace-qualified).
  if (segments.length === 1 && !schema?.entityTypeOfSet(name!)) {
    const op = operationOf(name!)
    if (op) return `${op.kind === 'action' ? 'Action' : 'Function'} ${op.name}`
    if (['EntityDefinitions', 'GlobalOptionSetDefinitions', 'RelationshipDefinitions'].includes(name!)) return `Metadata: ${name}`
    // Without the schema: entity sets are lower case in Dataverse, functions and actions are not.
    if (!schema && /^[A-Z]/.test(name!)) return `${verb === 'GET' ? 'Function' : 'Action'} ${name}`
  }
  if (segments.length > 1 && segments[segments.length - 1]!.startsWith('Microsoft.Dynamics.CRM.') && lastOp) {
    const op = operationOf(lastOp[1]!)
    return `${op?.kind === 'function' ? 'Function' : 'Action'} ${lastOp[1]} (bound to ${name})`
  }
  const type = schema?.entityTypeOfSet(name!) ?? null
  const logical = type?.name ?? name!
  if (segments.length > 1) {
    const nav = segments[segments.length - 1]!.replace(/\(.*\)$/, '')
    if (nav === '$ref') return `${verb === 'DELETE' ? 'Disassociate' : 'Associate'} ${logical}`
    if (nav === '$count') return `Count ${name}`
    return `${verb === 'GET' ? 'Retrieve' : verb === 'PATCH' || verb === 'PUT' ? 'Update' : verb === 'DELETE' ? 'Delete' : 'Post to'} ${logical} ${nav}`
  }
  if (key !== undefined) {
    const action = verb === 'GET' ? 'Retrieve' : verb === 'PATCH' ? 'Update (upsert)' : verb === 'PUT' ? 'Update' : verb === 'DELETE' ? 'Delete' : verb
    return `${action} ${logical}`
  }
  if (!type && !schema) return verb === 'GET' ? `Retrieve multiple ${name}` : verb === 'POST' ? `Create in ${name}` : null
  if (!type) return null
  return verb === 'GET' ? `Retrieve multiple ${name}` : verb === 'POST' ? `Create ${logical}` : null
}
