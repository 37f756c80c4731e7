/**
 * `tabs.json` in the data folder: the open tabs, their order and their drafts, so that they come back after a
 * restart. Drafts may hold what a collection file may not (a pasted token): when any does, the whole state is
 * stored encrypted through the secretBox; otherwise it is plain JSON.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { TabsState, type TabsStateData } from '../../../shared/collections'
import { AppError } from '../../../shared/errors'
import type { SecretBox } from '../ports'
import { formatJson, readJsonValidated, writeFileAtomic } from '../store/files'
import { findLiteralSecrets } from './secrets'

const TabsFile = z.union([
  z.object({ schemaVersion: z.literal(1), encrypted: z.string() }),
  z.object({ schemaVersion: z.literal(1), state: TabsState })
])

export class TabsStore {
  private readonly file: string

  constructor(
    dataDir: string,
    private readonly secrets: SecretBox
  ) {
    this.file = join(dataDir, 'tabs.json')
  }

  /** The saved state; null when there is none. A file that cannot be read is moved aside and reported in `problem`. */
  async load(): Promise<{ state: TabsStateData | null; problem: string | null }> {
    const read = await readJsonValidated(this.file, TabsFile)
    if (read.status === 'missing') return { state: null, problem: null }
    if (read.status === 'corrupt') return { state: null, problem: `The open tabs could not be restored (${read.reason}); the file was moved to ${read.movedTo ?? 'nowhere'}.` }
    if ('state' in read.value) return { state: read.value.state, problem: null }
    try {
      const state = TabsState.safeParse(JSON.parse(this.secrets.decrypt(read.value.encrypted)))
      if (state.success) return { state: state.data, problem: null }
      return { state: null, problem: `The open tabs could not be restored (${state.error.issues[0]?.message ?? 'invalid'}).` }
    } catch {
      return { state: null, problem: 'The open tabs were saved encrypted with a key this OrgBench cannot use (another user, or the OS keychain changed); they were not restored.' }
    }
  }

  /** Saves the state; encrypted when a draft holds a literal credential. */
  async save(input: z.input<typeof TabsState>): Promise<{ encrypted: boolean }> {
    const state = TabsState.parse(input)
    const secret = state.tabs.some((t) => findLiteralSecrets(t.request).length > 0)
    const body = secret ? { schemaVersion: 1, encrypted: this.secrets.encrypt(JSON.stringify(state)) } : { schemaVersion: 1, state }
    try {
      await writeFileAtomic(this.file, formatJson(body))
    } catch (error) {
      throw new AppError('storage_error', `The open tabs could not be saved: ${(error as Error).message}`)
    }
    return { encrypted: secret }
  }
}
