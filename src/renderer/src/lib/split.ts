/** Split sizes (the first pane, in % of the split) remembered in this window's storage, one key per split. */
const PREFIX = 'orgbench.split.'

export function clampSplit(percent: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(percent * 10) / 10))
}

export function loadSplit(key: string, fallback: number, min: number, max: number): number {
  try {
    const saved = Number.parseFloat(localStorage.getItem(PREFIX + key) ?? '')
    return Number.isFinite(saved) ? clampSplit(saved, min, max) : fallback
  } catch {
    return fallback
  }
}

export function saveSplit(key: string, percent: number): void {
  try {
    localStorage.setItem(PREFIX + key, String(percent))
  } catch {
    // Storage unavailable (private mode, quota): the split still works, it is just not remembered.
  }
}
