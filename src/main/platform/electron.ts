import { app, safeStorage, shell } from 'electron'
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
