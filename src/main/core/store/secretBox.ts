import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { AppError } from '../../../shared/errors'
import type { SecretBox } from '../ports'

const VERSION = 'v1'

/**
 * The secretBox for plain Node (CLI, tests): AES-256-GCM with a random key in a file only the user can read.
 * Weaker than the OS keychain that Electron's safeStorage uses, and says so.
 */
export function keyFileSecretBox(dataDir: string): SecretBox {
  const keyFile = join(dataDir, 'secret.key')
  const key = loadOrCreateKey(keyFile)
  return {
    kind: 'key-file',
    description: `Secrets are encrypted with AES-256-GCM using a key in ${keyFile} (readable only by you). The desktop app uses the OS keychain instead when it is available.`,
    encrypt(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':')
    },
    decrypt(text) {
      if (text.startsWith('os1:')) {
        throw new AppError('storage_error', 'This secret was encrypted by the desktop app with the operating system keychain, which the command line cannot open. Give the CLI its own copy with `orgbench env import`.')
      }
      const [version, iv, tag, body] = text.split(':')
      if (version !== VERSION || !iv || !tag || body === undefined) {
        throw new AppError('storage_error', 'A stored secret is not in a format this version can read.')
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'))
        decipher.setAuthTag(Buffer.from(tag, 'base64'))
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8')
      } catch {
        throw new AppError('storage_error', `A stored secret could not be decrypted: was ${keyFile} replaced? Enter the secret again.`)
      }
    }
  }
}

function loadOrCreateKey(keyFile: string): Buffer {
  try {
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')
    if (key.length === 32) return key
    throw new AppError('storage_error', `${keyFile} is not a 256-bit key. Move it away to create a new one (stored secrets will need to be entered again).`)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  mkdirSync(dirname(keyFile), { recursive: true })
  const key = randomBytes(32)
  try {
    writeFileSync(keyFile, key.toString('base64'), { mode: 0o600, flag: 'wx' })
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateKey(keyFile)
    throw error
  }
  chmodSync(keyFile, 0o600)
  return key
}
