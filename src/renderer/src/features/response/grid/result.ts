/**
 * An OData answer as the grid reads it: its records (a collection's `value`, or one entity) and what the
 * answer says about them (`@odata.count`, `@odata.nextLink`, Dataverse's count-limit flag).
 */
export type ODataRecord = Record<string, unknown>

export interface ResultPage {
  /** `@odata.context`, and the entity set it names (accounts in `$metadata#accounts(name)`). */
  context: string | null
  entitySet: string | null
  /** `@odata.count`: how many records match, when asked with $count=true. */
  count: number | null
  /** `@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded`: the count stopped at 5,000. */
  countLimitExceeded: boolean | null
  /** `@Microsoft.Dynamics.CRM.totalrecordcount` (FetchXML returntotalrecordcount). */
  totalRecordCount: number | null
  /** The next page's URL, exactly as sent. */
  nextLink: string | null
  /** FetchXML paging: `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie` and whether more records follow. */
  pagingCookie: string | null
  moreRecords: boolean | null
  /** One entity rather than a collection. */
  single: boolean
  records: ODataRecord[]
}

/** The entity set an `@odata.context` names: `…/$metadata#accounts(name)/$entity` → accounts. */
export function entitySetOf(context: string | null): string | null {
  if (!context) return null
  const hash = context.indexOf('$metadata#')
  if (hash < 0) return null
  const m = /^([A-Za-z_][\w]*)/.exec(context.slice(hash + 10))
  return m ? m[1]! : null
}

const isRecord = (v: unknown): v is ODataRecord => typeof v === 'object' && v !== null && !Array.isArray(v)
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null)
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null)

/**
 * The records of a parsed answer, or null when it holds none the grid can show: a collection
 * (`{ value: [ {…} ] }`) or one entity (`$metadata#accounts/$entity`, or an object of columns).
 */
export function resultOf(json: unknown): ResultPage | null {
  if (!isRecord(json)) return null
  const context = str(json['@odata.context'])
  const page: ResultPage = {
    context,
    entitySet: entitySetOf(context),
    count: num(json['@odata.count']),
    countLimitExceeded: bool(json['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded']),
    totalRecordCount: num(json['@Microsoft.Dynamics.CRM.totalrecordcount']),
    nextLink: str(json['@odata.nextLink']),
    pagingCookie: str(json['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie']),
    moreRecords: bool(json['@Microsoft.Dynamics.CRM.morerecords']),
    single: false,
    records: []
  }
  if (Array.isArray(json.value)) {
    if (!json.value.every(isRecord)) return null
    page.records = json.value
    return page
  }
  // One entity: its columns at the top level, next to @odata.context (an error or a function's result is not).
  if ('error' in json || (context && /\$metadata#[\w.]+\.[A-Z]\w*$/.test(context))) return null
  if (context && !/\/\$entity$/.test(context) && !entitySetOf(context)) return null
  const columns = Object.keys(json).filter((k) => !k.startsWith('@'))
  if (!columns.length) return null
  page.single = true
  page.records = [json]
  return page
}
