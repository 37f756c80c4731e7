import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { SchemaView, type SchemaInfo } from '@shared/schema'
import { ApiError } from '../api/client'
import { useApi } from '../api/inject'

export interface SchemaState {
  status: 'loading' | 'ready' | 'error'
  info: SchemaInfo | null
  error: { code: string; message: string } | null
}

/**
 * The org's schema per environment, fetched once (from main's disk cache when there is one) and kept
 * as a SchemaView outside Vue's reactivity (a large org's index is thousands of objects: only the
 * view's identity is reactive).
 */
export const useSchemaStore = defineStore('schema', () => {
  const api = useApi()
  const states = ref<Record<string, SchemaState>>({})
  const views = shallowRef<Record<string, SchemaView>>({})
  const inFlight = new Map<string, Promise<void>>()

  /**
   * `refresh` (the user asked): download again, signing in if the grant needs no one. Otherwise the cache answers,
   * and an environment with no token is left alone (no sign-in, no request) until the user signs in.
   */
  function load(environmentId: string, refresh = false): Promise<void> {
    const running = inFlight.get(environmentId)
    if (running && !refresh) return running
    const previous = states.value[environmentId]
    states.value = { ...states.value, [environmentId]: { status: 'loading', info: previous?.info ?? null, error: null } }
    const work = (async () => {
      try {
        const { info, schema } = await api.call('schema.get', { environmentId, refresh, signIn: refresh })
        views.value = { ...views.value, [environmentId]: new SchemaView(schema) }
        states.value = { ...states.value, [environmentId]: { status: 'ready', info, error: null } }
      } catch (error) {
        const e = error instanceof ApiError ? { code: error.code, message: error.message } : { code: 'internal', message: String(error) }
        states.value = { ...states.value, [environmentId]: { status: 'error', info: previous?.info ?? null, error: e } }
      } finally {
        inFlight.delete(environmentId)
      }
    })()
    inFlight.set(environmentId, work)
    return work
  }

  /** Load only when nothing is known yet (switching environments, first send). */
  function ensure(environmentId: string): Promise<void> {
    const state = states.value[environmentId]
    if (state?.status === 'ready' || state?.status === 'loading') return inFlight.get(environmentId) ?? Promise.resolve()
    return load(environmentId)
  }

  function view(environmentId: string | null): SchemaView | null {
    return environmentId ? (views.value[environmentId] ?? null) : null
  }

  api.on('schema.changed', ({ environmentId }) => void load(environmentId))

  return { states, views, load, ensure, view }
})
