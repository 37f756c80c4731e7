import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { SandboxInfo } from '@shared/sandbox'
import { useApi } from '../api/inject'

export const useSandboxStore = defineStore('sandbox', () => {
  const api = useApi()
  const info = ref<SandboxInfo | null>(null)
  const environmentId = ref<string | null>(null)

  async function load(): Promise<void> {
    const result = await api.call('sandbox.info', {})
    info.value = result.sandbox
    environmentId.value = result.environmentId
  }

  async function reset(): Promise<void> {
    await api.call('sandbox.reset', {})
  }

  api.on('env.changed', () => void load())

  return { info, environmentId, load, reset }
})
