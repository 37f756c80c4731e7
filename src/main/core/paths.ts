import { homedir } from 'node:os'
import { join } from 'node:path'

/** The same folder Electron's app.getPath('userData') gives OrgBench, so the CLI and the app share environments. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.ORGBENCH_DATA_DIR) return env.ORGBENCH_DATA_DIR
  if (platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'OrgBench')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'OrgBench')
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'OrgBench')
}
