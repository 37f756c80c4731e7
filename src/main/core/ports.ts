/** What core/ needs from the outside world. Electron, the CLI and the tests each provide their own. */
export interface SecretBox {
  readonly kind: 'os' | 'key-file'
  /** One sentence a person can read in Settings. */
  readonly description: string
  encrypt(plain: string): string
  decrypt(cipher: string): string
}

export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }
