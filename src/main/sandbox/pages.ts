import { createHash } from 'node:crypto'

/** The Sandbox's HTML: sign-in and consent, device code entry, errors shown on the page, form_post relay. */

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:"Segoe UI",system-ui,-apple-system,"DejaVu Sans",sans-serif;background:#eef1f5;color:#1b1b1b;display:flex;min-height:100vh;align-items:center;justify-content:center}
.card{background:#fff;width:440px;max-width:94vw;padding:40px 44px 32px;box-shadow:0 2px 10px rgba(0,0,0,.15)}
.brand{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;font-weight:600;color:#0f6cbd;margin-bottom:18px}.brand small{flex-basis:100%;color:#666;font-weight:400;font-size:12px}
h1{font-size:22px;font-weight:600;margin:0 0 14px}p{font-size:14px;line-height:1.45;margin:8px 0}
label{display:block;font-size:13px;margin:14px 0 4px;color:#333}
input[type=text],input[type=email],input[type=password]{width:100%;padding:8px 2px;border:none;border-bottom:1px solid #666;font-size:15px;outline:none}
input:focus{border-bottom:2px solid #0f6cbd}
.scopes{margin:14px 0;padding:10px 12px;background:#f5f7fa;border:1px solid #e1e5ea;font-size:13px}.scopes li{margin:4px 0}
.consent{display:flex;gap:8px;align-items:flex-start;font-size:13px;margin-top:12px}
.actions{display:flex;justify-content:flex-end;gap:8px;margin-top:26px}
button{font-size:15px;padding:7px 22px;border:1px solid #8a8a8a;background:#fff;cursor:pointer;min-width:108px}button.primary{background:#0f6cbd;border-color:#0f6cbd;color:#fff}
.error{background:#fde7e9;border-left:4px solid #c50f1f;padding:10px 12px;font-size:13px;margin:12px 0;word-break:break-word}
.code{font-family:ui-monospace,Consolas,monospace;font-size:12px;color:#555;margin-top:6px}
.hint{font-size:12px;color:#666;margin-top:20px;border-top:1px solid #eee;padding-top:12px}
`

/** Which of the Sandbox's authorities a page belongs to: Entra-shaped (AADSTS codes) or standards-only (plain OAuth errors). */
export type PageKind = 'entra' | 'oidc'

const BRAND: Record<PageKind, string> = {
  entra: 'An emulated Microsoft Entra ID on this computer',
  oidc: 'A standards-only OpenID Connect provider on this computer'
}

function page(title: string, body: string, kind: PageKind = 'entra'): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main class="card">
<div class="brand"><svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 5h16v3H4zm0 5.5h10v3H4zM4 16h16v3H4z"/></svg>OrgBench Sandbox <small>${esc(BRAND[kind])}</small></div>
${body}</main></body></html>`
}

/** An error as a page shows it: Entra leads with its AADSTS code, a standard authority with the OAuth error name. */
export interface PageError {
  code: number | null
  error: string
  description: string
}

function errorBox(e: PageError): string {
  return `<div class="error" role="alert" id="error"><strong>${e.code === null ? esc(e.error) : `AADSTS${e.code}`}:</strong> ${esc(e.description)}</div>`
}

export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // No form-action: browsers apply it to the redirect after the sign-in form, and that goes to the app's
  // (already validated) redirect URI on another origin.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'cache-control': 'no-store'
}

export function errorPage(e: PageError, correlationId: string | null, kind: PageKind = 'entra'): string {
  return page(
    'Sign in - error',
    `<h1>Sorry, but we're having trouble signing you in.</h1>
${errorBox(e)}
<p class="code">error: ${esc(e.error)}${correlationId ? `<br>Correlation ID: ${esc(correlationId)}` : ''}<br>Timestamp: ${esc(new Date().toISOString())}</p>`,
    kind
  )
}

export interface SignInPageModel {
  action: string
  flow: string
  appName: string
  clientId: string
  scopes: string[]
  username: string
  error: PageError | null
  purpose: 'authorize' | 'device'
  kind: PageKind
}

export function signInPage(m: SignInPageModel): string {
  return page(
    'Sign in to your account',
    `<h1>Sign in</h1>
<p><strong>${esc(m.appName)}</strong> <span class="code">(${esc(m.clientId)})</span> ${m.purpose === 'device' ? 'on another device ' : ''}wants to sign you in.</p>
${m.error ? errorBox(m.error) : ''}
<form method="post" action="${esc(m.action)}" autocomplete="off">
<input type="hidden" name="flow" value="${esc(m.flow)}">
<label for="username">Email or user name</label><input id="username" name="username" type="email" value="${esc(m.username)}" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<div class="scopes"><div>It will be able to:</div><ul>${m.scopes.map((s) => `<li>${esc(s)}</li>`).join('')}</ul></div>
<label class="consent"><input type="checkbox" name="consent" value="accept" id="consent" checked> Consent on behalf of myself to these permissions</label>
<div class="actions"><button type="submit" name="action" value="cancel" formnovalidate>Cancel</button><button type="submit" name="action" value="accept" class="primary" id="submit">Sign in</button></div>
</form>
<p class="hint">Sandbox accounts are listed next to the Sandbox environment in OrgBench (for example demo@sandbox.onmicrosoft.com).</p>`,
    m.kind
  )
}

export function deviceCodePage(action: string, error: string | null, code = '', kind: PageKind = 'entra'): string {
  return page(
    'Enter code',
    `<h1>Enter code</h1><p>Enter the code displayed on your app or device.</p>
${error ? `<div class="error" role="alert" id="error">${esc(error)}</div>` : ''}
<form method="post" action="${esc(action)}" autocomplete="off"><label for="user_code">Code</label><input id="user_code" name="user_code" type="text" value="${esc(code)}" required autofocus>
<div class="actions"><button type="submit" class="primary" id="submit">Next</button></div></form>`,
    kind
  )
}

export function messagePage(title: string, text: string, kind: PageKind = 'entra'): string {
  return page(title, `<h1 id="done">${esc(title)}</h1><p>${esc(text)}</p>`, kind)
}

/** response_mode=form_post: the browser posts the result to the redirect URI. */
export function formPostPage(action: string, fields: Record<string, string>): { html: string; headers: Record<string, string> } {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('')
  const script = 'document.forms[0].submit()'
  return {
    html: `<!doctype html><html><head><meta charset="utf-8"><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${esc(action)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript></form><script>${script}</script></body></html>`,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; script-src 'sha256-" + sha256Base64(script) + "'; form-action *",
      'cache-control': 'no-store'
    }
  }
}

function sha256Base64(text: string): string {
  return createHash('sha256').update(text).digest('base64')
}
