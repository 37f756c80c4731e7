/** "54:12" or "1 h 05 min" until a time; "expired 3 min ago" after it. */
export function countdown(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return 'no expiry'
  const left = Math.round(expiresAt - now)
  if (left <= 0) return `expired ${formatSpan(-left)} ago`
  return formatSpan(left)
}

function formatSpan(seconds: number): string {
  if (seconds < 3600) return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  return `${h} h ${String(m).padStart(2, '0')} min`
}
