/**
 * Runs body work where it cannot stall the UI. Small bodies are done at once. For big ones the first
 * screenful of lines is formatted here (a few kilobytes of input: well under a millisecond) so it paints
 * without waiting for anything, and the rest in a Web Worker, which also parses JSON for the grid and hands
 * the records over in batches. Where no worker can start (a locked-down page), lines are formatted on the
 * main thread in slices of a few milliseconds.
 */
import { recordsOf } from '../grid/records'
import type { ResultPage } from '../grid/result'
import { formatAll, joinChunks, type DisplayChunk, type Formatter, type FormatProblem } from './display'
import { makeFormatter, type FormatJob, type FormatReply, type FormatRequest } from './formatJob'

export interface FormatCallbacks {
  chunk(chunk: DisplayChunk, progress: number): void
  done(problem: FormatProblem | null): void
}

export interface RecordsCallbacks {
  records(page: ResultPage, progress: number): void
  done(problem: FormatProblem | null): void
}

/** Below this a body is formatted at once: a worker round trip would cost more than the work. */
export const SYNC_LIMIT = 256 * 1024
/** Below this JSON is parsed for the grid at once (a few milliseconds). */
export const SYNC_PARSE_LIMIT = 1024 * 1024
/** Lines formatted on the main thread before the worker takes over: more than a screen holds. */
export const FIRST_LINES = 300
const SLICE_MS = 8

let worker: Worker | null = null
let workerBroken = false
let nextId = 1
/**
 * Which text the worker holds (sent once per body) and its id. Known by a key object the caller keeps with
 * its text, so this module never keeps a 50 MB string alive after its view has gone.
 */
let held: { key: WeakRef<object>; id: number } | null = null

function getWorker(): Worker | null {
  if (workerBroken || typeof Worker === 'undefined') return null
  if (!worker) {
    try {
      worker = new Worker(new URL('./format.worker.ts', import.meta.url), { type: 'module' })
    } catch {
      workerBroken = true
      return null
    }
  }
  return worker
}

function dropWorker(): void {
  worker?.terminate()
  worker = null
  held = null
}

/**
 * Format `text`; returns a function that cancels (no callback runs after it). `key` stands for the text:
 * the same key again means the same text, which the worker may still hold.
 */
export function startFormat(text: string, job: FormatJob, callbacks: FormatCallbacks, key: object = {}): () => void {
  const formatter = makeFormatter(text, job)
  if (text.length <= SYNC_LIMIT) {
    const all = formatAll(formatter)
    callbacks.chunk(all, 1)
    callbacks.done(all.problem)
    return () => undefined
  }
  const first = formatter.next(FIRST_LINES)
  callbacks.chunk(first.chunk, formatter.progress())
  if (first.done) {
    callbacks.done(first.problem)
    return () => undefined
  }
  const w = getWorker()
  if (!w) return inSlices(formatter, callbacks)
  return inWorker(w, text, key, job, first.chunk.count, (reply) => {
    if (reply.type === 'chunk') callbacks.chunk(reply.chunk, reply.progress)
    else if (reply.type === 'done') callbacks.done(reply.problem)
  }, () => inSlices(formatter, callbacks))
}

/** The records of a JSON body for the grid, in batches. Returns a cancel. */
export function startRecords(text: string, callbacks: RecordsCallbacks, key: object = {}): () => void {
  const here = (): (() => void) => {
    // Without a worker a big body's JSON.parse runs here: one stall, rather than no table.
    const { page, problem } = recordsOf(text)
    if (page) callbacks.records(page, 1)
    callbacks.done(problem)
    return () => undefined
  }
  const w = text.length > SYNC_PARSE_LIMIT ? getWorker() : null
  if (!w) return here()
  return inWorker(w, text, key, { view: 'records' }, 0, (reply) => {
    if (reply.type === 'records') callbacks.records(reply.page, reply.progress)
    else if (reply.type === 'done') callbacks.done(reply.problem)
  }, here)
}

function inWorker(w: Worker, text: string, key: object, job: FormatRequest['job'], skip: number, onReply: (reply: FormatReply) => void, fallback: () => () => void): () => void {
  const id = nextId++
  let active = true
  let cancelFallback: (() => void) | null = null
  const stop = (): void => {
    active = false
    w.removeEventListener('message', onMessage)
    w.removeEventListener('error', onError)
  }
  /** Send the job, with the text when the worker does not hold it yet. */
  const post = (sendText: boolean): void => {
    const textId = sendText || !held ? nextId++ : held.id
    held = { key: new WeakRef(key), id: textId }
    w.postMessage({ id, textId, text: sendText ? text : null, job, skip } satisfies FormatRequest)
  }
  const onMessage = (event: MessageEvent<FormatReply>): void => {
    const reply = event.data
    if (!active || reply.id !== id) return
    if (reply.type === 'lost') return post(true)
    if (reply.type === 'done') stop()
    onReply(reply)
  }
  // The worker could not load (blocked, or no module workers): carry on here.
  const onError = (event: Event): void => {
    event.preventDefault?.()
    if (!active) return
    stop()
    workerBroken = true
    dropWorker()
    cancelFallback = fallback()
  }
  w.addEventListener('message', onMessage)
  w.addEventListener('error', onError)
  // Copying a big body to the worker takes tens of milliseconds: a task of its own, after the first lines paint.
  const sendText = held?.key.deref() !== key
  const start = setTimeout(() => active && post(sendText), 0)
  return () => {
    clearTimeout(start)
    if (cancelFallback) return cancelFallback()
    if (!active) return
    stop()
    // The worker is mid-job: end it rather than wait; the next job starts a fresh one.
    dropWorker()
  }
}

function inSlices(formatter: Formatter, callbacks: FormatCallbacks): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null
  const run = (): void => {
    const until = performance.now() + SLICE_MS
    const chunks: DisplayChunk[] = []
    let finished = false
    let problem: FormatProblem | null = null
    while (!finished && performance.now() < until) {
      const step = formatter.next(1000)
      chunks.push(step.chunk)
      finished = step.done
      problem = step.problem
    }
    const acc = joinChunks(chunks)
    if (acc.count || acc.folds.length) callbacks.chunk(acc, formatter.progress())
    if (finished) {
      timer = null
      callbacks.done(problem)
    } else timer = setTimeout(run, 0)
  }
  timer = setTimeout(run, 0)
  return () => {
    if (timer) clearTimeout(timer)
    timer = null
  }
}
