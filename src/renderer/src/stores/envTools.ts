import { defineStore } from 'pinia'
import { ref } from 'vue'

/** Which environment the Discover orgs and Auth doctor dialogs are open for (from the sidebar, the editor or the palette). */
export const useEnvToolsStore = defineStore('envTools', () => {
  const discoveryFor = ref<string | null>(null)
  const doctorFor = ref<string | null>(null)
  return {
    discoveryFor,
    doctorFor,
    discover: (environmentId: string) => void (discoveryFor.value = environmentId),
    diagnose: (environmentId: string) => void (doctorFor.value = environmentId)
  }
})
