/** "just now", "5 min ago", "3 h ago", then the date: how long ago a send was, at a glance. */
export function relativeTime(iso: string, now: number): string {
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return ''
  const seconds = Math.max(0, Math.round((now - at) / 1000))
  if (seconds < 45) return 'just now'
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`
  return new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: now - at > 300 * 86_400_000 ? 'numeric' : undefined })
}
