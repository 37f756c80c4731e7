import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AuthExplanation, SignInProgress, TokenView } from '@shared/auth'
import { ApiError } from '../api/client'
import { useApi } from '../api/inject'

export interface SignInState {
  signInId: string
  environmentId: string
  progress: SignInProgress | null
  error: { message: string; explanation: AuthExplanation | null } | null
  done: boolean
}

let counter = 0

export const useAuthStore = defineStore('auth', () => {
  const api = useApi()
  const tokens = ref<Record<string, TokenView | null>>({})
  const signIn = ref<SignInState | null>(null)
  const now = ref(Date.now() / 1000)
  setInterval(() => (now.value = Date.now() / 1000), 1000)

  async function load(environmentId: string): Promise<void> {
    tokens.value = { ...tokens.value, [environmentId]: (await api.call('auth.status', { environmentId })).token }
  }

  async function start(environmentId: string): Promise<void> {
    const signInId = `signin-${Date.now().toString(36)}-${++counter}`
    signIn.value = { signInId, environmentId, progress: null, error: null, done: false }
    try {
      const token = await api.call('auth.signIn', { environmentId, signInId })
      tokens.value = { ...tokens.value, [environmentId]: token }
      if (signIn.value?.signInId === signInId) signIn.value = { ...signIn.value, done: true }
    } catch (error) {
      if (signIn.value?.signInId !== signInId) return
      const e = error instanceof ApiError ? error : null
      if (e?.code === 'cancelled') {
        signIn.value = null
        return
      }
      const explanation = ((e?.detail as { explanation?: AuthExplanation } | undefined)?.explanation ?? null) as AuthExplanation | null
      signIn.value = { ...signIn.value, error: { message: (error as Error).message, explanation } }
    }
  }

  async function cancel(): Promise<void> {
    const current = signIn.value
    if (!current) return
    if (!current.done && !current.error) await api.call('auth.cancel', { signInId: current.signInId })
    signIn.value = null
  }

  function dismiss(): void {
    signIn.value = null
  }

  async function signOut(environmentId: string): Promise<void> {
    await api.call('auth.signOut', { environmentId })
    tokens.value = { ...tokens.value, [environmentId]: null }
  }

  async function rawToken(environmentId: string): Promise<string> {
    return (await api.call('auth.accessToken', { environmentId })).accessToken
  }

  api.on('auth.progress', (progress) => {
    if (signIn.value && signIn.value.signInId === progress.signInId) signIn.value = { ...signIn.value, progress }
  })
  api.on('auth.changed', ({ environmentId }) => void load(environmentId))

  return { tokens, signIn, now, load, start, cancel, dismiss, signOut, rawToken }
})
