import { createCipheriv, randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodedForms, findSecrets } from './scan'
import { useTempDir } from './tempDir'

const tempDir = useTempDir()
const secret = 'p@ss w0rd/+é&=?-7f3a'

describe('findSecrets', () => {
  it('finds a secret as is, URL-, form- and JSON-encoded, in hex, and inside base64 / base64url at every alignment', () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'deep'))
    const files: Record<string, string | Buffer> = {
      plain: `x${secret}y`,
      url: `https://h/?q=${encodeURIComponent(secret)}`,
      form: new URLSearchParams({ a: secret }).toString(),
      json: JSON.stringify({ v: `"${secret}"` }),
      hex: Buffer.from(secret).toString('hex'),
      utf8: Buffer.from(`\u00e9${secret}`, 'utf8')
    }
    for (let pad = 0; pad < 3; pad++) {
      files[`b64-${pad}`] = Buffer.from('a'.repeat(pad) + secret + 'zz').toString('base64')
      files[`b64url-${pad}`] = Buffer.from('b'.repeat(pad) + secret).toString('base64url')
    }
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, 'deep', name), content)
    const found = new Set(findSecrets(dir, { pw: secret }).map((f) => f.file.split(/[\\/]/).pop()))
    expect([...found].sort()).toEqual(Object.keys(files).sort())
  })

  it('finds nothing in ciphertext or in a file without the secret', () => {
    const dir = tempDir()
    const cipher = createCipheriv('aes-256-gcm', randomBytes(32), randomBytes(12))
    writeFileSync(join(dir, 'enc'), Buffer.concat([cipher.update(secret.repeat(100)), cipher.final()]))
    writeFileSync(join(dir, 'other'), 'p@ss w0rd/+é&=?-7f3b')
    expect(findSecrets(dir, { pw: secret })).toEqual([])
    expect(encodedForms(secret).map((f) => f.form)).toEqual(expect.arrayContaining(['plain', 'url-encoded', 'base64@0', 'base64@1', 'base64@2', 'base64url@2']))
  })
})
