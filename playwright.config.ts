import { existsSync } from 'node:fs'
import { defineConfig } from '@playwright/test'

const chromium = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined)

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/e2e',
  fullyParallel: true,
  workers: process.env.CI ? 2 : 2,
  // Sign-in and results specs run 20–35 s on a loaded 2-core machine (two workers, each with Chromium): a wider limit keeps a slow moment from failing them.
  timeout: 60_000,
  expect: { timeout: 7_000 },
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    viewport: { width: 1360, height: 840 },
    launchOptions: {
      ...(chromium ? { executablePath: chromium } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic']
    },
    // A trace is recorded for every test and kept for failures. Its screencast (a screenshot after every action) cost a
    // quarter of the suite's time on a 2-core machine; DOM snapshots, the actions, console and network stay, and a failed
    // test ends with one screenshot.
    trace: { mode: 'retain-on-failure', screenshots: false },
    screenshot: 'only-on-failure'
  }
})
