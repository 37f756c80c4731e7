/// <reference types="electron-vite/node" />
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, session } from 'electron'
import { createRouter } from './core/router'
import { PREFERRED_SANDBOX_PORT, startSandboxFor } from './sandbox'
import { Services } from './core/services'
import { bindIpc } from './ipc'
import { confirmCloseWithEdits, dataDir, electronSecretBox, openExternal, pickFolder } from './platform/electron'
import { embeddedSignIn, isSignInWindow } from './platform/signInWindow'
import { denyAllPermissions, hardenWebContents, mainWindowOptions } from './security'
// resources/ is electron-vite's public dir for main: `?asset` yields the file's path relative to the built main process (dev and built app).
import iconIco from '../../resources/icon.ico?asset'
import iconPng from '../../resources/icon.png?asset'

app.enableSandbox()

// Nothing may create windows or navigate anywhere, whichever web contents asks.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternal, () => isSignInWindow(contents)))

// A second launch hands over to the running window (see 'second-instance') and quits.
const primary = app.requestSingleInstanceLock()
if (!primary) app.quit()

async function start(): Promise<void> {
  await app.whenReady()
  session.defaultSession.setPermissionRequestHandler(denyAllPermissions)
  const dir = dataDir()
  const services = new Services({ dataDir: dir, secretBox: electronSecretBox(dir), appVersion: app.getVersion(), openBrowser: openExternal, embeddedSignIn, watchCollections: true, pickFolder, keepTraffic: true })
  const router = createRouter(services)
  // The Sandbox org is the default environment: started before the window loads, so it is there on first paint.
  const sandbox = await startSandboxFor(services, { dataDir: dir, port: PREFERRED_SANDBOX_PORT }).catch((error: unknown) => {
    console.error('The Sandbox org could not start; OrgBench works without it.', error)
    return null
  })
  if (sandbox) services.attachSandbox(sandbox.port)

  // Windows draws its title bar and taskbar best from the .ico; macOS takes the Dock icon from the app bundle, so set it when unbundled.
  const window = new BrowserWindow({ ...mainWindowOptions(join(__dirname, '../preload/index.js')), icon: process.platform === 'win32' ? iconIco : iconPng })
  if (process.platform === 'darwin' && !app.isPackaged) app.dock?.setIcon(iconPng)
  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
  const rendererFile = join(__dirname, '../renderer/index.html')
  const trustedUrl = devUrl ?? pathToFileURL(rendererFile).href
  const emit = bindIpc(router, window, trustedUrl)
  services.traffic.onAdded((batch) => emit('traffic.added', batch))
  services.traffic.onCleared(() => emit('traffic.cleared', {}))
  services.environments.onChanged(() => emit('env.changed', {}))
  services.events.on('auth.progress', (p) => emit('auth.progress', p))
  services.events.on('auth.changed', (p) => emit('auth.changed', p))
  services.events.on('schema.changed', (p) => emit('schema.changed', p))
  services.events.on('collection.changed', (p) => emit('collection.changed', p))
  services.events.on('history.added', (p) => emit('history.added', p))
  void services.history.warm()

  window.once('ready-to-show', () => window.show())
  // The renderer holds the close while tabs have unsaved edits (beforeunload); the person decides.
  window.webContents.on('will-prevent-unload', (event) => {
    if (confirmCloseWithEdits(window)) event.preventDefault()
  })
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', () => {
    void services.close()
    void sandbox?.server.stop()
  })

  if (devUrl) await window.loadURL(devUrl)
  else await window.loadFile(rendererFile)
}

if (primary) {
  start().catch((error: unknown) => {
    console.error('OrgBench failed to start', error)
    app.exit(1)
  })
}
