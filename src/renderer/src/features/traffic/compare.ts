/**
 * Two exchanges side by side: their headers by name and their bodies — JSON compared by structure (key order does
 * not matter, array items by place), anything else line by line.
 */
export type Change = { path: string; kind: 'added' | 'removed' | 'changed'; left?: string; right?: string }

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v))

/** The differences between two JSON values, as paths (`value[3].name`), in a stable order. */
export function diffJson(left: unknown, right: unknown, path = '', out: Change[] = [], limit = 2000): Change[] {
  if (out.length >= limit) return out
  const bothObjects = left && right && typeof left === 'object' && typeof right === 'object'
  if (bothObjects && Array.isArray(left) === Array.isArray(right)) {
    if (Array.isArray(left) && Array.isArray(right)) {
      const n = Math.max(left.length, right.length)
      for (let i = 0; i < n; i++) {
        const p = `${path}[${i}]`
        if (i >= left.length) out.push({ path: p, kind: 'added', right: show(right[i]) })
        else if (i >= right.length) out.push({ path: p, kind: 'removed', left: show(left[i]) })
        else diffJson(left[i], right[i], p, out, limit)
      }
      return out
    }
    const l = left as Record<string, unknown>
    const r = right as Record<string, unknown>
    const keys = [...new Set([...Object.keys(l), ...Object.keys(r)])].sort()
    for (const k of keys) {
      const p = path ? `${path}.${k}` : k
      if (!(k in r)) out.push({ path: p, kind: 'removed', left: show(l[k]) })
      else if (!(k in l)) out.push({ path: p, kind: 'added', right: show(r[k]) })
      else diffJson(l[k], r[k], p, out, limit)
    }
    return out
  }
  if (JSON.stringify(left) !== JSON.stringify(right)) out.push({ path: path || '(the body)', kind: 'changed', left: show(left), right: show(right) })
  return out
}

/** Headers by name (case-insensitive; repeated ones joined): added, removed, changed. */
export function diffHeaders(left: ReadonlyArray<[string, string]>, right: ReadonlyArray<[string, string]>): Change[] {
  const map = (h: ReadonlyArray<[string, string]>) => {
    const m = new Map<string, { name: string; value: string }>()
    for (const [k, v] of h) {
      const key = k.toLowerCase()
      const had = m.get(key)
      m.set(key, { name: had?.name ?? k, value: had ? `${had.value}, ${v}` : v })
    }
    return m
  }
  const l = map(left)
  const r = map(right)
  const out: Change[] = []
  for (const key of [...new Set([...l.keys(), ...r.keys()])].sort()) {
    const a = l.get(key)
    const b = r.get(key)
    if (!b) out.push({ path: a!.name, kind: 'removed', left: a!.value })
    else if (!a) out.push({ path: b.name, kind: 'added', right: b.value })
    else if (a.value !== b.value) out.push({ path: a.name, kind: 'changed', left: a.value, right: b.value })
  }
  return out
}

/** Bodies: JSON by structure when both are JSON, else the lines that differ (by place). */
export function diffBodies(left: string, right: string): { json: boolean; changes: Change[] } {
  try {
    return { json: true, changes: diffJson(JSON.parse(left) as unknown, JSON.parse(right) as unknown) }
  } catch {
    const a = left.split(/\r?\n/)
    const b = right.split(/\r?\n/)
    const changes: Change[] = []
    for (let i = 0; i < Math.max(a.length, b.length) && changes.length < 2000; i++) {
      if (a[i] === b[i]) continue
      changes.push({ path: `line ${i + 1}`, kind: a[i] === undefined ? 'added' : b[i] === undefined ? 'removed' : 'changed', ...(a[i] !== undefined ? { left: a[i] } : {}), ...(b[i] !== undefined ? { right: b[i] } : {}) })
    }
    return { json: false, changes }
  }
}
