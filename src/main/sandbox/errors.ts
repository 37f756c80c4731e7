import { randomUUID } from 'node:crypto'

/** An error exactly as Entra ID's token and authorize endpoints answer it. */
export interface EntraError {
  status: number
  body: {
    error: string
    error_description: string
    error_codes: number[]
    timestamp: string
    trace_id: string
    correlation_id: string
    error_uri: string
    suberror?: string
  }
}

function entraTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')
}

/** The same failure as a standards-only authority answers it (RFC 6749 §5.2, RFC 8628 §3.5, OpenID Connect): no AADSTS code. */
export interface PlainFailure {
  error: string
  description: string
  status: number
}

export class EntraFailure extends Error {
  private plainAs: Partial<PlainFailure> = {}

  constructor(
    readonly error: string,
    readonly code: number,
    readonly description: string,
    readonly status = 400,
    readonly suberror?: string
  ) {
    super(`AADSTS${code}: ${description}`)
  }

  /** Where a standard authority uses another error name, status or wording than Entra (e.g. `invalid_client` for an unknown client). */
  standard(as: Partial<PlainFailure>): this {
    this.plainAs = as
    return this
  }

  plain(): PlainFailure {
    return { error: this.plainAs.error ?? this.error, description: this.plainAs.description ?? this.description, status: this.plainAs.status ?? this.status }
  }

  toResponse(baseUrl: string, correlationId: string = randomUUID()): EntraError {
    const now = new Date()
    const traceId = randomUUID()
    const timestamp = entraTimestamp(now)
    return {
      status: this.status,
      body: {
        error: this.error,
        error_description: `AADSTS${this.code}: ${this.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
        error_codes: [this.code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${baseUrl}/error?code=${this.code}`,
        ...(this.suberror ? { suberror: this.suberror } : {})
      }
    }
  }
}

/** The errors the Sandbox emits, with Entra's codes and wording (and the standard wording where Entra's names Azure). */
export const aad = {
  missingParameter: (name: string) => new EntraFailure('invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  tenantNotFound: (tenant: string) =>
    new EntraFailure('invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`),
  unknownClient: (clientId: string, tenant: string) =>
    new EntraFailure('unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`).standard({ error: 'invalid_client', status: 401, description: `Client '${clientId}' is not registered with this authority.` }),
  badSecret: (clientId: string) =>
    new EntraFailure('invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`, 401).standard({ description: `Client authentication failed: the client secret is not valid for client '${clientId}'.` }),
  expiredSecret: (clientId: string) =>
    new EntraFailure('invalid_client', 7000222, `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`, 401).standard({ description: `Client authentication failed: the client secret of '${clientId}' has expired.` }),
  credentialRequired: () =>
    new EntraFailure('invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 401).standard({ description: 'Client authentication failed: this client is confidential, send client_secret (post or Basic) or a client_assertion.' }),
  publicClientWithSecret: () => new EntraFailure('invalid_client', 700025, 'Client is public so neither \'client_assertion\' nor \'client_secret\' should be presented.', 401),
  assertionSignature: (thumbprint: string) =>
    new EntraFailure('invalid_client', 700027, `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/<appId>'.]`, 401).standard({ description: `The client assertion is not signed by a certificate registered for the client (thumbprint of the key used: '${thumbprint}').` }),
  assertionKeyExpired: (thumbprint: string, validFrom: Date, expired: Date) =>
    new EntraFailure('invalid_client', 700027, `Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${thumbprint}', Found key 'Start=${validFrom.toISOString()}, End=${expired.toISOString()}']`, 401).standard({ description: `The client assertion is signed with a certificate that expired on ${expired.toISOString()} (thumbprint '${thumbprint}').` }),
  assertionTime: (now: Date, nbf: Date | null, exp: Date | null) =>
    new EntraFailure('invalid_client', 700024, `Client assertion is not within its valid time range. Current time: ${now.toISOString()}, assertion valid from ${nbf ? nbf.toISOString() : '(not set)'}, expiry time of assertion ${exp ? exp.toISOString() : '(not set)'}. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .`, 401).standard({ description: `The client assertion is not within its valid time range (now ${now.toISOString()}, nbf ${nbf ? nbf.toISOString() : '(not set)'}, exp ${exp ? exp.toISOString() : '(not set)'}).` }),
  assertionAudience: (expected: string, got: string) =>
    new EntraFailure('invalid_client', 700212, `No matching federated identity record found for presented assertion audience '${got}'. The audience of a client assertion must be the token endpoint, '${expected}'.`, 401).standard({ description: `The client assertion's audience '${got}' is not this token endpoint, '${expected}'.` }),
  assertionSubject: () =>
    new EntraFailure('invalid_client', 700021, "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .", 401).standard({ description: "The client assertion's iss and sub must both be the client_id." }),
  assertionReplay: () => new EntraFailure('invalid_client', 700023, 'Client assertion has already been used: the jti claim must be unique for every assertion. Create a new assertion for each token request.', 401),
  assertionMalformed: (reason: string) => new EntraFailure('invalid_client', 50027, `JWT token is invalid or malformed. ${reason}`, 401),
  badPassword: () => new EntraFailure('invalid_grant', 50126, 'Error validating credentials due to invalid username or password.'),
  mfaRequired: (resource: string) =>
    new EntraFailure('invalid_grant', 50076, `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource}'.`, 400, 'basic_action').standard({ description: `The user must complete multi-factor authentication to access '${resource}', which the password grant cannot do: use an interactive grant.` }),
  redirectMismatch: (uri: string, clientId: string) =>
    new EntraFailure('invalid_request', 50011, `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`).standard({ description: `The redirect_uri '${uri}' is not registered for client '${clientId}'.` }),
  replyMismatch: (given: string, original: string) => new EntraFailure('invalid_grant', 500112, `The reply address '${given}' does not match the reply address '${original}' provided when requesting Authorization code.`),
  pkceMismatch: () => new EntraFailure('invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'),
  codeExpired: () => new EntraFailure('invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'),
  codeRedeemed: () => new EntraFailure('invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  codeInvalid: () => new EntraFailure('invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid. The authorization code is not valid.'),
  refreshInvalid: () => new EntraFailure('invalid_grant', 70000, 'Provided grant is invalid or malformed. The refresh token was revoked or already used (refresh tokens rotate: use the one returned with the last token).'),
  codeForOtherClient: () => new EntraFailure('invalid_grant', 70000, 'Provided grant is invalid or malformed. The authorization code was issued to a different client.'),
  invalidResource: (resource: string, tenant: string) =>
    new EntraFailure('invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`).standard({ error: 'invalid_scope', description: `The resource ${resource} is not an API of this authority.` }),
  invalidScope: (scope: string) => new EntraFailure('invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`),
  clientCredentialsScope: (scope: string) =>
    new EntraFailure('invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`).standard({ description: `The client credentials grant asks for one scope ending in /.default (got '${scope}').` }),
  implicitTokenDisabled: () => new EntraFailure('unsupported_response_type', 700051, "response_type 'token' is not enabled for the application.").standard({ error: 'unauthorized_client', description: 'The implicit grant (response_type token) is not enabled for this client.' }),
  implicitIdTokenDisabled: () => new EntraFailure('unsupported_response_type', 700054, "response_type 'id_token' is not enabled for the application.").standard({ error: 'unauthorized_client', description: 'The implicit grant (response_type id_token) is not enabled for this client.' }),
  unsupportedResponseType: (type: string) => new EntraFailure('unsupported_response_type', 70005, `The application requested an unsupported response_type '${type}'.`),
  unsupportedGrantType: (type: string) => new EntraFailure('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${type}'.`),
  publicFlowsDisabled: () =>
    new EntraFailure('invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'. (Allow public client flows is off for this application.)", 401).standard({ error: 'unauthorized_client', status: 400, description: 'The password and device code grants are not enabled for this client.' }),
  spaOriginRequired: () => new EntraFailure('invalid_request', 9002327, "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests."),
  authorizationPending: () => new EntraFailure('authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.').standard({ description: 'The user has not finished signing in yet. Keep polling.' }),
  slowDown: () => new EntraFailure('slow_down', 70016, 'OAuth 2.0 device flow error. Polling too fast: wait for the interval between requests.').standard({ description: 'Polling too fast: wait 5 seconds more between requests.' }),
  deviceCodeExpired: () => new EntraFailure('expired_token', 70019, 'Verification code expired. Have the user retry the sign-in.').standard({ description: 'The device code has expired. Start the sign-in again.' }),
  deviceCodeInvalid: () => new EntraFailure('bad_verification_code', 70000, 'Provided grant is invalid or malformed. The device_code is not valid.').standard({ error: 'invalid_grant', description: 'The device_code is not valid.' }),
  deviceDeclined: () => new EntraFailure('authorization_declined', 65004, 'User declined to consent to access the app.').standard({ error: 'access_denied', description: 'The user declined the sign-in.' }),
  consentDeclined: () => new EntraFailure('access_denied', 65004, 'User declined to consent to access the app.'),
  loginRequired: () =>
    new EntraFailure('login_required', 50058, 'A silent sign-in request was sent but no user is signed in. The cookies used to represent the user\'s session were not sent in the request to Azure AD.', 400, 'login_required').standard({ description: 'prompt=none, but no user is signed in at this authority (or not the one named by login_hint).' }),
  invalidRequest: (message: string) => new EntraFailure('invalid_request', 90023, message),
  notFound: () => new EntraFailure('invalid_request', 90056, 'BadResourceRequest: this endpoint does not exist. Check the authority and the path.')
}

/** Dataverse's error body. */
export class DataverseFailure extends Error {
  /** Headers the answer carries besides the OData ones (a 429's Retry-After). */
  headers: Record<string, string> = {}
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } }
  }
}

/** The OData layer's code: what Dataverse sends for a request its OData parser rejects. */
const ODATA = '0x80060888'
const type = (logicalName: string) => `Microsoft.Dynamics.CRM.${logicalName}`

/**
 * The errors the Sandbox's Web API sends, with the codes and wording Dataverse uses (see "Troubleshoot Dataverse
 * Web API client errors" and the Web API articles). `notSupported` is the Sandbox's own: valid requests it does not
 * emulate answer 501 in Dataverse's "is not supported" wording, never as the caller's mistake.
 */
export const dv = {
  notFound: (entity: string, id: string) => new DataverseFailure(404, '0x80040217', `${entity} With Id = ${id} Does Not Exist`),
  notFoundByKey: (entity: string) => new DataverseFailure(404, '0x80040217', `A record with the specified key values does not exist in ${entity} entity`),
  noResource: (segment: string) => new DataverseFailure(404, '0x8006088a', `Resource not found for the segment '${segment}'.`),
  /** A function or action called with the wrong verb. */
  noHttpResource: (url: string) => new DataverseFailure(404, '', `No HTTP resource was found that matches the request URI '${url}'.`),
  badRequest: (message: string) => new DataverseFailure(400, ODATA, message),
  unknownProperty: (name: string, logicalName: string) => new DataverseFailure(400, '0x0', `Could not find a property named '${name}' on type '${type(logicalName)}'.`),
  invalidBodyProperty: (name: string, logicalName: string) =>
    new DataverseFailure(400, '0x0', `An error occurred while validating input parameters: Microsoft.Crm.CrmException: Invalid property '${name}' was found in entity '${type(logicalName)}'. ---> Microsoft.OData.ODataException: Does not support untyped value in non-open type.`),
  undeclaredBind: (name: string, entitySet: string) =>
    new DataverseFailure(400, '0x80048d19', `Error identified in Payload provided by the user for Entity :'${entitySet}'  ---->  InnerException : Microsoft.OData.ODataException: An undeclared property '${name}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`),
  invalidKey: (logicalName: string) => new DataverseFailure(400, ODATA, `The key in the request URI is not valid for resource '${type(logicalName)}'.`),
  uriTooLong: () => new DataverseFailure(400, ODATA, 'Invalid URI: The Uri string is too long.'),
  invalidJson: (detail: string) => new DataverseFailure(400, '0x80040333', `Invalid JSON. ${detail}`),
  maxLength: (attribute: string, entity: string, max: number) =>
    new DataverseFailure(400, '0x80044331', `A validation error occurred.  The length of the '${attribute}' attribute of the '${entity}' entity exceeded the maximum allowed length of '${max}'.`),
  precondition: () => new DataverseFailure(412, '0x80060882', "The version of the existing record doesn't match the RowVersion property provided."),
  alreadyExists: () => new DataverseFailure(412, '0x80040237', 'A record with matching key values already exists.'),
  duplicateKey: (keyDisplayName: string, columns: string) =>
    new DataverseFailure(412, '0x80060892', `A record that has the attribute values ${columns} already exists. The entity key ${keyDisplayName} requires that this set of attributes contains unique values. Select unique values and try again.`),
  notMember: () => new DataverseFailure(403, '0x80072560', 'The user is not a member of the organization.'),
  methodNotAllowed: (method: string) => new DataverseFailure(405, '', `The requested resource does not support http method '${method}'.`),
  contentIdMissing: (reference: string) => new DataverseFailure(400, ODATA, `Content-ID Reference: '${reference}' does not exist in the batch context.`),
  queryOptionNotSupported: (name: string) => new DataverseFailure(400, ODATA, `The query parameter ${name} is not supported`),
  trackChangesOption: (name: string) => new DataverseFailure(400, ODATA, `The "${name}" query parameter isn't supported when Change Tracking is enabled.`),
  notSupported: (what: string) => new DataverseFailure(501, ODATA, `${what} is not supported by the OrgBench Sandbox (Dataverse supports it; see the README's "The Sandbox org").`),
  tooLarge: () => new DataverseFailure(413, '0x80040216', 'The request body is larger than this server accepts.'),
  unsupportedMediaType: (mediaType: string) => new DataverseFailure(415, '0x80040216', `Content-Type '${mediaType}' is not supported for this request: use application/json.`),
  internal: (detail: string) => new DataverseFailure(500, '0x80040216', `An unexpected error occurred. ${detail}`)
}
