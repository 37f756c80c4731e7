import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { readAllFiles, useTempDir } from '../testing/tempDir'
import { browserRobot } from '../testing/sandbox'
import { runCli } from './index'
import { cli, sandboxEnvironment } from './testkit'

const tempDir = useTempDir()
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/

describe('orgbench token, login, logout', () => {
  it('client credentials from the profile and with overrides, errors with the fix, secrets never echoed or stored', async () => {
    const { dir, sb, environments, environment } = await sandboxEnvironment(tempDir())
    try {
      await environments.update(environment.id, { ...environment, auth: { grant: 'client_credentials', clientId: sb.info.clients.secret, credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } } })

      const token = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox'])
      expect(token.code).toBe(0)
      expect(token.stdout.trim()).toMatch(JWT)
      const again = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--json'])
      expect(JSON.parse(again.stdout)).toMatchObject({ accessToken: token.stdout.trim(), tokenType: 'Bearer', grant: 'client_credentials', expiresOn: expect.any(String) })

      const who = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI'])
      expect(who.code).toBe(0)
      expect(JSON.parse(who.stdout)).toHaveProperty('UserId')
      expect((await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', '--no-auth', 'GET', '{{webApiUrl}}/WhoAmI'])).code).toBe(1)

      const secretRun = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--client-id', sb.info.clients.secret, '--client-secret-stdin'], '', { readSecret: async () => sb.info.clientSecret })
      expect(secretRun.code, secretRun.stderr).toBe(0)
      expect(secretRun.stderr).not.toContain(sb.info.clientSecret)

      const wrong = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--client-secret-stdin'], '', { readSecret: async () => 'wrong-secret' })
      expect(wrong.code).toBe(2)
      expect(wrong.stderr).toContain('AADSTS7000215')
      expect(wrong.stderr).toContain('Fix (AADSTS7000215)')
      expect(wrong.stderr).not.toContain('wrong-secret')
      expect(await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--client-secret-stdin'], '', { readSecret: async () => '  ' })).toMatchObject({ code: 2, stderr: expect.stringContaining('read an empty secret') })

      const cert = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--client-id', sb.info.clients.certificate, '--certificate', sb.info.certificateFile, '--key', sb.info.privateKeyFile])
      expect(cert.code, cert.stderr).toBe(0)
      expect(await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--certificate', sb.info.privateKeyFile])).toMatchObject({ code: 2, stderr: expect.stringContaining('holds no PEM certificate') })

      expect(await cli(['--data-dir', dir, 'logout', '--env', 'Sandbox'])).toMatchObject({ code: 0, stderr: expect.stringContaining('Signed out') })
      expect(await cli(['--data-dir', dir, 'logout', '--env', 'Sandbox'])).toMatchObject({ code: 0, stderr: expect.stringContaining('had no tokens') })
      for (const { file, text } of readAllFiles(dir)) expect(text, file).not.toContain(sb.info.clientSecret)
      expect(await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--grant', 'magic'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--grant takes one of') })
      expect(await cli(['--data-dir', dir, 'token'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: orgbench token --env NAME') })
    } finally {
      await sb.stop()
    }
  })

  it('token signs in when an interactive grant has no token (the browser opens once), then answers from the cache', async () => {
    const { dir, sb } = await sandboxEnvironment(tempDir())
    try {
      const robot = browserRobot(sb)
      const first = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox'], '', { openBrowser: robot.open })
      expect(first.code, first.stderr).toBe(0)
      expect(first.stdout.trim()).toMatch(JWT)
      expect(first.stderr).toContain('Sign in in your browser. If none opened, open:')
      expect(robot.visits).toHaveLength(1)
      const second = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--json'], '', { openBrowser: robot.open })
      expect(JSON.parse(second.stdout)).toMatchObject({ accessToken: first.stdout.trim(), grant: 'authorization_code', account: { username: sb.info.user } })
      expect(robot.visits).toHaveLength(1)
      const refreshed = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--force-refresh', '--non-interactive'], '', { openBrowser: robot.open })
      expect(refreshed.code, refreshed.stderr).toBe(0)
      expect(refreshed.stdout.trim()).not.toBe(first.stdout.trim())
      expect(robot.visits).toHaveLength(1)
    } finally {
      await sb.stop()
    }
  })

  it('token --non-interactive never asks anyone: exit 2 with the command that signs in', async () => {
    const { dir, sb } = await sandboxEnvironment(tempDir())
    try {
      const robot = browserRobot(sb)
      const r = await cli(['token', '--env', 'Sandbox', '--non-interactive'], '', { openBrowser: robot.open, env: { ORGBENCH_DATA_DIR: dir } })
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain('Not signed in to "Sandbox" (authorization_code)')
      expect(r.stderr).toContain('\n  orgbench login --env Sandbox\n')
      expect(robot.visits).toEqual([])
      expect(await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--non-interactive', '--grant', 'device_code'])).toMatchObject({ code: 2, stderr: expect.stringContaining('the device_code grant needs a person') })
    } finally {
      await sb.stop()
    }
  })

  it('login opens the browser and keeps the tokens; login --grant signs in another way and keeps those', async () => {
    const { dir, sb } = await sandboxEnvironment(tempDir())
    try {
      const robot = browserRobot(sb)
      const login = await cli(['--data-dir', dir, 'login', '--env', 'Sandbox'], '', { openBrowser: robot.open })
      expect(login.code, login.stderr).toBe(0)
      expect(login.stderr).toContain(`Signed in to "Sandbox" as ${sb.info.user}`)
      expect(robot.visits).toHaveLength(1)
      expect((await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI'])).code).toBe(0)

      expect(await cli(['--data-dir', dir, 'logout', '--env', 'Sandbox'])).toMatchObject({ code: 0 })
      const other = await cli(['--data-dir', dir, 'login', '--env', 'Sandbox', '--grant', 'client_credentials', '--client-id', sb.info.clients.secret, '--client-secret-stdin'], '', { readSecret: async () => sb.info.clientSecret })
      expect(other).toMatchObject({ code: 0, stderr: expect.stringContaining('Signed in to "Sandbox" (client_credentials)') })
      expect((await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI'])).code).toBe(0)
      expect(robot.visits).toHaveLength(1)
    } finally {
      await sb.stop()
    }
  })

  it('token with overrides is for that call only: the environment\'s saved tokens are neither used nor replaced', async () => {
    const { dir, sb } = await sandboxEnvironment(tempDir())
    try {
      const robot = browserRobot(sb)
      expect((await cli(['--data-dir', dir, 'login', '--env', 'Sandbox'], '', { openBrowser: robot.open })).code).toBe(0)
      const saved = JSON.parse((await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--json'])).stdout) as { accessToken: string; grant: string }
      expect(saved.grant).toBe('authorization_code')

      const oneOff = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--json', '--grant', 'client_credentials', '--client-id', sb.info.clients.secret, '--client-secret-stdin'], '', { readSecret: async () => sb.info.clientSecret })
      expect(oneOff.code, oneOff.stderr).toBe(0)
      expect(JSON.parse(oneOff.stdout)).toMatchObject({ grant: 'client_credentials', account: null })
      expect(JSON.parse(oneOff.stdout).accessToken).not.toBe(saved.accessToken)

      expect(JSON.parse((await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--json'])).stdout)).toMatchObject({ accessToken: saved.accessToken, grant: 'authorization_code' })
      // Requests go on as the signed-in user, not as the application of the one-off token.
      const whoAmI = async (...extra: string[]) => JSON.parse((await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI', ...extra])).stdout).UserId as string
      expect(await whoAmI()).not.toBe(await whoAmI('-H', `Authorization: Bearer ${JSON.parse(oneOff.stdout).accessToken}`))
      expect(robot.visits).toHaveLength(1)
    } finally {
      await sb.stop()
    }
  })

  it('login --grant device_code prints the code and the page on stderr and waits until someone signs in there', async () => {
    const { dir, sb } = await sandboxEnvironment(tempDir(), { seedOverrides: { deviceCodeIntervalSeconds: 1 } })
    try {
      let stderr = ''
      let person: Promise<number> | null = null
      // Someone reads the code from the terminal, opens the page on another device, enters it and signs in.
      const enterCode = async (page: string, code: string): Promise<number> => {
        const form = (body: Record<string, string>) => ({ method: 'POST' as const, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() })
        const signInPage = await (await request(page, form({ user_code: code }))).body.text()
        const flow = /name="flow" value="([^"]+)"/.exec(signInPage)?.[1] ?? ''
        const action = /<form method="post" action="([^"]+)"/.exec(signInPage)?.[1]?.replace(/&amp;/g, '&') ?? ''
        const done = await request(new URL(action, page).href, form({ flow, username: sb.info.user, password: sb.info.password, consent: 'accept', action: 'accept' }))
        await done.body.text()
        return done.statusCode
      }
      const code = await runCli(['--data-dir', dir, 'login', '--env', 'Sandbox', '--grant', 'device_code'], {
        stdout: () => undefined,
        stderr: (t) => {
          stderr += t
          const page = /(http:\/\/\S+\/devicelogin)/.exec(stderr)?.[1]
          const userCode = /code ([A-Z0-9-]{6,})/.exec(stderr)?.[1]
          if (!person && page && userCode) person = enterCode(page, userCode)
        },
        readStdin: async () => '',
        env: {}
      })
      expect(code, stderr).toBe(0)
      expect(await person).toBe(200)
      expect(stderr).toContain(`Signed in to "Sandbox" as ${sb.info.user} (device_code)`)
      expect((await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI'])).code).toBe(0)
    } finally {
      await sb.stop()
    }
  })

  it('an environment without a sign-in profile says how to give it one', async () => {
    const { dir, sb, environments, environment } = await sandboxEnvironment(tempDir())
    try {
      await environments.update(environment.id, { ...environment, auth: { grant: 'none' } })
      for (const command of ['token', 'login']) {
        const r = await cli(['--data-dir', dir, command, '--env', 'Sandbox'])
        expect(r.code).toBe(2)
        expect(r.stderr).toContain('"Sandbox" has no sign-in profile')
        expect(r.stderr).toContain(`orgbench --data-dir ${dir} env export Sandbox -o env.json`)
        expect(r.stderr).not.toContain('Edit environment')
      }
    } finally {
      await sb.stop()
    }
  })
})
