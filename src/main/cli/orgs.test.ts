import { describe, expect, it } from 'vitest'
import { useTempDir } from '../testing/tempDir'
import { cli, sandboxEnvironment } from './testkit'

const tempDir = useTempDir()

describe('orgbench orgs and orgbench doctor', () => {
  it('lists the Sandbox tenant\'s orgs with a user\'s profile, creates the unknown one, and the doctor checks both', async () => {
    const { dir, sb, environments, environment } = await sandboxEnvironment(tempDir())
    try {
      await environments.update(environment.id, { ...environment, auth: { grant: 'password', clientId: sb.info.clients.public, username: sb.info.user, password: { isSet: true, value: sb.info.password } } })
      const production = sb.info.orgs.find((o) => o.key === 'production')!

      const list = await cli(['--data-dir', dir, 'orgs', '--env', 'Sandbox'])
      expect(list.code, list.stderr).toBe(0)
      expect(list.stdout).toContain(`2 orgs for ${sb.info.user}`)
      expect(list.stdout).toMatch(new RegExp(`${production.friendlyName}\\s+${production.uniqueName}\\s+${production.orgUrl.replace(/[.]/g, '\\.')}`))
      expect(list.stdout).toMatch(/OrgBench Sandbox\s+org\w+\s+\S+\s+9\.2\.\S+\s+NA\s+enabled\s+Sandbox/)
      const json = JSON.parse((await cli(['--data-dir', dir, 'orgs', '--env', 'Sandbox', '--json'])).stdout)
      expect(json.orgs).toHaveLength(2)

      const created = await cli(['--data-dir', dir, 'orgs', '--env', 'Sandbox', '--create', '--group', 'Sandbox tenant'])
      expect(created.code, created.stderr).toBe(0)
      expect(created.stdout).toContain(`Created "${production.friendlyName}" → ${production.orgUrl} (group Sandbox tenant)`)
      expect((await cli(['--data-dir', dir, 'orgs', '--env', 'Sandbox', '--create'])).stdout).toContain('nothing to create')

      const healthy = await cli(['--data-dir', dir, 'doctor', '--env', production.friendlyName])
      expect(healthy.code, healthy.stdout).toBe(0)
      expect(healthy.stdout).toContain('✓ 5. WhoAmI')
      expect(healthy.stdout).toContain('Every check passed.')

      await environments.update(environment.id, { ...environment, auth: { grant: 'password', clientId: sb.info.clients.public, username: sb.info.userNotInOrg, password: { isSet: true, value: sb.info.password } } })
      const sick = await cli(['--data-dir', dir, 'doctor', '--env', 'Sandbox'])
      expect(sick.code).toBe(2)
      expect(sick.stdout).toContain('✗ 5. WhoAmI')
      expect(sick.stdout).toContain('Fix: Add the user to the environment')
      const report = JSON.parse((await cli(['--data-dir', dir, 'doctor', '--env', 'Sandbox', '--json'])).stdout)
      expect(report).toMatchObject({ healthy: false, checks: expect.arrayContaining([expect.objectContaining({ id: 'whoami', status: 'failed' })]) })
    } finally {
      await sb.stop()
    }
  })

  it('says how to call them right', async () => {
    const dir = tempDir()
    expect(await cli(['--data-dir', dir, 'orgs'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--env NAME') })
    expect(await cli(['--data-dir', dir, 'orgs', '--cloud', 'moon', '--client-id', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('public, gcc, gcchigh, dod, china') })
    expect(await cli(['--data-dir', dir, 'orgs', '--cloud', 'public'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--client-id') })
    expect(await cli(['--data-dir', dir, 'orgs', '--env', 'x', '--group', 'g'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--create') })
    expect(await cli(['--data-dir', dir, 'doctor'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Which environment?') })
    expect(await cli(['--data-dir', dir, 'doctor', '--env', 'Nope'])).toMatchObject({ code: 2 })
    expect((await cli(['orgs', '--help'])).stdout).toContain('Global Discovery')
    expect((await cli(['doctor', '--help'])).stdout).toContain('0x80072560')
  })
})
