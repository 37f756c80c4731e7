import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { AppInfo } from '@shared/contract'
import type { Settings, SettingsPatch } from '@shared/settings'
import { useApi } from '../api/inject'

export const useSettingsStore = defineStore('settings', () => {
  const api = useApi()
  const settings = ref<Settings | null>(null)
  const info = ref<AppInfo | null>(null)
  const systemDark = ref(typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches)
  if (typeof matchMedia === 'function') {
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (e) => (systemDark.value = e.matches))
  }

  const dark = computed(() => {
    const theme = settings.value?.theme ?? 'system'
    return theme === 'dark' || (theme === 'system' && systemDark.value)
  })

  async function load(): Promise<void> {
    const [s, i] = await Promise.all([api.call('settings.get', {}), api.call('app.info', {})])
    settings.value = s
    info.value = i
  }

  async function update(patch: SettingsPatch): Promise<void> {
    settings.value = await api.call('settings.update', patch)
  }

  return { settings, info, dark, load, update }
})
