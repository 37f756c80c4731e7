import { app, BrowserWindow, dialog, safeStorage, shell } from 'electron'
import type { SecretBox } from '../core/ports'
import { keyFileSecretBox } from '../core/store/secretBox'
import { isExternalUrlAllowed } from '../security'

/** safeStorage (OS keychain / DPAPI / libsecret) when available, else the key-file box, and say which. */
export function electronSecretBox(dataDir: string): SecretBox {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : 'os'
  if (!safeStorage.isEncryptionAvailable() || backend === 'basic_text') return keyFileSecretBox(dataDir)
  return {
    kind: 'os',
    description: `Secrets are encrypted with the operating system's keychain (${process.platform === 'linux' ? backend : process.platform}).`,
    encrypt: (plain) => 'os1:' + safeStorage.encryptString(plain).toString('base64'),
    decrypt: (cipher) => {
      if (!cipher.startsWith('os1:')) return keyFileSecretBox(dataDir).decrypt(cipher)
      return safeStorage.decryptString(Buffer.from(cipher.slice(4), 'base64'))
    }
  }
}

export async function openExternal(url: string): Promise<void> {
  if (!isExternalUrlAllowed(url)) throw new Error(`Refusing to open ${url}: only http(s) links open in the browser.`)
  await shell.openExternal(url)
}

export function dataDir(): string {
  return process.env.ORGBENCH_DATA_DIR || app.getPath('userData')
}

/** The OS folder picker, over the focused window; null when the user cancels. */
export async function pickFolder(title: string): Promise<string | null> {
  const options: Electron.OpenDialogOptions = { title, properties: ['openDirectory', 'createDirectory', 'promptToCreate'] }
  const owner = BrowserWindow.getFocusedWindow()
  const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options)
  return result.canceled ? null : (result.filePaths[0] ?? null)
}

/** Closing the window while tabs have unsaved edits: true to close anyway (their drafts are kept and restored). */
export function confirmCloseWithEdits(window: BrowserWindow): boolean {
  const choice = dialog.showMessageBoxSync(window, {
    type: 'question',
    buttons: ['Close OrgBench', 'Cancel'],
    defaultId: 0,
    cancelId: 1,
    message: 'Some tabs have edits that are not saved to their files.',
    detail: 'Their drafts are kept and come back when you start OrgBench again.'
  })
  return choice === 0
}
