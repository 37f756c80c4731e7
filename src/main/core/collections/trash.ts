/**
 * Deleting from a collection: to the OS trash where there is one (no native dependency: `gio trash` on Linux, Finder
 * on macOS, the Recycle Bin through PowerShell on Windows), else to the collection's own `.trash` folder, which the
 * app can undo from (and git ignores: it holds a `.gitignore` of `*`).
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { AppError } from '../../../shared/errors'

export type TrashMode = 'os' | 'collection'
export const TRASH_FOLDER = '.trash'

function run(command: string, args: string[]): Promise<boolean> {
  return new Promise((ok) => {
    execFile(command, args, { timeout: 15_000, windowsHide: true }, (error) => ok(!error))
  })
}

/** Move a file or folder to the OS trash; false when there is none or it refused (then the caller keeps it its own way). */
export async function osTrash(path: string): Promise<boolean> {
  const full = resolve(path)
  if (process.platform === 'linux') return run('gio', ['trash', '--', full])
  if (process.platform === 'darwin') {
    const quoted = full.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
    return run('osascript', ['-e', `tell application "Finder" to delete (POSIX file "${quoted}" as alias)`])
  }
  if (process.platform === 'win32') {
    const literal = full.replace(/'/g, "''")
    const script = `Add-Type -AssemblyName Microsoft.VisualBasic; if (Test-Path -LiteralPath '${literal}' -PathType Container) { [Microsoft.VisualBasic.FileIO.FileSystem]::DeleteDirectory('${literal}','OnlyErrorDialogs','SendToRecycleBin') } else { [Microsoft.VisualBasic.FileIO.FileSystem]::DeleteFile('${literal}','OnlyErrorDialogs','SendToRecycleBin') }`
    return run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script])
  }
  return false
}

/** Moves `relative` (inside `dir`) to `<dir>/.trash/<token>/relative`; the token undoes it. */
export async function collectionTrash(dir: string, relative: string): Promise<string> {
  const trash = join(dir, TRASH_FOLDER)
  await fs.mkdir(trash, { recursive: true })
  await fs.writeFile(join(trash, '.gitignore'), '*\n', { flag: 'wx' }).catch(() => undefined)
  const token = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`
  const target = join(trash, token, ...relative.split('/'))
  await fs.mkdir(dirname(target), { recursive: true })
  await fs.rename(join(dir, ...relative.split('/')), target)
  await fs.writeFile(join(trash, token, '.orgbench-trash.json'), JSON.stringify({ path: relative }) + '\n')
  return token
}

/** Puts back what `collectionTrash` moved; the item's path, or a conflict when something took its place meanwhile. */
export async function restoreFromTrash(dir: string, token: string): Promise<string> {
  if (!/^[\w-]+$/.test(token)) throw new AppError('invalid_input', 'That is not an undo token of this collection.')
  const folder = join(dir, TRASH_FOLDER, token)
  let path: string
  try {
    path = (JSON.parse(await fs.readFile(join(folder, '.orgbench-trash.json'), 'utf8')) as { path: string }).path
  } catch {
    throw new AppError('not_found', 'Nothing to undo: the deleted item is no longer in the collection\'s .trash folder.')
  }
  const target = join(dir, ...path.split('/'))
  if (await fs.stat(target).then(() => true, () => false)) throw new AppError('conflict', `Cannot put "${path}" back: something else has that name now. Rename it first.`)
  await fs.mkdir(dirname(target), { recursive: true })
  await fs.rename(join(folder, ...path.split('/')), target)
  await fs.rm(folder, { recursive: true, force: true })
  return path
}
