/** Test child (files.test.ts): rewrites one file atomically, again and again, until it is killed. */
import { createHash } from 'node:crypto'
import { writeFileAtomic } from './files'

const [file] = process.argv.slice(2)
const pad = 'x'.repeat(512 * 1024)

async function main(): Promise<void> {
  for (let n = 1; ; n++) {
    const body = `${n}:${pad}`
    await writeFileAtomic(file!, JSON.stringify({ n, body, sha256: createHash('sha256').update(body).digest('hex') }))
    if (n === 1) process.stdout.write('writing\n')
  }
}
void main()
