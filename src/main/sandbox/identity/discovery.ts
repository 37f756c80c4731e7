import { json, type SandboxRequest, type SandboxResponse } from '../webapi/http'
import { standard } from './dialect'
import { stsIssuer } from './issue'
import type { IdentityContext } from './state'

/** OpenID Provider Metadata: Entra's v1 and v2 documents (with Entra's extras) and the standard authority's. */

export function entraDiscovery(ctx: IdentityContext, tenant: string, version: 'v1' | 'v2'): SandboxResponse {
  const isTemplate = ['common', 'organizations'].includes(tenant.toLowerCase())
  const t = isTemplate ? tenant : ctx.seed.tenantId
  const issuerTenant = isTemplate ? '{tenantid}' : ctx.seed.tenantId
  const a = `${ctx.base}/${t}`
  const p = `${ctx.pages}/${t}`
  const host = new URL(ctx.base).host
  if (version === 'v2') {
    return json(200, {
      token_endpoint: `${a}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${a}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${ctx.base}/${issuerTenant}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${p}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${a}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${p}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
      tenant_region_scope: 'WW',
      cloud_instance_name: host,
      cloud_graph_host_name: host,
      msgraph_host: host
    })
  }
  return json(200, {
    token_endpoint: `${a}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${a}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    // v1 tokens are issued by sts.windows.net, as a real tenant's are.
    issuer: stsIssuer(issuerTenant),
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${p}/oauth2/authorize`,
    device_authorization_endpoint: `${a}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${p}/oauth2/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'email', 'given_name', 'family_name', 'nickname'],
    tenant_region_scope: 'WW',
    cloud_instance_name: host
  })
}

/** What MSAL asks Microsoft's cloud before it trusts an authority it does not know. */
export function instanceDiscovery(ctx: IdentityContext, req: SandboxRequest): SandboxResponse {
  const host = new URL(ctx.base).host
  return json(200, {
    tenant_discovery_endpoint: req.url.searchParams.get('authorization_endpoint')?.replace(/oauth2\/v2\.0\/authorize$/, 'v2.0/.well-known/openid-configuration') ?? `${ctx.base}/${ctx.seed.tenantId}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }]
  })
}

/** OpenID Connect Discovery 1.0 §3 (and RFC 8414, RFC 8628): only standard fields, at `<issuer>/.well-known/openid-configuration`. */
export function standardDiscovery(ctx: IdentityContext): SandboxResponse {
  const i = ctx.oidcIssuer
  return json(200, {
    issuer: i,
    authorization_endpoint: `${ctx.pages}/oidc/authorize`,
    token_endpoint: `${i}/token`,
    device_authorization_endpoint: `${i}/device_authorization`,
    userinfo_endpoint: `${i}/userinfo`,
    jwks_uri: `${i}/jwks`,
    response_types_supported: standard.responseTypes,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    grant_types_supported: ['authorization_code', 'implicit', 'client_credentials', 'password', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256'],
    code_challenge_methods_supported: ['S256', 'plain'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access', ...ctx.resources.flatMap((r) => [`${r}/.default`, `${r}/user_impersonation`])],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'azp', 'name', 'given_name', 'family_name', 'preferred_username', 'email', 'oid'],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false
  })
}
