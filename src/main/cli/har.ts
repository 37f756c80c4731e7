/** `--har FILE` on `orgbench request|token|login`: everything the run exchanged (token traffic included), as HAR 1.2, secrets masked. */
import type { Services } from '../core/services'
import { UsageError } from './args'
import { writeOutput } from './files'
import type { CliIo } from './io'

/** `--har FILE` / `--har=FILE` taken out of the command's arguments. */
export function takeHar(args: readonly string[]): { file: string | null; rest: string[] } {
  const rest: string[] = []
  let file: string | null = null
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--') {
      rest.push(...args.slice(i))
      break
    }
    if (a === '--har' || a.startsWith('--har=')) {
      const value = a === '--har' ? args[++i] : a.slice('--har='.length)
      if (!value || value.startsWith('-')) throw new UsageError('--har needs a file name: --har FILE.')
      if (file !== null) throw new UsageError('--har is given twice.')
      file = value
      continue
    }
    rest.push(a)
  }
  return { file, rest }
}

/** Writes the run's traffic; says where on stderr (stdout stays the command's result). */
export async function writeHar(file: string, services: Services, version: string, io: CliIo): Promise<void> {
  const { exportHar } = await import('../core/capture/har')
  services.traffic.flush()
  const { text, count } = await exportHar(services.traffic, { reveal: false, appVersion: version })
  await writeOutput(file, text + '\n', false)
  io.stderr(`${count} ${count === 1 ? 'exchange' : 'exchanges'} written to ${file} (HAR 1.2, secrets masked).\n`)
}
