import { ResolvedAuthProfile } from '../../../shared/environment'
import { AppError } from '../../../shared/errors'

/** Overrides for one call, as `orgbench token --grant … --client-id …` gives them. Their token is returned, never stored. */
export type ProfileOverrides = Partial<{ grant: ResolvedAuthProfile['grant']; clientId: string; clientSecret: string; certificatePem: string; privateKeyPem: string; scopes: string; tenant: string }>

/** The environment's profile with one call's overrides applied, validated as a profile of the resulting grant. */
export function applyOverrides(profile: ResolvedAuthProfile, o: ProfileOverrides): ResolvedAuthProfile {
  if (!Object.keys(o).length) return profile
  const grant = o.grant ?? profile.grant
  const merged: Record<string, unknown> = { ...(grant === profile.grant ? profile : { clientId: 'clientId' in profile ? profile.clientId : '', scopes: 'scopes' in profile ? profile.scopes : '' }), grant }
  if (o.clientId !== undefined) merged.clientId = o.clientId
  if (o.scopes !== undefined) merged.scopes = o.scopes
  if (o.clientSecret !== undefined) Object.assign(merged, { clientSecret: o.clientSecret, credential: 'secret' })
  if (o.certificatePem !== undefined) Object.assign(merged, { certificatePem: o.certificatePem, credential: 'certificate' })
  if (o.privateKeyPem !== undefined) merged.privateKeyPem = o.privateKeyPem
  const parsed = ResolvedAuthProfile.safeParse(merged)
  if (!parsed.success) throw new AppError('invalid_input', `The options do not make a valid ${grant} profile: ${parsed.error.issues[0]?.message ?? ''}`)
  return parsed.data
}
