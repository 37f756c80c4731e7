/**
 * The collection features as the router and the CLI use them, over the services: import and export, curl, code
 * generation with the environment's variables and token. Kept here so that services.ts stays a hub of wiring.
 */
import { basename } from 'node:path'
import type { CodeTarget, GeneratedCode, ImportResult, SavedRequest } from '../../../shared/collections'
import { SavedRequest as SavedRequestSchema } from '../../../shared/collections'
import { GRANTS } from '../../../shared/environment'
import { substituteVariables } from '../../../shared/variables'
import { AppError } from '../../../shared/errors'
import { SchemaView } from '../../../shared/schema'
import type { Services } from '../services'
import { generateCode } from './codegen'
import type { CodeContext } from './codegen/model'
import { shellQuoteForHint } from './hints'
import { parseCurl } from './transfer/curlParse'
import { countItems, readPlain, writePlain, type PlainCollection } from './transfer/model'
import { importInsomnia } from './transfer/insomnia'
import { exportPostman, importPostman } from './transfer/postman'

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new AppError('invalid_json', `${what} is not valid JSON: ${(error as Error).message}`)
  }
}

export function plainFrom(format: 'postman' | 'insomnia' | 'curl', text: string, name?: string): PlainCollection {
  if (format === 'postman') return importPostman(parseJson(text, 'The Postman collection'))
  if (format === 'insomnia') return importInsomnia(parseJson(text, 'The Insomnia export'))
  const { request, warnings } = parseCurl(text)
  return { name: name || request.name, variables: [], items: [{ kind: 'request', request }], warnings }
}

/** Imports a file's text into a new or empty folder, opened as a collection afterwards. */
export async function importCollection(s: Services, format: 'postman' | 'insomnia' | 'curl', text: string, dir: string): Promise<ImportResult> {
  const plain = plainFrom(format, text, basename(dir))
  const c = await s.collections.get(dir).catch(async (error: unknown) => {
    if (error instanceof AppError && error.code === 'not_found') {
      await import('node:fs').then((fs) => fs.promises.mkdir(dir, { recursive: true }))
      return s.collections.get(dir)
    }
    throw error
  })
  await writePlain(c, plain)
  const tree = await s.collections.openDir(c.dir)
  return { dir: c.dir, name: tree.name, ...countItems(plain.items), warnings: plain.warnings }
}

export async function exportCollection(s: Services, dir: string): Promise<{ text: string; fileName: string; warnings: string[] }> {
  const c = await s.collections.get(dir)
  const plain = await readPlain(c)
  const { json, warnings } = exportPostman(plain)
  return { text: JSON.stringify(json, null, 2) + '\n', fileName: `${plain.name.replace(/[\\/:*?"<>|]/g, '-')}.postman_collection.json`, warnings: [...plain.warnings, ...warnings] }
}

/** How the environment's grant gets a token, as comment lines over generated code. */
async function tokenHow(s: Services, environmentId: string): Promise<string[]> {
  const env = await s.environments.getStored(environmentId)
  const grant = GRANTS[env.auth.grant].label
  return [
    `TOKEN: an access token for ${env.orgUrl}, from the environment's sign-in (${grant}):`,
    `  TOKEN=$(orgbench token --env ${shellQuoteForHint(env.name)} --non-interactive)`
  ]
}

export async function codeFor(
  s: Services,
  input: { request: SavedRequest; target: CodeTarget; environmentId: string | null; collectionDir?: string | undefined; inlineSecrets: boolean }
): Promise<GeneratedCode> {
  const request = SavedRequestSchema.parse(input.request)
  const target = await s.target(input.environmentId, input.collectionDir ?? null)
  const secrets = new Set<string>()
  let token: CodeContext['token'] = null
  let schema: SchemaView | null = null
  let attachToken = false
  if (input.environmentId) {
    const view = await s.environments.get(input.environmentId)
    for (const v of view.variables) if (v.secret) secrets.add(v.key)
    const stored = await s.environments.getStored(input.environmentId)
    attachToken = request.auth.mode === 'inherit' && stored.auth.grant !== 'none'
    if (attachToken) {
      let value: string | null = null
      if (input.inlineSecrets) value = await s.auth.accessToken(input.environmentId).catch(() => null)
      token = { how: await tokenHow(s, input.environmentId), value }
    }
    if (input.target === 'xrm') schema = await s.schema.get(input.environmentId).then((r) => new SchemaView(r.schema)).catch(() => null)
  }
  const ctx: CodeContext = { variables: target.variables, secrets, inlineSecrets: input.inlineSecrets, token, environmentName: target.environmentName, caCertificatePem: target.caCertificatePem }
  // The token belongs to the org's API only, as when OrgBench sends it.
  const org = input.environmentId ? (await s.environments.getStored(input.environmentId)).orgUrl : null
  const toOrg = org !== null && (() => {
    try {
      const u = new URL(substituteVariables(request.url, target.variables).text.trim())
      return u.origin === new URL(org).origin && /^\/(api|XRMServices)\//i.test(u.pathname)
    } catch {
      return false
    }
  })()
  return generateCode(input.target, request, ctx, { attachToken: attachToken && toOrg, schema })
}

export { parseCurl }
