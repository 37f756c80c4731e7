import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { EnvironmentInput, EnvironmentView, StoreProblem } from '@shared/environment'
import { useApi } from '../api/inject'
import { SORTS, type EnvironmentSort } from '../components/env/groupModel'

const SORT_KEY = 'orgbench.environments.sort'

export const useEnvironmentsStore = defineStore('environments', () => {
  const api = useApi()
  const environments = ref<EnvironmentView[]>([])
  const activeId = ref<string | null>(null)
  const problems = ref<StoreProblem[]>([])
  const loaded = ref(false)
  /** How the sidebar orders environments (kept between sessions, like the traffic layout). */
  const sort = ref<EnvironmentSort>((Object.keys(SORTS) as EnvironmentSort[]).find((k) => k === localStorage.getItem(SORT_KEY)) ?? 'name')
  /** Customers folded in the sidebar, by group key. */
  const collapsed = ref(new Set<string>())

  const active = computed(() => environments.value.find((e) => e.id === activeId.value) ?? null)

  async function load(): Promise<void> {
    const list = await api.call('env.list', {})
    environments.value = list.environments
    activeId.value = list.activeId
    problems.value = list.problems
    loaded.value = true
  }

  async function create(input: EnvironmentInput): Promise<EnvironmentView> {
    const env = await api.call('env.create', input)
    await load()
    return env
  }

  async function update(id: string, input: EnvironmentInput): Promise<EnvironmentView> {
    const env = await api.call('env.update', { id, environment: input })
    await load()
    return env
  }

  async function duplicate(id: string): Promise<EnvironmentView> {
    const env = await api.call('env.duplicate', { id })
    await load()
    return env
  }

  async function remove(id: string): Promise<void> {
    await api.call('env.delete', { id })
    await load()
  }

  async function setActive(id: string | null): Promise<void> {
    const result = await api.call('env.setActive', { id })
    activeId.value = result.activeId
  }

  function setSort(value: EnvironmentSort): void {
    sort.value = value
    localStorage.setItem(SORT_KEY, value)
  }

  function toggleGroup(key: string): void {
    const next = new Set(collapsed.value)
    if (!next.delete(key)) next.add(key)
    collapsed.value = next
  }

  async function revealSecret(id: string, variable: string): Promise<string> {
    return (await api.call('env.revealSecret', { id, variable })).value
  }

  async function dismissProblem(file: string): Promise<void> {
    problems.value = (await api.call('env.dismissProblem', { file })).problems
  }

  api.on('env.changed', () => void load())

  return { environments, activeId, active, problems, loaded, sort, collapsed, setSort, toggleGroup, load, create, update, duplicate, remove, setActive, revealSecret, dismissProblem }
})
