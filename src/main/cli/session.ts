import { Services } from '../core/services'
import { keyFileSecretBox } from '../core/store/secretBox'
import type { CliIo } from './io'

/** The core services for one CLI run: secrets in the key file, sign-in progress on stderr (stdout stays the result). */
export function openServices(dataDir: string, io: CliIo, appVersion: string): Services {
  const services = new Services({
    dataDir,
    secretBox: keyFileSecretBox(dataDir),
    appVersion,
    log: { error: (m, e) => io.stderr(`${m}: ${String(e)}\n`) },
    openBrowser: io.openBrowser ?? systemOpener(io)
  })
  services.events.on('auth.progress', (p) => {
    if (p.step === 'device-code' && p.deviceCode) io.stderr(`${p.deviceCode.message}\n`)
    if (p.step === 'browser' && p.authorizeUrl) io.stderr(`Sign in in your browser. If none opened, open:\n  ${p.authorizeUrl}\n`)
  })
  return services
}

/** The OS's way to open a URL in the default browser; the URL is printed too, for headless machines. */
export function systemOpener(io: CliIo): (url: string) => Promise<void> {
  return async (url) => {
    const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]] : ['xdg-open', [url]]
    const { spawn } = await import('node:child_process')
    await new Promise<void>((resolve) => {
      const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true })
      child.on('error', () => {
        io.stderr('(No browser could be opened here: open the URL above yourself.)\n')
        resolve()
      })
      child.on('spawn', () => {
        child.unref()
        resolve()
      })
    })
  }
}
