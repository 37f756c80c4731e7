#!/usr/bin/env node
// `npm test`: build, typecheck, lint, unit + component tests, e2e; then one summary line.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

const steps = []
const bin = (name) => `node_modules/.bin/${name}`

function run(name, command, args, env = {}) {
  const started = Date.now()
  process.stdout.write(`\n── ${name} ──\n`)
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  const ok = result.status === 0
  steps.push({ name, ok, seconds: ((Date.now() - started) / 1000).toFixed(1) })
  return ok
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

mkdirSync('test-results', { recursive: true })
for (const f of ['test-results/vitest.json', 'test-results/playwright.json']) rmSync(f, { force: true })

const built = run('build', bin('electron-vite'), ['build'])
run('typecheck (main, preload, shared)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit'])
run('typecheck (e2e)', bin('tsc'), ['-p', 'tsconfig.e2e.json', '--noEmit'])
run('typecheck (renderer)', bin('vue-tsc'), ['-p', 'tsconfig.web.json', '--noEmit'])
run('lint', bin('eslint'), ['--max-warnings', '0', '.'])
run('unit + components', bin('vitest'), ['run'])
if (built) {
  // The Electron smoke test needs a display where an Electron binary exists; Chromium runs headless either way.
  const wrap = process.platform === 'linux' && !process.env.DISPLAY && existsSync('/usr/bin/xvfb-run')
  if (wrap) run('e2e', '/usr/bin/xvfb-run', ['-a', bin('playwright'), 'test'])
  else run('e2e', bin('playwright'), ['test'])
}

const vitest = readJson('test-results/vitest.json')
const playwright = readJson('test-results/playwright.json')
let passed = 0
let failed = 0
let skipped = 0
if (vitest) {
  passed += vitest.numPassedTests ?? 0
  failed += vitest.numFailedTests ?? 0
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0)
}
if (playwright?.stats) {
  passed += (playwright.stats.expected ?? 0) + (playwright.stats.flaky ?? 0)
  failed += playwright.stats.unexpected ?? 0
  skipped += playwright.stats.skipped ?? 0
}
const failedSteps = steps.filter((s) => !s.ok)
// A step that failed without a test result (build, typecheck, lint) counts as one failure.
for (const s of failedSteps) if (!['unit + components', 'e2e'].includes(s.name)) failed += 1
if (!vitest) failed += 1
if (built && !playwright) failed += 1

process.stdout.write('\n── summary ──\n')
for (const s of steps) process.stdout.write(`${s.ok ? 'ok  ' : 'FAIL'}  ${s.name} (${s.seconds} s)\n`)
process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
process.exit(failedSteps.length || failed ? 1 : 0)
