/**
 * Watches a collection's folder for changes made elsewhere (another editor, a git pull). Events are gathered for
 * `debounceMs` and handed over as item paths (`/`-separated), or null when the platform could not say which file
 * (then the whole folder is read again). Editors that save by writing a temporary file and renaming it over the
 * old one produce a burst of events: the debounce makes it one.
 *
 * macOS and Windows watch a tree natively (`recursive: true`). Node's recursive watch on Linux is emulated and, in
 * Node 20, reports a rename-over as a change and misses deletions, so on Linux every folder gets its own inotify
 * watch (non-recursive, which reports both), added as folders appear and closed as they go.
 */
import { promises as fs, watch, type FSWatcher } from 'node:fs'
import { join, sep } from 'node:path'

export interface Watch {
  close(): void
}

const MAX_FOLDERS = 4000

export function watchFolder(dir: string, onChange: (paths: string[] | null) => void, debounceMs = 120, onError: (error: unknown) => void = () => undefined, ignored: (name: string) => boolean = (n) => n.startsWith('.')): Watch {
  let pending = new Set<string>()
  let unknown = false
  let timer: NodeJS.Timeout | null = null
  let closed = false
  const flush = (): void => {
    timer = null
    const paths = unknown ? null : [...pending]
    pending = new Set()
    unknown = false
    if (!closed) onChange(paths)
  }
  const note = (path: string | null): void => {
    if (path === null) unknown = true
    else pending.add(path)
    if (timer) clearTimeout(timer)
    timer = setTimeout(flush, debounceMs)
  }

  const watchers = new Map<string, FSWatcher>()
  const add = (folder: string): void => {
    if (closed || watchers.has(folder)) return
    if (watchers.size >= MAX_FOLDERS) {
      onError(new Error(`more than ${MAX_FOLDERS} folders: changes in the others are seen on the next full read`))
      return
    }
    let w: FSWatcher
    try {
      w = watch(join(dir, ...folder.split('/').filter(Boolean)), { persistent: false }, (_event, name) => {
        if (name === null) return note(null)
        const base = String(name)
        if (ignored(base)) return
        const path = folder ? `${folder}/${base}` : base
        note(path)
        void fs.stat(join(dir, ...path.split('/'))).then(
          (s) => (s.isDirectory() ? addTree(path) : undefined),
          () => drop(path)
        )
      })
    } catch (error) {
      onError(error)
      return
    }
    w.on('error', () => drop(folder))
    watchers.set(folder, w)
  }
  const addTree = async (folder: string): Promise<void> => {
    add(folder)
    const items = await fs.readdir(join(dir, ...folder.split('/').filter(Boolean)), { withFileTypes: true }).catch(() => [])
    await Promise.all(items.filter((i) => i.isDirectory() && !ignored(i.name)).map((i) => addTree(folder ? `${folder}/${i.name}` : i.name)))
  }
  const drop = (folder: string): void => {
    for (const [f, w] of watchers) {
      if (f === folder || f.startsWith(folder + '/')) {
        w.close()
        watchers.delete(f)
      }
    }
  }

  if (process.platform === 'linux') void addTree('')
  else {
    try {
      const w = watch(dir, { recursive: true, persistent: false }, (_event, name) => {
        if (name === null) return note(null)
        const path = String(name).split(sep).join('/')
        if (!path.split('/').some(ignored)) note(path)
      })
      w.on('error', onError)
      watchers.set('', w)
    } catch (error) {
      onError(error)
      void addTree('')
    }
  }
  return {
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      for (const w of watchers.values()) w.close()
      watchers.clear()
    }
  }
}
