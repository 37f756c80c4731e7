/** Every command's help, kept apart from the commands so that `--help` loads nothing else. */

export const GRANT_NAMES = ['authorization_code', 'implicit', 'client_credentials', 'password', 'device_code'] as const

const EXIT_CODES = 'Exit codes: 0 success, 1 an HTTP error status (request), 2 a usage, input, sign-in or network error (the reason on stderr).'

const OVERRIDES = `Options that replace the environment's profile for this call:
  --grant G              ${GRANT_NAMES.join(', ')}
  --client-id ID         the app registration's client id
  --client-secret-stdin  read the client secret from standard input (never echoed, logged or stored)
  --certificate FILE     PEM certificate (may also hold the private key); --key FILE for a separate key
  --scope S              scopes, space-separated (default: <org URL>/.default)
  --tenant T             tenant id or domain`

export function mainHelp(defaultDataDir: string): string {
  return `orgbench — the OrgBench command line (same environments and core as the desktop app)

Usage:
  orgbench [--data-dir DIR] env list|show|import|export|delete …
  orgbench [--data-dir DIR] request [--env NAME] METHOD URL [-H 'Key: Value']… [-d BODY|@FILE|@-] [-i]
  orgbench [--data-dir DIR] metadata --env NAME [--json] [--table NAME] [--refresh]
  orgbench [--data-dir DIR] sandbox [--port N] [--reset] [--limit-requests N] [--limit-window S] [--limit-concurrent N] [--limit-execution-ms N]
  orgbench [--data-dir DIR] login --env NAME [--grant G] [overrides]
  orgbench [--data-dir DIR] token --env NAME [--json] [--non-interactive] [--force-refresh] [--grant G] [overrides]
  orgbench [--data-dir DIR] logout --env NAME
  orgbench [--data-dir DIR] collection import FILE --to DIR [--format postman|insomnia|curl]
  orgbench [--data-dir DIR] collection export DIR [--format postman] [-o FILE]
  orgbench [--data-dir DIR] run DIR|FILE [--env NAME] [--timeout MS] [--bail]
  orgbench [--data-dir DIR] orgs --env NAME | --cloud CLOUD --client-id ID [--json] [--create [--only NAMES] [--group G]]
  orgbench [--data-dir DIR] doctor --env NAME [--json]

Options:
  --data-dir DIR   where environments and tokens live (default: ${defaultDataDir}; or ORGBENCH_DATA_DIR)
  -h, --help       help for any command (orgbench env --help, orgbench token --help, …)
  --version        print the version

${EXIT_CODES}`
}

export const COMMAND_HELP = {
  env: `orgbench env — manage environments

Usage:
  orgbench env list [--json]                  list environments
  orgbench env show NAME [--json]             show one environment (secret values are never printed)
  orgbench env import FILE|-                  import an environment file (- reads standard input); the same name replaces
  orgbench env export NAME [-o FILE] [--include-secrets]
                                              write an environment file (secret values are null unless asked);
                                              -o writes FILE atomically, mode 0600 with --include-secrets
  orgbench env delete NAME                    delete an environment and its tokens

NAME is an environment's name (any case) or id. In a file, only "orgbench", "schemaVersion", "name" and "orgUrl" are
required; every other field takes its default. ${EXIT_CODES}`,
  request: `orgbench request — send one HTTP request

Usage:
  orgbench request [--env NAME] METHOD URL [-H 'Key: Value']… [-d BODY|@FILE|@-] [-i] [--timeout MS] [--max-bytes N] [--no-auth]
  orgbench request [--env NAME] --all [--max-rows N] GET URL [-H 'Prefer: odata.maxpagesize=5000']…

  {{variables}} in the URL, headers and body come from the environment; {{orgUrl}} and {{webApiUrl}} always exist.
  -e, --env NAME   the environment (its variables, its CA, its token)
  -H, --header     a request header, 'Name: value' (repeatable)
  -d, --data       the body; @FILE reads a file, @- standard input
  -i, --include    print the response headers before the body
  --no-auth        do not attach the environment's token
  --timeout MS     give up after MS milliseconds (default: the app's setting, 30000)
  --max-bytes N    keep at most N bytes of the response body (default: the app's setting, 52428800)
  --all            follow @odata.nextLink to the last page (each link as given, the same headers) and print the
                   records of every page as one JSON array; progress on stderr; a 429 waits out its Retry-After
  --max-rows N     with --all: stop after N rows (default: the app's "Fetch all" row cap, 100000)
  --har FILE       also write everything this run exchanged (token traffic included) to FILE as HAR 1.2, secrets masked

The environment's token is attached to requests to the org's API (never to another host) unless the request has
its own Authorization header. A grant that needs no one (client credentials, password) signs in by itself; for a
browser or device code grant, sign in first with "orgbench login --env NAME".
Prints the status line to stderr, the body to stdout. Exit 0 for 2xx, 1 for another status, 2 for errors.`,
  metadata: `orgbench metadata — the org's schema, from the same index the app's completion uses

Usage:
  orgbench metadata --env NAME [--json] [--table NAME] [--refresh]

  -e, --env NAME   the environment (its token is used to download $metadata once; then the cache answers)
  -t, --table T    one table, by entity set (accounts) or logical name (account): its key, alternate keys,
                   columns with their types, lookups, and navigation properties
  --json           machine-readable output (the summary with every entity set, action and function; or the table)
  --refresh        download $metadata again instead of using the cache

Without --table: the counts of entity sets, entity types, actions and functions, and when the schema was fetched.
${EXIT_CODES}`,
  sandbox: `orgbench sandbox — run the built-in Sandbox org (emulated Entra ID + Dataverse Web API) on 127.0.0.1

Usage:
  orgbench [--data-dir DIR] sandbox [--port N] [--reset] [--limit-requests N] [--limit-window S] [--limit-concurrent N] [--limit-execution-ms N]

  --port N    HTTPS on port N and the browser pages on N+1 (default: free ports)
  --reset     put the org's rows back to the seed before starting
  --limit-requests N       enforce Dataverse's service protection limits, small, to try 429s: N requests per user per
  --limit-window S         window of S seconds (default 300), --limit-concurrent N requests in flight at once,
  --limit-execution-ms N   N ms of combined execution time per window; answers carry x-ms-ratelimit-* headers

Prints one JSON line when ready (orgUrl, webApiUrl, authority, pagesUrl, caFile, the demo clients, secret, user and
password), then, on stderr, the URLs to use: the org's API is HTTPS with the Sandbox's own CA, so a browser opens
only the sign-in pages, served on plain-HTTP loopback (pagesUrl; the device code page is <pagesUrl>/devicelogin).
Creates or updates the "Sandbox" environment in the data folder, so from another terminal
  orgbench login --env Sandbox
  orgbench request --env Sandbox GET '{{webApiUrl}}/WhoAmI'
work. Ctrl+C stops it (exit 0).`,
  orgs: `orgbench orgs — list the orgs a user can reach (Global Discovery), and make environments of them

Usage:
  orgbench orgs --env NAME [--json]
  orgbench orgs --env NAME --create [--only NAME,…] [--group G] [--json]
  orgbench orgs --cloud public|gcc|gcchigh|dod|china --client-id ID [--grant authorization_code|device_code] [--tenant T] [--create …]

  --env NAME      sign in with that environment's profile (any grant that yields a user's token) to the Global
                  Discovery Service of its cloud, or to the discovery URL the environment names (a custom
                  authority, the Sandbox)
  --cloud CLOUD   sign in interactively instead, with your own app registration (--client-id; a public client with
                  http://localhost as a redirect URI, or device code with --grant device_code)
  --create        one environment per org not yet known (or those --only names, by unique name, name or URL), with
                  the cloud, tenant, authority and sign-in profile filled; --group G files them under a customer
  --json          the list (or what was created) as JSON

Exit 0 when the orgs were listed (or created), 2 when the sign-in or Global Discovery fails (the reason on stderr).`,
  doctor: `orgbench doctor — find what stops an environment's sign-in from working

Usage:
  orgbench doctor --env NAME [--json]

  Runs the checks in order, each passed, failed (with the fix) or skipped (with why):
    1. the org URL answers with Dataverse's 401 challenge, and its tenant agrees with the environment's
    2. the authority's discovery document is reachable and names the expected issuer
    3. a token can be had with the profile (AADSTS errors explained; secrets' and certificates' dates read)
    4. the token's audience is the org, its tenant the org's, it is not expired, the clock agrees with the authority's
    5. WhoAmI succeeds (403 0x80072560: no application user / not a user in this org, with the steps to add one)
    6. delegated tokens carry user_impersonation; app tokens the roles expected (or none)
  Every request it makes is in the traffic log (and with --har in a file, as for other commands).

Exit 0 only when every check passed (skipped ones aside), 2 otherwise.`,
  login: `orgbench login — sign in to an environment and keep its tokens (encrypted) for later requests

Usage:
  orgbench login --env NAME [--grant G] [overrides]

  Signs in with the environment's profile: authorization code and implicit open the browser (the URL is printed
  too), device code prints the code and the page, client credentials and password need no one. Always signs in
  again, even with a valid token.

${OVERRIDES}
  With options, the tokens of this sign-in are kept for the environment, e.g. --grant device_code on a machine
  without a browser.
  --har FILE   also write every exchange of the sign-in (authorize, callback, discovery, token) to FILE as
               HAR 1.2, secrets masked

Exit 0 when signed in, 2 when the sign-in fails (the reason, and for AADSTS errors the fix, on stderr).`,
  token: `orgbench token — print an access token for an environment

Usage:
  orgbench token --env NAME [--json] [--non-interactive] [--force-refresh] [overrides]

  Prints the access token on stdout (with --json: accessToken, tokenType, expiresOn, scopes, grant, account).
  A cached token with five minutes left is used as it is, an older one is refreshed. Without one, token signs in
  as "orgbench login" does and keeps the tokens: client credentials and password silently, authorization code
  and implicit in the browser, device code with the code printed on stderr (stdout stays the token alone).
  --non-interactive   never open a browser or show a device code: exit 2 instead, saying to run
                      "orgbench login --env NAME" (for scripts and CI)
  --force-refresh     refresh even when the cached token is still valid
  --json              print the token and what it is for as JSON
  --har FILE          also write everything this run exchanged to FILE as HAR 1.2, secrets masked

${OVERRIDES}
  With options, token signs in for this call only: the token is printed, and the environment's saved tokens
  are neither used nor replaced.

Exit 0 with a token, 2 when no token could be had (the reason, and for AADSTS errors the fix, on stderr).`,
  collection: `orgbench collection — bring collections in and take them out

Usage:
  orgbench collection import FILE|- --to DIR [--format postman|insomnia|curl]
        a Postman collection v2.1, an Insomnia v4 export or a curl command (the format is recognised) into DIR, a new or empty folder: one .request.yaml file per
        request, folders as folders, the collection's variables in orgbench-collection.yaml. What does not map
        (scripts, an auth type OrgBench does not have, file bodies) is listed on stderr; a literal credential
        becomes a {{variable}} to define in your environment.
  orgbench collection export DIR [--format postman] [-o FILE]
        the collection in DIR as a Postman collection v2.1 (standard output, or FILE written atomically).
        Requests that use the environment's token get Postman's bearer auth with {{accessToken}}.

The collection opens in the app too. ${EXIT_CODES}`,
  run: `orgbench run — send a collection's requests in order (a small runner for CI)

Usage:
  orgbench run DIR|FILE [--env NAME] [--timeout MS] [--bail]

  DIR is a collection's folder (its requests in the order of its tree), FILE one .request.yaml file.
  -e, --env NAME   the environment: its variables (above the collection's), its CA, its token
  --timeout MS     give up on a request after MS milliseconds (default: the app's setting, 30000)
  --bail           stop at the first failure

Prints one line per request on stdout: status (or ERR), time, method, path; a total on stderr. Every send is in
the history, as the app's are. A grant that needs no one (client credentials, password) signs in by itself.
Exit 0 when every request answered 2xx, 1 when any did not or failed, 2 for usage or sign-in errors.`,
  logout: `orgbench logout — forget an environment's tokens

Usage:
  orgbench logout --env NAME

  Deletes the environment's cached tokens (access, refresh and ID tokens). Exit 0 whether or not it had any.`
} as const

export type CommandName = keyof typeof COMMAND_HELP
