import type { Timings } from '@shared/http'

export interface TimingPhase {
  key: 'queue' | 'connect' | 'tls' | 'wait' | 'receive'
  name: string
  /** Milliseconds; null when the phase did not happen. */
  value: number | null
  note: string
  /** Where the bar starts and how wide it is, in % of the total. */
  left: number
  width: number
}

/**
 * The waterfall of one exchange. The measured phases (connect, TLS, waiting, download) leave out the
 * time before the request was written — waiting for a free connection, preparing it — so that part is
 * shown as its own phase, first, and the phases add up to the total.
 */
export function timingPhases(t: Timings): TimingPhase[] {
  const measured = (t.connect ?? 0) + (t.tls ?? 0) + t.wait + t.receive
  const queue = Math.max(0, Math.round((t.total - measured) * 100) / 100)
  const phases: Array<Omit<TimingPhase, 'left' | 'width'>> = [
    { key: 'queue', name: 'Queueing and setup', value: queue, note: 'before the request was sent' },
    { key: 'connect', name: 'Connect (DNS + TCP)', value: t.connect, note: t.connect === null ? 'reused connection' : '' },
    { key: 'tls', name: 'TLS handshake', value: t.tls, note: t.tls === null ? (t.connect === null ? 'reused connection' : 'not https') : '' },
    { key: 'wait', name: 'Waiting (server)', value: t.wait, note: 'until the first byte of the answer' },
    { key: 'receive', name: 'Download', value: t.receive, note: '' }
  ]
  // Scaled to the larger of the total and the sum, so rounding never pushes a bar past the end.
  const scale = Math.max(t.total, measured + queue, 0.01)
  let offset = 0
  return phases.map((p) => {
    const width = p.value ? (p.value / scale) * 100 : 0
    const phase = { ...p, left: offset, width }
    offset += width
    return phase
  })
}
