import { GRANTS, GrantType } from '@shared/environment'
import type { EntrySummary } from '@shared/traffic'
import { formatTime } from './format'

/**
 * The grant a sign-in entry records, in words. Core records a silent renewal as `<grant> (refresh)`.
 */
export function grantWords(grant: string | null): { label: string; refresh: boolean } {
  if (!grant) return { label: 'sign-in', refresh: false }
  const refresh = grant.endsWith(' (refresh)')
  const name = refresh ? grant.slice(0, -' (refresh)'.length) : grant
  const parsed = GrantType.safeParse(name)
  return { label: parsed.success ? GRANTS[parsed.data].label : name, refresh }
}

/** A sign-in named the way a person tells two apart: what, where, when — e.g. "Token refresh: Device code · Sandbox · 08:06:55". */
export function signInName(entries: readonly EntrySummary[], signInId: string): string {
  const first = entries.find((e) => e.signInId === signInId)
  if (!first) return 'Sign-in'
  const { label, refresh } = grantWords(first.grant)
  return [refresh ? `Token refresh: ${label}` : `Sign-in: ${label}`, first.environmentName, formatTime(first.startedAt).slice(0, 8)].filter(Boolean).join(' · ')
}
