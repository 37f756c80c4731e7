import { readFileSync } from 'node:fs'
import { AppError } from '../../shared/errors'
import { writeFileAtomic } from '../core/store/files'

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new AppError('not_found', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
}

/**
 * Write a file the user named, atomically. A file with secrets is created 0600 even where one existed with a wider
 * mode: the old file is replaced, not rewritten in place.
 */
export async function writeOutput(file: string, text: string, secret: boolean): Promise<void> {
  try {
    await writeFileAtomic(file, text, secret ? 0o600 : 0o666)
  } catch (error) {
    throw new AppError('storage_error', `Cannot write ${file}: ${(error as Error).message}`)
  }
}
