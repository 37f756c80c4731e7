/**
 * The window's security settings and guards, kept free of runtime Electron imports so a unit test can prove them.
 */
import type { BrowserWindowConstructorOptions, WebContents } from 'electron'

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'OrgBench',
    backgroundColor: '#101418',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false
    }
  }
}

/** Only http(s) links leave the app, and only to the system browser. */
export function isExternalUrlAllowed(url: string): boolean {
  try {
    const { protocol } = new URL(url)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}

/** The renderer's own pages: the built index.html, or the dev server in development. */
export function isTrustedRendererUrl(url: string, trustedOrigin: string): boolean {
  try {
    const u = new URL(url)
    const t = new URL(trustedOrigin)
    if (t.protocol === 'file:') return u.protocol === 'file:' && u.pathname === t.pathname
    return u.origin === t.origin
  } catch {
    return false
  }
}

export type OpenExternal = (url: string) => Promise<void>

/**
 * No navigation away from the app, no new windows; http(s) links open in the system browser.
 * `navigatesOnItsOwn` exempts the embedded sign-in window, whose navigation its own rules decide.
 */
export function hardenWebContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>, openExternal: OpenExternal, navigatesOnItsOwn: () => boolean = () => false): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalUrlAllowed(url)) void openExternal(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event) => {
    if (!navigatesOnItsOwn()) event.preventDefault()
  })
  contents.on('will-redirect', (event) => {
    if (!navigatesOnItsOwn()) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** Deny every permission request (camera, notifications, …): the app needs none. */
export function denyAllPermissions(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false)
}
