/**
 * The filter operators the builder offers for a column, by the column's type: comparisons, string tests,
 * null checks and Dataverse's query functions, each with how many values it takes and of what kind.
 */
import { QUERY_FUNCTIONS, type QueryFunction } from '../odata/queryFunctions'

/** How a value is typed in the panel. */
export type ValueKind = 'text' | 'number' | 'boolean' | 'guid' | 'date' | 'datetime' | 'any'

export interface OperatorInfo {
  value: string
  label: string
  /** Shown beside the label in the list: the OData it writes, or what a query function matches. */
  detail?: string
  /** none: `eq null`, `Today`; one; two: fiscal period and year; list: `In`, `Between`. */
  arity: 'none' | 'one' | 'two' | 'list'
  /** The kind of the values, when it is not the column's own (a number of days for LastXDays). */
  valueKind?: ValueKind
}

export const COMPARISONS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const
export const STRING_TESTS = ['contains', 'notcontains', 'startswith', 'notstartswith', 'endswith', 'notendswith'] as const

/** Words in the list and once chosen; the OData beside them in the list only. */
const LABELS: Record<string, [label: string, odata: string]> = {
  eq: ['equals', 'eq'],
  ne: ['does not equal', 'ne'],
  gt: ['greater than', 'gt'],
  ge: ['greater or equal', 'ge'],
  lt: ['less than', 'lt'],
  le: ['less or equal', 'le'],
  contains: ['contains', 'contains()'],
  notcontains: ['does not contain', 'not contains()'],
  startswith: ['begins with', 'startswith()'],
  notstartswith: ['does not begin with', 'not startswith()'],
  endswith: ['ends with', 'endswith()'],
  notendswith: ['does not end with', 'not endswith()'],
  null: ['has no value', 'eq null'],
  notnull: ['has a value', 'ne null']
}

export function valueKind(type: string): ValueKind {
  switch (type) {
    case 'Edm.String':
      return 'text'
    case 'Edm.Boolean':
      return 'boolean'
    case 'Edm.Guid':
      return 'guid'
    case 'Edm.Date':
      return 'date'
    case 'Edm.DateTimeOffset':
      return 'datetime'
    case 'Edm.Int16':
    case 'Edm.Int32':
    case 'Edm.Int64':
    case 'Edm.Decimal':
    case 'Edm.Double':
    case 'Edm.Single':
    case 'Edm.Byte':
      return 'number'
    default:
      return 'any'
  }
}

const FUNCTIONS = new Map(QUERY_FUNCTIONS.map((f) => [f.name, f]))

export function isQueryFunction(operator: string): boolean {
  return FUNCTIONS.has(operator)
}

export function queryFunction(operator: string): QueryFunction | null {
  return FUNCTIONS.get(operator) ?? null
}

const DATE_FUNCTION = /^(Today|Tomorrow|Yesterday|(Last|Next)(7Days|Week|Month|Year|FiscalPeriod|FiscalYear|X\w+)|This\w+|OlderThanX\w+|On|OnOrAfter|OnOrBefore|InFiscal\w+|InOrAfterFiscal\w+|InOrBeforeFiscal\w+)$/
const USER_FUNCTION = /^(Not)?Equal(User|Business)/
const HIERARCHY_FUNCTION = /^(Above|AboveOrEqual|Under|UnderOrEqual|NotUnder)$/
const LIST_FUNCTION = /^(In|NotIn|Between|NotBetween|ContainValues|DoesNotContainValues)$/

/** The query functions that make sense on a column of this type. */
function functionsFor(kind: ValueKind): QueryFunction[] {
  return QUERY_FUNCTIONS.filter((f) => {
    if (DATE_FUNCTION.test(f.name)) return kind === 'date' || kind === 'datetime' || kind === 'any'
    if (f.name === 'EqualUserLanguage') return kind === 'number' || kind === 'any'
    if (USER_FUNCTION.test(f.name) || HIERARCHY_FUNCTION.test(f.name)) return kind === 'guid' || kind === 'any'
    if (/ContainValues$/.test(f.name)) return kind === 'text' || kind === 'any'
    if (LIST_FUNCTION.test(f.name)) return kind !== 'boolean'
    return kind === 'any'
  })
}

function functionInfo(f: QueryFunction): OperatorInfo {
  const arity = f.shape === 'property' ? 'none' : f.shape === 'value' ? 'one' : f.shape === 'two' ? 'two' : 'list'
  let valueKind: ValueKind | undefined
  if (f.shape === 'two' || /X\w+$|^InFiscal(Year|Period)$/.test(f.name)) valueKind = 'number'
  else if (/^On/.test(f.name)) valueKind = 'date'
  else if (HIERARCHY_FUNCTION.test(f.name)) valueKind = 'guid'
  return { value: f.name, label: f.name, detail: f.summary, arity, ...(valueKind ? { valueKind } : {}) }
}

/** Everything the builder can show for a column of this Edm type, most used first. */
export function operatorsFor(type: string): OperatorInfo[] {
  const kind = valueKind(type)
  const one = (value: string): OperatorInfo => ({ value, label: LABELS[value]![0], detail: LABELS[value]![1], arity: 'one' })
  const ordered = kind !== 'boolean' && kind !== 'guid'
  const out: OperatorInfo[] = [one('eq'), one('ne')]
  if (kind === 'text' || kind === 'any') out.push(...STRING_TESTS.map((op) => ({ ...one(op), valueKind: 'text' as const })))
  if (ordered) out.push(one('gt'), one('ge'), one('lt'), one('le'))
  out.push({ value: 'null', label: LABELS.null![0], detail: LABELS.null![1], arity: 'none' }, { value: 'notnull', label: LABELS.notnull![0], detail: LABELS.notnull![1], arity: 'none' })
  out.push(...functionsFor(kind).map(functionInfo))
  return out
}

/** What an operator is, whatever the column (an operator read from a URL may not be in the column's list). */
export function operatorInfo(operator: string): OperatorInfo | null {
  if (LABELS[operator]) {
    const arity = operator === 'null' || operator === 'notnull' ? 'none' : 'one'
    return { value: operator, label: LABELS[operator]![0], detail: LABELS[operator]![1], arity, ...((STRING_TESTS as readonly string[]).includes(operator) ? { valueKind: 'text' as const } : {}) }
  }
  const f = FUNCTIONS.get(operator)
  return f ? functionInfo(f) : null
}

/** How many values an operator needs, for a new row or a changed operator. */
export function valueCount(operator: string, current: readonly string[]): string[] {
  const info = operatorInfo(operator)
  switch (info?.arity) {
    case 'none':
      return []
    case 'two':
      return [current[0] ?? '', current[1] ?? '']
    case 'list':
      return current.filter((v) => v !== '')
    default:
      return [current[0] ?? '']
  }
}
