/**
 * Saved work: collections (folders of readable request files), the history of sends, import/export and code
 * generation. The schemas the contract uses for them; the files on disk have their own, versioned schemas in
 * src/main/core/collections/format.ts.
 */
import { z } from 'zod'
import { HttpMethod, KeyValue } from './http'

/** A collection is a folder the user picked: its absolute path. */
export const CollectionDir = z.string().trim().min(1, 'Choose a folder for the collection.').max(4096)
/** An item inside a collection: its path relative to the collection's folder, with `/` separators ('' is the root). */
export const ItemPath = z.string().max(4096)

/** How a request gets its Authorization: the environment's token, none, or a bearer token given as a `{{variable}}`. */
export const SavedAuth = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('inherit') }),
  z.object({ mode: z.literal('none') }),
  z.object({ mode: z.literal('bearer'), token: z.string().max(64 * 1024) })
])
export type SavedAuth = z.infer<typeof SavedAuth>

/** A request as it is saved in a collection (and edited in a tab). */
export const SavedRequest = z.object({
  name: z.string().trim().min(1, 'Give the request a name.').max(200),
  method: HttpMethod,
  url: z.string().max(64 * 1024),
  headers: z.array(KeyValue).max(200).default([]),
  body: z.string().max(10 * 1024 * 1024).default(''),
  auth: SavedAuth.default({ mode: 'inherit' }),
  description: z.string().max(64 * 1024).default('')
})
export type SavedRequest = z.input<typeof SavedRequest>
export type SavedRequestData = z.output<typeof SavedRequest>

/** A collection variable: between the environment's and the global ones. Never secret (files are shared). */
export const CollectionVariable = z.object({
  key: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z_][\w.-]*$/, 'Variable names start with a letter or _ and contain letters, digits, _ . or -'),
  value: z.string().max(1_000_000).default(''),
  enabled: z.boolean().default(true)
})
export type CollectionVariable = z.infer<typeof CollectionVariable>

/** A file that could not be read as what its name says: shown, never dropped or overwritten. */
export const FileProblem = z.object({ path: ItemPath, reason: z.string() })
export type FileProblem = z.infer<typeof FileProblem>

export const RequestNode = z.object({ kind: z.literal('request'), path: ItemPath, name: z.string(), method: HttpMethod, url: z.string() })
export type RequestNode = z.infer<typeof RequestNode>

export interface FolderNode {
  kind: 'folder'
  path: string
  name: string
  children: (FolderNode | RequestNode)[]
}
export const FolderNode: z.ZodType<FolderNode> = z.object({
  kind: z.literal('folder'),
  path: ItemPath,
  name: z.string(),
  children: z.array(z.union([z.lazy(() => FolderNode), RequestNode]))
})

export const CollectionTree = z.object({
  dir: z.string(),
  name: z.string(),
  variables: z.array(CollectionVariable),
  root: FolderNode,
  requestCount: z.number(),
  problems: z.array(FileProblem)
})
export type CollectionTree = z.infer<typeof CollectionTree>

export const CollectionSummary = z.object({
  dir: z.string(),
  name: z.string(),
  /** False when the folder is gone (moved, deleted, an unplugged drive): it stays listed until closed. */
  available: z.boolean()
})
export type CollectionSummary = z.infer<typeof CollectionSummary>

export const SearchHit = z.object({ dir: z.string(), path: ItemPath, name: z.string(), method: HttpMethod, url: z.string() })
export type SearchHit = z.infer<typeof SearchHit>

/** Where a deleted item went: the OS trash (no undo here: the OS restores it) or the collection's `.trash` folder (undo). */
export const DeleteResult = z.object({ path: ItemPath, trash: z.enum(['os', 'collection']), undoToken: z.string().nullable() })
export type DeleteResult = z.infer<typeof DeleteResult>

/** A file in a collection changed on disk (another editor, a git pull) or the tree's shape changed. */
export const CollectionChange = z.object({
  dir: z.string(),
  /** Request files whose content changed or that appeared or went away; a tab with one open reads it again. */
  paths: z.array(ItemPath),
  /** The tree changed (files or folders added, removed or renamed): list it again. */
  tree: z.boolean()
})
export type CollectionChange = z.infer<typeof CollectionChange>

export const IMPORT_FORMATS = ['postman', 'insomnia', 'curl'] as const
export const ImportFormat = z.enum(IMPORT_FORMATS)
export const ImportResult = z.object({
  dir: z.string(),
  name: z.string(),
  requests: z.number(),
  folders: z.number(),
  /** What did not map (an auth type we do not have, a file body, a script): one sentence each. */
  warnings: z.array(z.string())
})
export type ImportResult = z.infer<typeof ImportResult>

export const CODE_TARGETS = ['curl-bash', 'curl-powershell', 'powershell', 'csharp', 'python', 'javascript', 'xrm'] as const
export const CodeTarget = z.enum(CODE_TARGETS)
export type CodeTarget = z.infer<typeof CodeTarget>
export const CODE_TARGET_LABELS: Record<CodeTarget, string> = {
  'curl-bash': 'curl (bash)',
  'curl-powershell': 'curl (PowerShell)',
  powershell: 'PowerShell Invoke-RestMethod',
  csharp: 'C# HttpClient',
  python: 'Python requests',
  javascript: 'JavaScript fetch',
  xrm: 'Xrm.WebApi (web resource)'
}

export const GeneratedCode = z.object({
  target: CodeTarget,
  /** For highlighting: bash, powershell, csharp, python, javascript. */
  language: z.string(),
  code: z.string(),
  /** Why a target does not fit this request, or what was left as a placeholder. */
  notes: z.array(z.string())
})
export type GeneratedCode = z.infer<typeof GeneratedCode>

export const HistorySummary = z.object({
  id: z.string(),
  /** ISO time the send started. */
  at: z.string(),
  method: z.string(),
  /** The URL as sent (variables substituted, secrets masked). */
  url: z.string(),
  name: z.string(),
  /** null when nothing came back (a network error). */
  status: z.number().nullable(),
  ms: z.number(),
  size: z.number(),
  environmentName: z.string().nullable(),
  error: z.string().nullable()
})
export type HistorySummary = z.infer<typeof HistorySummary>

export const HistoryEntry = HistorySummary.extend({
  environmentId: z.string().nullable(),
  /** The collection it was sent from, when it was. */
  collection: z.object({ dir: z.string(), path: ItemPath }).nullable(),
  /** The request as written ({{variables}} kept; literal secrets masked): what "open in a new tab" opens. */
  request: SavedRequest,
  /** The headers as sent (secrets masked). */
  sentHeaders: z.array(z.tuple([z.string(), z.string()])),
  response: z.object({
    headers: z.array(z.tuple([z.string(), z.string()])),
    body: z.string(),
    /** The body was cut at the history's limit. */
    truncated: z.boolean(),
    contentType: z.string()
  }).nullable()
})
export type HistoryEntry = z.infer<typeof HistoryEntry>

/** An open tab as it is kept across restarts: its draft (what is in the editor), and the file it came from. Built on first use. */
export const TabDraft = z.lazy(() =>
  z.object({
    id: z.string().min(1).max(100),
    request: SavedRequest,
    /** The collection file the tab was opened from or saved to, and the hash it was read with (for the conflict check). */
    source: z.object({ dir: CollectionDir, path: ItemPath, baseHash: z.string().max(100).nullable() }).nullable().default(null),
    /** The draft differs from its file (or was never saved). */
    modified: z.boolean().default(false),
    environmentId: z.string().max(100).nullable().default(null)
  })
)
export type TabDraft = z.input<typeof TabDraft>

/** The open tabs in their order and the active one. */
export const TabsState = z.lazy(() => z.object({ tabs: z.array(TabDraft).max(200), activeId: z.string().max(100).nullable().default(null) }))
export type TabsState = z.input<typeof TabsState>
export type TabsStateData = z.output<typeof TabsState>
