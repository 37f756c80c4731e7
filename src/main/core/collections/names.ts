/** Item paths inside a collection (relative, `/`-separated) and file names made from what the user typed. */
import { isAbsolute, resolve, sep } from 'node:path'
import { AppError } from '../../../shared/errors'
import { REQUEST_SUFFIX } from './format'

/** Checks a relative item path from the renderer or a file: no `..`, no absolute path, no hidden segments. */
export function checkItemPath(path: string, what: 'request' | 'folder' | 'any' = 'any'): string {
  const clean = path.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '')
  if (isAbsolute(path) || clean.split('/').some((s) => s === '..' || s === '.' || (clean !== '' && s === '') || s.startsWith('.'))) {
    throw new AppError('invalid_input', `"${path}" is not a path inside the collection.`)
  }
  if (what === 'request' && !clean.endsWith(REQUEST_SUFFIX)) throw new AppError('invalid_input', `"${path}" is not a request file (its name ends with ${REQUEST_SUFFIX}).`)
  if (what === 'folder' && clean.endsWith(REQUEST_SUFFIX)) throw new AppError('invalid_input', `"${path}" is a request, not a folder.`)
  return clean
}

/** The absolute path of an item, checked to stay inside the collection's folder. */
export function absolute(dir: string, path: string): string {
  const full = resolve(dir, ...path.split('/').filter(Boolean))
  const root = resolve(dir)
  if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep)) throw new AppError('invalid_input', `"${path}" is outside the collection.`)
  return full
}

export function parentOf(path: string): string {
  const at = path.lastIndexOf('/')
  return at < 0 ? '' : path.slice(0, at)
}

export function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

export function joinPath(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i

/** A file or folder name any OS accepts, made from a display name ("Get accounts?" → "Get accounts-"). */
export function safeName(name: string): string {
  let base = name
    // eslint-disable-next-line no-control-regex -- control characters are what file systems refuse
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 80)
    .trim()
  if (!base) base = 'request'
  if (WINDOWS_RESERVED.test(base)) base = `_${base}`
  return base
}

/** `Name`, else `Name (2)`, `Name (3)`… compared without case (macOS and Windows file systems ignore it). */
export function uniqueName(base: string, suffix: string, taken: (lowerName: string) => boolean): string {
  for (let n = 1; n < 10_000; n++) {
    const name = n === 1 ? `${base}${suffix}` : `${base} (${n})${suffix}`
    if (!taken(name.toLowerCase())) return name
  }
  throw new AppError('conflict', `Too many items named "${base}" in this folder.`)
}

export const requestFileName = (name: string): string => safeName(name) + REQUEST_SUFFIX
