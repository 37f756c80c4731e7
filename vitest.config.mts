import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

const alias = { '@shared': resolve('src/shared'), '@renderer': resolve('src/renderer/src') }

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    // Vitest's default is one worker less than the cores: one worker on a 2-core machine. Most unit tests wait on
    // sockets, timers and child processes rather than the CPU, so every core gets a worker.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          environment: 'node',
          include: ['src/main/**/*.test.ts', 'src/shared/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 15_000,
          // Files share a worker's module graph instead of loading it again for each (import time was a third of the run).
          // The tests keep no state in modules; they pass in any file order (checked with --sequence.shuffle.files).
          isolate: false
        }
      },
      {
        plugins: [vue()],
        resolve: { alias },
        test: {
          name: 'components',
          environment: 'happy-dom',
          include: ['src/renderer/**/*.test.ts'],
          // One happy-dom window per worker, not per file (its set-up was 90% of this project's time). Each test
          // that uses a store makes its own Pinia.
          isolate: false
        }
      }
    ]
  }
})
