/** Where a grid's records came from, and what it may do with that: open related records, fetch more pages. */
import type { HeaderList } from '@shared/http'
import type { SchemaView } from '@shared/schema'

/** One page as `request.send` answered it. */
export interface FetchedPage {
  status: number
  statusText: string
  headers: HeaderList
  text: string
  encoding: 'utf8' | 'base64'
  truncated: boolean
}

export interface GridSource {
  /** The URL the answer came from (its $select orders the columns; its Web API root opens lookups). */
  url: string
  /** The org's schema, for the entity set of a lookup's table. */
  schema?: SchemaView | null
  /** Open a record's URL in a new request tab and send it. */
  open?: (url: string) => void
  /** GET a next link exactly as given, with the tab's headers and sign-in. */
  page?: (url: string, requestId: string) => Promise<FetchedPage>
  /** Stop a page request in flight. */
  cancel?: (requestId: string) => void
  /** "Next page": send the next link in the tab itself. */
  next?: (url: string) => void
  /** "Fetch all" stops at this many rows (Settings). */
  maxRows?: number
  /** "Fetch all" waits out a 429 and tries again this often, waiting at most this long (Settings); null: it stops. */
  retry?: { attempts: number; maxWaitSeconds: number } | null
}
