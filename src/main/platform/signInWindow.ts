import { BrowserWindow, session } from 'electron'
import { AppError } from '../../shared/errors'
import { allowedInSignInWindow } from './signInWindowRules'

let counter = 0
const signInContents = new WeakSet<object>()

/** Whether these web contents belong to a sign-in window (the app-wide navigation guard leaves them to their own rules). */
export function isSignInWindow(contents: object): boolean {
  return signInContents.has(contents)
}

/**
 * The one embedded window OrgBench opens: Microsoft's sign-in page for the pre-approved Dataverse client, whose
 * redirect (https://localhost) no loopback listener can receive. Its own session partition is cleared on every
 * sign-in (so switching users just works); navigation to the redirect is intercepted and ends the sign-in;
 * nothing else — no new windows, no other schemes, no permissions — is allowed.
 */
export async function embeddedSignIn(url: string, redirectPrefix: string, signal: AbortSignal): Promise<string> {
  const partition = `orgbench-signin-${++counter}`
  const ses = session.fromPartition(partition, { cache: false })
  await ses.clearStorageData()
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  const window = new BrowserWindow({
    width: 520,
    height: 700,
    title: 'Sign in — OrgBench',
    autoHideMenuBar: true,
    webPreferences: { partition, sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, javascript: true }
  })
  signInContents.add(window.webContents)
  return new Promise<string>((resolve, reject) => {
    let done = false
    const finish = (result: { url?: string; error?: AppError }) => {
      if (done) return
      done = true
      signal.removeEventListener('abort', onAbort)
      if (!window.isDestroyed()) window.destroy()
      void ses.clearStorageData()
      if (result.url) resolve(result.url)
      else reject(result.error)
    }
    const onAbort = () => finish({ error: new AppError('cancelled', 'The sign-in was cancelled.') })
    signal.addEventListener('abort', onAbort, { once: true })
    const intercept = (event: { preventDefault(): void }, target: string) => {
      if (target.startsWith(redirectPrefix)) {
        event.preventDefault()
        finish({ url: target })
      } else if (!allowedInSignInWindow(target)) {
        event.preventDefault()
      }
    }
    window.webContents.on('will-redirect', (event, target) => intercept(event, target))
    window.webContents.on('will-navigate', (event, target) => intercept(event, target))
    window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
    window.on('closed', () => finish({ error: new AppError('cancelled', 'The sign-in window was closed before signing in finished.') }))
    void window.loadURL(url).catch(() => undefined)
  })
}
