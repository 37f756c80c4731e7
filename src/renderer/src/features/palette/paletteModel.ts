/** One thing the palette can do: open a tab, a saved request, switch environment, or run an action. */
export interface PaletteItem {
  id: string
  kind: 'action' | 'tab' | 'request' | 'environment'
  label: string
  /** Shown faint on the right: a shortcut, a URL, a collection. */
  detail?: string
  run: () => void | Promise<void>
}

/**
 * Fuzzy match: every character of the query in order (case-insensitive); a lower score is better — a match at the
 * start of a word or a run of characters beats one spread out. Null when it does not match.
 */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.toLowerCase().replace(/\s+/g, '')
  if (!q) return 0
  const t = text.toLowerCase()
  let score = 0
  let from = 0
  let last = -2
  for (const ch of q) {
    const at = t.indexOf(ch, from)
    if (at < 0) return null
    const wordStart = at === 0 || /[\s/._\-:(]/.test(t[at - 1]!)
    score += at === last + 1 ? 0 : wordStart ? 1 : 3 + Math.min(at - from, 10)
    last = at
    from = at + 1
  }
  return score + t.length / 1000
}

/** The items matching the query, best first, kinds kept in their given order on a tie. */
export function rankItems(items: readonly PaletteItem[], query: string, limit = 50): PaletteItem[] {
  const scored: Array<{ item: PaletteItem; score: number; order: number }> = []
  items.forEach((item, order) => {
    const score = fuzzyScore(query, `${item.label} ${item.detail ?? ''}`)
    if (score !== null) scored.push({ item, score, order })
  })
  return scored
    .sort((a, b) => a.score - b.score || a.order - b.order)
    .slice(0, limit)
    .map((s) => s.item)
}
