import type { SandboxPort } from '../core/services'
import type { EnvironmentStore } from '../core/store/environments'
import type { SettingsStore } from '../core/store/settings'
import { ensureSandboxEnvironment } from './environment'
import { SandboxServer, type SandboxOptions } from './server'

export { SandboxServer, ensureSandboxEnvironment }

/** The port the app asks for first, so the Sandbox's org URL (and signed-in tokens) stay the same across restarts. */
export const PREFERRED_SANDBOX_PORT = 44311

/** Start the Sandbox and make sure its environment exists; the port the Services use to describe it. */
export async function startSandboxFor(stores: { environments: EnvironmentStore; settings: SettingsStore }, options: SandboxOptions): Promise<{ server: SandboxServer; port: SandboxPort }> {
  const server = new SandboxServer(options)
  const info = await server.start()
  await ensureSandboxEnvironment(stores.environments, stores.settings, info)
  return { server, port: { info: () => server.running, reset: () => server.reset(), setLimits: (limits) => server.setLimits(limits) } }
}
