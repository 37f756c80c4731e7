/** A Postman environment file → an OrgBench environment (EnvironmentInput), for the renderer to review and create. */
import { z } from 'zod'
import { EnvironmentInput, normalizeOrgUrl, type EnvironmentData } from '../../../../shared/environment'
import { AppError } from '../../../../shared/errors'

const PostmanEnvironment = z.object({
  name: z.string().default('Imported environment'),
  values: z.array(z.object({ key: z.string(), value: z.unknown().optional(), type: z.string().optional(), enabled: z.boolean().optional() })).default([])
})

/** Names Postman users give the org's address; the first whose value is an https URL is taken as the org URL. */
const ORG_URL_NAMES = /^(orgurl|org_url|url|baseurl|base_url|resource|environmenturl|crmurl|dataverseurl|weburl|webapiurl|host)$/i

export function importPostmanEnvironment(json: unknown, orgUrl?: string): { environment: EnvironmentData; warnings: string[] } {
  const parsed = PostmanEnvironment.safeParse(json)
  if (!parsed.success || !Array.isArray((json as { values?: unknown }).values)) throw new AppError('invalid_input', 'This is not a Postman environment file (it needs "name" and "values"). Export it from Postman\'s Environments.')
  const warnings: string[] = []
  let org = orgUrl ? normalizeOrgUrl(orgUrl) : null
  if (org && !org.ok) throw new AppError('invalid_input', org.message)
  const variables: { key: string; value: string; secret: boolean; enabled: boolean }[] = []
  for (const v of parsed.data.values) {
    const value = v.value === undefined || v.value === null ? '' : typeof v.value === 'string' ? v.value : JSON.stringify(v.value)
    if (!org && ORG_URL_NAMES.test(v.key)) {
      try {
        const candidate = normalizeOrgUrl(new URL(value).origin)
        if (candidate.ok) {
          org = candidate
          warnings.push(`The org URL was taken from the variable ${v.key} (${candidate.url}).`)
        }
      } catch {
        // Not a URL: an ordinary variable.
      }
    }
    if (!/^[A-Za-z_][\w.-]*$/.test(v.key) || v.key.length > 100) {
      warnings.push(`Variable "${v.key}" was left out: OrgBench variable names start with a letter or _ and hold letters, digits, _ . or -.`)
      continue
    }
    if (variables.some((x) => x.key === v.key)) continue
    variables.push({ key: v.key, value, secret: v.type === 'secret', enabled: v.enabled !== false })
  }
  if (!org?.ok) throw new AppError('invalid_input', 'A Postman environment has no org URL: give the org URL (https://contoso.crm.dynamics.com) to import it.')
  const result = EnvironmentInput.safeParse({ name: parsed.data.name.trim().slice(0, 80) || 'Imported environment', orgUrl: org.url, variables })
  if (!result.success) throw new AppError('invalid_input', `This environment cannot be imported: ${result.error.issues[0]?.path.join('.')}: ${result.error.issues[0]?.message}`)
  if (variables.some((v) => v.secret)) warnings.push('Secret variables keep their values, encrypted when the environment is saved.')
  return { environment: result.data, warnings }
}
