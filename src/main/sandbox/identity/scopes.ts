import { aad, EntraFailure } from '../errors'
import { OIDC_SCOPES, type Dialect } from './dialect'
import type { IdentityContext } from './state'

/**
 * Scopes and resources, the same on both authorities: `<orgUrl>/.default` or `<orgUrl>/user_impersonation`, plus
 * openid, profile, email and offline_access; Entra's v1 endpoints name the resource instead (`resource=`).
 */

export function splitScopes(scope: string | null): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean)
}

export function checkResource(ctx: IdentityContext, resource: string, tenant: string): void {
  const wanted = resource.replace(/\/$/, '').toLowerCase()
  if (!ctx.resources.some((r) => r.toLowerCase() === wanted)) throw aad.invalidResource(resource, tenant)
}

/** The resource a scope list asks for, validated against this org; null when it asks for none (openid only). */
export function resourceOf(ctx: IdentityContext, scopes: string[], tenant: string): string | null {
  const resources = new Set<string>()
  const permissions: string[] = []
  for (const scope of scopes) {
    if (OIDC_SCOPES.has(scope)) continue
    const slash = scope.lastIndexOf('/')
    if (!/^https?:\/\//i.test(scope) || slash <= 'https://'.length) throw aad.invalidScope(scope)
    resources.add(scope.slice(0, slash).replace(/\/$/, ''))
    permissions.push(scope.slice(slash + 1))
  }
  if (resources.size > 1) throw new EntraFailure('invalid_scope', 700022, "The provided value for the input parameter scope isn't valid because it contains more than one resource.")
  const resource = [...resources][0] ?? null
  if (resource !== null) checkResource(ctx, resource, tenant)
  for (const p of permissions) if (p !== '.default' && p !== 'user_impersonation') throw aad.invalidScope(`${resource}/${p}`)
  return resource
}

/** What a user grant (password, device code) asks for: v1 by resource=, the others by scope=. */
export function userScopes(ctx: IdentityContext, form: URLSearchParams, dialect: Dialect, tenant: string): { scopes: string[]; resource: string } {
  if (dialect.byResource) {
    const resource = form.get('resource')
    if (!resource) throw aad.missingParameter('resource')
    checkResource(ctx, resource, tenant)
    return { scopes: ['openid', 'offline_access'], resource: resource.replace(/\/$/, '') }
  }
  const scope = form.get('scope')
  if (!scope) throw aad.missingParameter('scope')
  const scopes = splitScopes(scope)
  return { scopes, resource: resourceOf(ctx, scopes, tenant) ?? ctx.orgUrl }
}
