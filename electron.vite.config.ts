import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

/** The dev server's hot reload needs a websocket; the built app keeps `connect-src 'none'`. */
function devCsp(): Plugin {
  return {
    name: 'orgbench-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html: string) => html.replace("connect-src 'none'", "connect-src 'self' ws://localhost:*")
  }
}

const shared = { '@shared': resolve('src/shared') }

/**
 * undici's HTTP/2 client loads node:http2 as soon as undici is loaded, in every process, though OrgBench never speaks
 * HTTP/2: its connector offers only http/1.1 in ALPN (core/http/agents.ts), so no server can pick h2. undici already
 * runs without node:http2 where a platform lacks it; the main bundle takes that path (~5 ms of each CLI command).
 */
function undiciWithoutHttp2(): Plugin {
  const loadsHttp2 = "http2 = require('node:http2')"
  return {
    name: 'orgbench-undici-without-http2',
    transform(code: string, id: string) {
      if (!/undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/.test(id)) return null
      if (!code.includes(loadsHttp2)) this.error(`undici's client-h2.js no longer loads node:http2 as \`${loadsHttp2}\`: review this plugin.`)
      return code.replace(loadsHttp2, "throw new Error('OrgBench speaks HTTP/1.1 only')")
    }
  }
}

export default defineConfig({
  main: {
    resolve: { alias: shared },
    plugins: [undiciWithoutHttp2()],
    build: {
      // jose is ESM-only: bundle it into the CommonJS main build instead of require()-ing it. zod is bundled too:
      // required, it loads 95 files (its 60 locales among them) on every CLI command that touches the core. undici's
      // Agent is bundled for the same reason: two dozen files, a third of its load time spent finding and reading them.
      externalizeDeps: { exclude: ['jose', 'zod', 'undici'] },
      rollupOptions: {
        // The CLI's commands are dynamic imports: each its own chunk, loaded only when that command runs.
        input: { index: resolve('src/main/index.ts'), cli: resolve('src/main/cli/index.ts') }
      }
    }
  },
  preload: {
    resolve: { alias: shared },
    build: {
      // A sandboxed preload cannot require() anything but electron: one CommonJS file.
      externalizeDeps: false,
      rolldownOptions: { output: { format: 'cjs', codeSplitting: false } }
    }
  },
  renderer: {
    resolve: { alias: { ...shared, '@renderer': resolve('src/renderer/src') } },
    plugins: [vue(), devCsp()],
    build: { chunkSizeWarningLimit: 2500 }
  }
})
