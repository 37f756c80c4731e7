import { resolve } from 'node:path'
import { AppError } from '../../shared/errors'
import { one, parse, UsageError } from './args'
import type { CommandContext } from './context'
import { readText, writeOutput } from './files'

const SUBCOMMANDS = ['import', 'export']

/** `orgbench collection import FILE --to DIR` and `orgbench collection export DIR --format postman [-o FILE]`. */
export async function collection(args: string[], ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = args
  if (!sub || !SUBCOMMANDS.includes(sub)) throw new UsageError(sub ? `Unknown collection command "${sub}": use ${SUBCOMMANDS.join(' or ')}.` : `Which collection command? ${SUBCOMMANDS.join(' or ')}.`)
  const { values, positionals } = parse(rest, {
    to: { type: 'string' },
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' }
  })
  const { io } = ctx
  const { importCollection, exportCollection } = await import('../core/collections/api')
  if (sub === 'import') {
    const file = one(positionals, 'collection import FILE --to DIR [--format postman|insomnia|curl]')
    if (!values.to) throw new UsageError('Where to? Give the collection\'s folder with --to DIR (a new or empty folder).')
    if (values.format !== undefined && !['postman', 'insomnia', 'curl'].includes(values.format)) throw new UsageError(`--format is postman, insomnia or curl (got "${values.format}").`)
    const text = file === '-' ? await io.readStdin() : readText(file)
    const format = (values.format as 'postman' | 'insomnia' | 'curl' | undefined) ?? (/^\s*curl(\.exe)?\s/i.test(text) ? 'curl' : /"__export_format"\s*:\s*4/.test(text) ? 'insomnia' : 'postman')
    const result = await importCollection(await ctx.services(), format, text, resolve(values.to))
    io.stdout(`Imported "${result.name}" into ${result.dir}: ${result.requests} request${result.requests === 1 ? '' : 's'} in ${result.folders} folder${result.folders === 1 ? '' : 's'}.\n`)
    for (const w of result.warnings) io.stderr(`warning: ${w}\n`)
    return 0
  }
  const dir = one(positionals, 'collection export DIR --format postman [-o FILE]')
  if ((values.format ?? 'postman') !== 'postman') throw new UsageError(`--format postman is the only export format (got "${values.format}").`)
  if (values.to) throw new UsageError('--to is for import; export writes to -o FILE or standard output.')
  const exported = await exportCollection(await ctx.services(), resolve(dir)).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'not_found') throw new AppError('not_found', `${dir} is not a folder: give the collection's folder.`)
    throw error
  })
  for (const w of exported.warnings) io.stderr(`warning: ${w}\n`)
  if (!values.output) {
    io.stdout(exported.text)
    return 0
  }
  await writeOutput(values.output, exported.text, false)
  io.stderr(`Wrote ${values.output} (Postman collection v2.1).\n`)
  return 0
}
