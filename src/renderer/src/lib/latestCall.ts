import { ref, type Ref } from 'vue'
import { errorMessage } from '../api/client'

export interface LatestCall {
  /** True while a call runs. */
  busy: Ref<boolean>
  /** The last call's failure, in words; null after a success or a reset. */
  error: Ref<string | null>
  /** Calls for the current subject; does nothing when there is none. */
  run(): Promise<void>
  reset(): void
}

/**
 * A call made for what a dialog is open on (an environment, say): busy while it runs, its failure as a message, and
 * its answer dropped when it arrives after the dialog has moved on — closed, or opened on another subject.
 */
export function useLatestCall<K, T>(subject: () => K | null, call: (subject: K) => Promise<T>, answered: (value: T) => void | Promise<void>): LatestCall {
  const busy = ref(false)
  const error = ref<string | null>(null)
  async function run(): Promise<void> {
    const asked = subject()
    if (asked === null) return
    busy.value = true
    error.value = null
    try {
      const value = await call(asked)
      if (subject() === asked) await answered(value)
    } catch (e) {
      if (subject() === asked) error.value = errorMessage(e)
    } finally {
      busy.value = false
    }
  }
  return { busy, error, run, reset: () => void (error.value = null) }
}
