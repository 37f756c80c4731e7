import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../../testing/tempDir'
import { keyFileSecretBox } from './secretBox'

const tempDir = useTempDir()

describe('keyFileSecretBox', () => {
  it('round-trips text, with a fresh IV each time', () => {
    const box = keyFileSecretBox(tempDir())
    const a = box.encrypt('p@ssw0rd ✓')
    const b = box.encrypt('p@ssw0rd ✓')
    expect(a).not.toBe(b)
    expect(a).not.toContain('p@ssw0rd')
    expect(box.decrypt(a)).toBe('p@ssw0rd ✓')
    expect(box.kind).toBe('key-file')
  })

  it('keeps its key in a file only the user can read, and reuses it', () => {
    const dir = tempDir()
    const cipher = keyFileSecretBox(dir).encrypt('x')
    if (process.platform !== 'win32') expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600)
    expect(keyFileSecretBox(dir).decrypt(cipher)).toBe('x')
  })

  it('detects tampering and a replaced key with an actionable error', () => {
    const dir = tempDir()
    const box = keyFileSecretBox(dir)
    const cipher = box.encrypt('secret')
    const parts = cipher.split(':')
    parts[3] = Buffer.from('tampered').toString('base64')
    expect(() => box.decrypt(parts.join(':'))).toThrow(/could not be decrypted/)
    const other = keyFileSecretBox(tempDir())
    expect(() => other.decrypt(cipher)).toThrow(/Enter the secret again/)
    expect(() => box.decrypt('garbage')).toThrow(/not in a format/)
  })

  it('explains that OS-keychain secrets from the desktop app cannot be opened here', () => {
    expect(() => keyFileSecretBox(tempDir()).decrypt('os1:AAAA')).toThrow(/operating system keychain/)
  })

  it('refuses a key file of the wrong size instead of silently replacing it', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'secret.key'), Buffer.alloc(7).toString('base64'))
    expect(() => keyFileSecretBox(dir)).toThrow(/not a 256-bit key/)
    expect(readFileSync(join(dir, 'secret.key'), 'utf8')).toBe(Buffer.alloc(7).toString('base64'))
  })
})
