import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'

/** A fresh temporary folder per test, removed afterwards. */
export function useTempDir(prefix = 'orgbench-test-'): () => string {
  const made: string[] = []
  afterEach(() => {
    while (made.length) rmSync(made.pop()!, { recursive: true, force: true })
  })
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix))
    made.push(dir)
    return dir
  }
}

/** Every file's text below `dir`, for scanning what reached the disk. */
export { readAllFiles } from './scan'
