/** Opening a lookup: the related record's URL, from its table's logical name. */
import type { SchemaView } from '@shared/schema'

/**
 * The entity set of a table (contact → contacts): from the org's schema when it is loaded, else as Dataverse
 * names most sets (…y → …ies, …s/x/ch/sh → …es, else …s).
 */
export function entitySetFor(logicalName: string, schema: SchemaView | null): string {
  const set = schema?.entitySets.find((s) => s.entityType.toLowerCase() === logicalName.toLowerCase() || s.entityType.toLowerCase().endsWith('.' + logicalName.toLowerCase()))
  if (set) return set.name
  if (/[^aeiou]y$/.test(logicalName)) return logicalName.slice(0, -1) + 'ies'
  if (/(s|x|ch|sh)$/.test(logicalName)) return logicalName + 'es'
  return logicalName + 's'
}

/**
 * The Web API URL of one record: on the same Web API root as the answer it was found in (so it works
 * whichever org the answer came from), or the environment's {{webApiUrl}} when the answer's URL has none.
 */
export function recordUrl(answerUrl: string, entitySet: string, id: string): string {
  const root = /^(https?:\/\/[^?#]*?\/api\/data\/v\d+(\.\d+)?)(\/|$)/i.exec(answerUrl)?.[1] ?? '{{webApiUrl}}'
  return `${root}/${entitySet}(${id})`
}
