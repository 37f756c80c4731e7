import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

export function readAllFiles(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = []
  for (const name of readdirSync(dir)) {
    const file = join(dir, name)
    if (statSync(file).isDirectory()) out.push(...readAllFiles(file))
    else out.push({ file, text: readFileSync(file, 'latin1') })
  }
  return out
}
