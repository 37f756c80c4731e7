import { describe, expect, it } from 'vitest'
import { useLatestCall } from './latestCall'

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe('useLatestCall', () => {
  it('is busy while the call runs and hands over the answer', async () => {
    const answers: string[] = []
    const pending = deferred<string>()
    const call = useLatestCall(() => 'env-1', () => pending.promise, (v) => void answers.push(v))
    const running = call.run()
    expect(call.busy.value).toBe(true)
    pending.resolve('orgs')
    await running
    expect(call.busy.value).toBe(false)
    expect(answers).toEqual(['orgs'])
    expect(call.error.value).toBeNull()
  })

  it('drops an answer or a failure that arrives after the subject changed', async () => {
    let subject: string | null = 'env-1'
    const answers: string[] = []
    const first = deferred<string>()
    const call = useLatestCall(() => subject, () => first.promise, (v) => void answers.push(v))
    const running = call.run()
    subject = 'env-2'
    first.resolve('orgs of env-1')
    await running
    expect(answers).toEqual([])

    const second = deferred<string>()
    const failing = useLatestCall(() => subject, () => second.promise, () => undefined)
    const failed = failing.run()
    subject = null
    second.reject(new Error('too late'))
    await failed
    expect(failing.error.value).toBeNull()
  })

  it('keeps the failure in words until the next run or a reset, and does nothing without a subject', async () => {
    let calls = 0
    const call = useLatestCall(
      () => 'env-1',
      async () => {
        calls++
        throw new Error('AADSTS7000215: Invalid client secret provided.')
      },
      () => undefined
    )
    await call.run()
    expect(call.error.value).toBe('AADSTS7000215: Invalid client secret provided.')
    call.reset()
    expect(call.error.value).toBeNull()
    const none = useLatestCall(() => null, async () => calls++, () => undefined)
    await none.run()
    expect(calls).toBe(1)
  })
})
