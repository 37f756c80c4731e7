import { inject, type App, type InjectionKey } from 'vue'
import type { ApiClient } from './client'

export const apiKey: InjectionKey<ApiClient> = Symbol('orgbench-api')

export function provideApi(app: App, client: ApiClient): void {
  app.provide(apiKey, client)
}

/** Stores reach main only through this client, so a component test can hand them a fake. */
export function useApi(): ApiClient {
  const client = inject(apiKey)
  if (!client) throw new Error('useApi() called outside an app that provides the OrgBench client')
  return client
}
