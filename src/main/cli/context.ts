import type { Services } from '../core/services'
import type { CliIo } from './io'

/** What every command gets from the entry. */
export interface CommandContext {
  io: CliIo
  dataDir: string
  /** `orgbench`, with `--data-dir DIR` when one was given: the start of every command we suggest. */
  self: string
  version: string
  /** The core services over the data folder, created on first use (this loads msal-node and undici) and closed by the entry. */
  services(): Promise<Services>
}

export type Command = (args: string[], ctx: CommandContext) => Promise<number>
