import { AppError } from '../../shared/errors'
import { shellWord } from './args'
import type { CommandContext } from './context'

/** Grants that need a person at a browser or another device. */
export const INTERACTIVE_GRANTS: readonly string[] = ['authorization_code', 'implicit', 'device_code', 'preapproved']

export function isSignInRequired(error: unknown): error is AppError {
  return error instanceof AppError && error.code === 'sign_in_required'
}

/** Core's "sign in" names the app's button; the CLI names the command to run. */
export function notSignedIn(ctx: CommandContext, env: { name: string; auth: { grant: string } }): AppError {
  return new AppError('sign_in_required', `Not signed in to "${env.name}" (${env.auth.grant}), or its token can no longer be refreshed. Sign in with:\n  ${ctx.self} login --env ${shellWord(env.name)}`)
}

export function noProfile(ctx: CommandContext, name: string): AppError {
  return new AppError(
    'sign_in_required',
    `"${name}" has no sign-in profile. Give it one in the app, or in its file (${ctx.self} env export ${shellWord(name)} -o env.json, set "auth", ${ctx.self} env import env.json), or pass --grant and its options.`
  )
}

/** How a failure reads on stderr: the reason, and for AADSTS errors the fix. Anything unexpected keeps its stack. */
export function describeFailure(error: unknown): string {
  if (error instanceof AppError) {
    const explanation = (error.detail as { explanation?: { fix: string; code: string } } | undefined)?.explanation
    return `orgbench: ${error.message}\n${explanation ? `Fix (${explanation.code}): ${explanation.fix}\n` : ''}`
  }
  return `orgbench: ${(error as Error)?.stack ?? String(error)}\n`
}
