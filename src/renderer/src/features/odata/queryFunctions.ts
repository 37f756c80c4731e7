/**
 * Dataverse's query functions for $filter (Microsoft.Dynamics.CRM.*), by the parameters they take.
 * From Microsoft's "Web API Query Function Reference"; each becomes a snippet with its parameters.
 */
export type QueryFunctionShape = 'property' | 'value' | 'values' | 'two'

export interface QueryFunction {
  name: string
  shape: QueryFunctionShape
  /** What the function matches, in a few words. */
  summary: string
}

const f = (shape: QueryFunctionShape, summary: string, ...names: string[]): QueryFunction[] => names.map((name) => ({ name, shape, summary }))

export const QUERY_FUNCTIONS: QueryFunction[] = [
  ...f('property', 'date in a relative period', 'Today', 'Tomorrow', 'Yesterday', 'Last7Days', 'Next7Days', 'LastWeek', 'ThisWeek', 'NextWeek', 'LastMonth', 'ThisMonth', 'NextMonth', 'LastYear', 'ThisYear', 'NextYear', 'LastFiscalPeriod', 'ThisFiscalPeriod', 'NextFiscalPeriod', 'LastFiscalYear', 'ThisFiscalYear', 'NextFiscalYear'),
  ...f('value', 'date within the last or next N units', 'LastXHours', 'LastXDays', 'LastXWeeks', 'LastXMonths', 'LastXYears', 'NextXHours', 'NextXDays', 'NextXWeeks', 'NextXMonths', 'NextXYears', 'LastXFiscalPeriods', 'LastXFiscalYears', 'NextXFiscalPeriods', 'NextXFiscalYears'),
  ...f('value', 'date older than N units', 'OlderThanXMinutes', 'OlderThanXHours', 'OlderThanXDays', 'OlderThanXWeeks', 'OlderThanXMonths', 'OlderThanXYears'),
  ...f('value', 'date compared with a day', 'On', 'OnOrAfter', 'OnOrBefore', 'InFiscalYear', 'InFiscalPeriod'),
  ...f('two', 'date in a fiscal period of a year', 'InFiscalPeriodAndYear', 'InOrAfterFiscalPeriodAndYear', 'InOrBeforeFiscalPeriodAndYear'),
  ...f('values', 'value in or out of a list or range', 'In', 'NotIn', 'Between', 'NotBetween', 'ContainValues', 'DoesNotContainValues'),
  ...f('property', 'the calling user, team or business unit', 'EqualUserId', 'NotEqualUserId', 'EqualUserTeams', 'EqualUserOrUserTeams', 'EqualUserOrUserHierarchy', 'EqualUserOrUserHierarchyAndTeams', 'EqualUserLanguage', 'EqualBusinessId', 'NotEqualBusinessId'),
  ...f('value', 'hierarchy: record above or under another', 'Above', 'AboveOrEqual', 'Under', 'UnderOrEqual', 'NotUnder')
]

/** CodeMirror snippet text for a function: `${}` marks where the cursor goes next (Tab moves on). */
export function querySnippet(fn: QueryFunction): string {
  const head = `Microsoft.Dynamics.CRM.${fn.name}(PropertyName='\${property}'`
  switch (fn.shape) {
    case 'property':
      return `${head})`
    case 'value':
      return `${head},PropertyValue=\${value})`
    case 'values':
      return `${head},PropertyValues=[\${values}])`
    case 'two':
      return `${head},PropertyValue1=\${period},PropertyValue2=\${year})`
  }
}
