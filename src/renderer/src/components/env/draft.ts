import { AuthProfile, type Cloud, type EnvColor, type EnvironmentView, type GrantType, type Variable } from '@shared/environment'

/** What the environment editor edits: plain data, never the store's reactive objects. */
export interface Draft {
  name: string
  orgUrl: string
  cloud: Cloud
  authorityUrl: string
  tenant: string
  auth: Record<string, unknown> & { grant: GrantType }
  variables: Variable[]
  caCertificatePem: string
  color: EnvColor
  label: string
  group: string
  discoveryUrl: string
}

export function blankDraft(): Draft {
  return { name: '', orgUrl: '', cloud: 'public', authorityUrl: '', tenant: '', auth: { grant: 'none' }, variables: [], caCertificatePem: '', color: 'slate', label: '', group: '', discoveryUrl: '' }
}

/**
 * A draft built field by field from an environment as the store holds it (a reactive proxy, nested
 * objects included), so nothing the editor changes reaches the store before Save, and the draft can
 * be cloned or sent as it is.
 */
export function draftFromEnvironment(env: EnvironmentView): Draft {
  return {
    name: env.name,
    orgUrl: env.orgUrl,
    cloud: env.cloud,
    authorityUrl: env.authorityUrl,
    tenant: env.tenant,
    // Parsing builds new objects for the profile and each of its secret fields ({ isSet }).
    auth: AuthProfile.parse(env.auth) as Draft['auth'],
    variables: env.variables.map((v) => ({ key: v.key, value: v.value, secret: v.secret, isSet: v.isSet, enabled: v.enabled })),
    caCertificatePem: env.caCertificatePem,
    color: env.color,
    label: env.label,
    group: env.group,
    discoveryUrl: env.discoveryUrl
  }
}
