/** A word as a POSIX shell reads it back, for commands shown in comments and messages. */
export function shellQuoteForHint(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}
