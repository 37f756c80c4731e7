/** What a command may touch of the outside world; tests hand in their own. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  readStdin: () => Promise<string>
  env: NodeJS.ProcessEnv
  /** Resolves when the user asks a long-running command (orgbench sandbox) to stop: Ctrl+C. */
  untilStopped?: () => Promise<void>
  /** Opens the system browser for interactive sign-ins (default: the OS opener). */
  openBrowser?: (url: string) => Promise<void>
  /** Reads a secret without echoing it (default: stdin, hidden when it is a terminal). */
  readSecret?: (prompt: string) => Promise<string>
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin,
    env: process.env
  }
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    process.stdin.on('data', (c: Buffer) => chunks.push(c))
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    process.stdin.on('error', reject)
  })
}

/** Read a secret from stdin; on a terminal, without echo. Ctrl+C exits 130, as shells do. */
export function readHiddenSecret(io: CliIo): (prompt: string) => Promise<string> {
  return async (prompt) => {
    if (!process.stdin.isTTY) return io.readStdin()
    io.stderr(prompt)
    return new Promise((resolve) => {
      let value = ''
      process.stdin.setRawMode(true)
      process.stdin.resume()
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            process.stdin.setRawMode(false)
            process.stdin.pause()
            process.stdin.off('data', onData)
            io.stderr('\n')
            resolve(value)
            return
          }
          if (ch === '\u0003') process.exit(130)
          value = ch === '\u007f' ? value.slice(0, -1) : value + ch
        }
      }
      process.stdin.on('data', onData)
    })
  }
}

export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      resolve()
    }
    process.once('SIGINT', done)
    process.once('SIGTERM', done)
  })
}
