/**
 * The README's CLI examples, run as written: every ```bash block that calls orgbench, line by line, against
 * `orgbench sandbox` (this CLI, in this process, with a person at the browser for interactive sign-ins).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../testing/tempDir'
import { cli, personAtBrowser } from './testkit'

const tempDir = useTempDir()

interface ExampleCommand {
  line: string
  args: string[]
  stdin: string
  /** From a trailing comment that says "exit N"; 0 otherwise. */
  exitCode: number
}

/**
 * The part of POSIX shell the examples may use: words, '…' and "…" quoting, backslash escapes, a trailing comment,
 * and `echo … | orgbench …`. Anything that would expand or redirect ($, `, globs, ;, &, >, <, …) is refused, so an
 * example cannot depend on something this runner does not do.
 */
export function parseExample(line: string): ExampleCommand {
  const words: string[][] = [[]]
  let word: string | null = null
  let comment = ''
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (c === "'") {
      const end = line.indexOf("'", i + 1)
      if (end < 0) throw new Error(`Unterminated ' in: ${line}`)
      word = (word ?? '') + line.slice(i + 1, end)
      i = end
    } else if (c === '"') {
      let text = ''
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) text += line[++i]
        else if ('$`!'.includes(line[i]!)) throw new Error(`Expansion inside "…" in: ${line}`)
        else text += line[i]
      }
      if (i >= line.length) throw new Error(`Unterminated " in: ${line}`)
      word = (word ?? '') + text
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '')
    } else if (c === ' ' || c === '\t') {
      if (word !== null) words.at(-1)!.push(word)
      word = null
    } else if (c === '#' && word === null) {
      comment = line.slice(i + 1)
      break
    } else if (c === '|' && word === null && line[i + 1] === ' ') {
      words.push([])
    } else if ('$`;&<>()*?[]{}|!~'.includes(c)) {
      throw new Error(`Unquoted "${c}" (the shell would interpret it) in: ${line}`)
    } else word = (word ?? '') + c
  }
  if (word !== null) words.at(-1)!.push(word)
  const exitCode = Number(/\bexit (\d+)/.exec(comment)?.[1] ?? 0)
  if (words.length === 1 && words[0]![0] === 'orgbench') return { line, args: words[0]!.slice(1), stdin: '', exitCode }
  if (words.length === 2 && words[0]![0] === 'echo' && words[1]![0] === 'orgbench') return { line, args: words[1]!.slice(1), stdin: words[0]!.slice(1).join(' ') + '\n', exitCode }
  throw new Error(`Not an orgbench command this runner knows: ${line}`)
}

/** The ```bash blocks of the README that call orgbench. */
function readmeExamples(): { section: string; commands: ExampleCommand[] }[] {
  const readme = readFileSync('README.md', 'utf8')
  return [...readme.matchAll(/```bash\n([\s\S]*?)```/g)]
    .map((m) => ({ section: [...readme.slice(0, m.index).matchAll(/^## (.+)$/gm)].at(-1)?.[1] ?? '', lines: m[1]!.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')) }))
    .filter(({ lines }) => lines.some((l) => /^(orgbench |echo .*\| orgbench )/.test(l)))
    .map(({ section, lines }) => ({ section, commands: lines.map(parseExample) }))
}

describe('the README CLI examples', () => {
  it('the runner reads the shell the examples use, and refuses what it cannot run', () => {
    expect(parseExample(`orgbench request --env "Contoso dev" GET '{{webApiUrl}}/a?$top=3' -H 'A: b' -d '{"x":1}'   # 404: exit 1`)).toMatchObject({
      args: ['request', '--env', 'Contoso dev', 'GET', '{{webApiUrl}}/a?$top=3', '-H', 'A: b', '-d', '{"x":1}'],
      exitCode: 1
    })
    expect(parseExample(`echo 'a b'  c | orgbench token --client-secret-stdin`)).toMatchObject({ args: ['token', '--client-secret-stdin'], stdin: 'a b c\n', exitCode: 0 })
    for (const bad of ['echo "$SECRET" | orgbench token', 'orgbench request GET {{webApiUrl}}/x', 'orgbench env list > out.txt', 'orgbench env list | jq .', 'curl http://x', 'orgbench env list; orgbench env list', 'echo $(pwd)'])
      expect(() => parseExample(bad), bad).toThrow()
  })

  const examples = readmeExamples()
  it('finds the examples (the Sandbox block and the CLI block)', () => {
    expect(examples.map((e) => e.section)).toEqual(expect.arrayContaining(['The Sandbox org', 'The CLI']))
    expect(examples.flatMap((e) => e.commands.map((c) => c.args[0]))).toEqual(expect.arrayContaining(['env', 'request', 'token', 'login', 'logout']))
  })

  it.each(examples.map((e, i) => [`${i + 1} (in "${e.section}")`, e] as const))('runs block %s against orgbench sandbox', async (_name, example) => {
    const dataDir = tempDir()
    const env = { ORGBENCH_DATA_DIR: dataDir }
    const cwd = process.cwd()
    process.chdir(tempDir())
    const results: string[] = []
    try {
      const sandbox = await cli(['sandbox'], '', (output) => ({
        env,
        untilStopped: async () => {
          const ready = JSON.parse(output().stdout) as { user: string; password: string }
          const person = personAtBrowser(ready.user, ready.password)
          for (const command of example.commands) {
            const r = await cli(command.args, command.stdin, { env, openBrowser: person.open })
            results.push(`${r.code === command.exitCode ? 'ok' : `FAILED (exit ${r.code}, expected ${command.exitCode})`}: ${command.line}\n${r.stderr}`)
          }
        }
      }))
      expect(sandbox.code, sandbox.stderr).toBe(0)
      expect(results.filter((r) => !r.startsWith('ok')), results.join('\n')).toEqual([])
      expect(results).toHaveLength(example.commands.length)
    } finally {
      process.chdir(cwd)
    }
  })
})
