import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { denyAllPermissions, hardenWebContents, isExternalUrlAllowed, isTrustedRendererUrl, mainWindowOptions } from './security'

describe('main window', () => {
  it('is hardened: isolated, sandboxed, no Node, web security on, hidden until ready', () => {
    const options = mainWindowOptions('/app/out/preload/index.js')
    expect(options.show).toBe(false)
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false
    })
  })

  it('denies new windows, opening only http(s) links in the system browser', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() })
    const open = vi.fn(async () => undefined)
    hardenWebContents(contents as never, open)
    const handler = contents.setWindowOpenHandler.mock.calls[0]![0] as (d: { url: string }) => { action: string }
    expect(handler({ url: 'https://learn.microsoft.com/power-apps/' })).toEqual({ action: 'deny' })
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(handler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
    expect(open.mock.calls).toEqual([['https://learn.microsoft.com/power-apps/']])
  })

  it('prevents every navigation, redirect and webview', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() })
    hardenWebContents(contents as never, async () => undefined)
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn()
      contents.emit(event, { preventDefault }, 'https://evil.example')
      expect(preventDefault, event).toHaveBeenCalled()
    }
  })

  it('leaves the sign-in window\'s navigation to its own rules, but still denies its new windows', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() })
    hardenWebContents(contents as never, async () => undefined, () => true)
    const preventDefault = vi.fn()
    contents.emit('will-navigate', { preventDefault }, 'https://login.microsoftonline.com/')
    expect(preventDefault).not.toHaveBeenCalled()
    const handler = contents.setWindowOpenHandler.mock.calls[0]![0] as (d: { url: string }) => { action: string }
    expect(handler({ url: 'https://x' })).toEqual({ action: 'deny' })
  })

  it('denies permission requests', () => {
    const callback = vi.fn()
    denyAllPermissions(null, 'media', callback)
    expect(callback).toHaveBeenCalledWith(false)
  })
})

describe('url checks', () => {
  it('allows only http(s) to leave the app', () => {
    expect(isExternalUrlAllowed('https://x.example')).toBe(true)
    expect(isExternalUrlAllowed('http://127.0.0.1:5000')).toBe(true)
    for (const url of ['file:///c:/x', 'smb://host/share', 'javascript:1', 'ms-settings:', 'not a url']) expect(isExternalUrlAllowed(url), url).toBe(false)
  })

  it('trusts IPC only from our own renderer page', () => {
    expect(isTrustedRendererUrl('file:///app/out/renderer/index.html', 'file:///app/out/renderer/index.html')).toBe(true)
    expect(isTrustedRendererUrl('file:///tmp/evil.html', 'file:///app/out/renderer/index.html')).toBe(false)
    expect(isTrustedRendererUrl('http://localhost:5173/#/x', 'http://localhost:5173')).toBe(true)
    expect(isTrustedRendererUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false)
    expect(isTrustedRendererUrl('https://evil.example', 'file:///app/out/renderer/index.html')).toBe(false)
  })
})

describe('the embedded sign-in window', () => {
  it('may go to https anywhere and to http on loopback only', async () => {
    const { allowedInSignInWindow } = await import('./platform/signInWindowRules')
    expect(allowedInSignInWindow('https://login.microsoftonline.com/common/oauth2/v2.0/authorize')).toBe(true)
    expect(allowedInSignInWindow('http://127.0.0.1:44312/tid/oauth2/v2.0/authorize')).toBe(true)
    expect(allowedInSignInWindow('http://evil.example/')).toBe(false)
    expect(allowedInSignInWindow('file:///etc/passwd')).toBe(false)
    expect(allowedInSignInWindow('javascript:alert(1)')).toBe(false)
  })
})
