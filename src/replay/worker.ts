// Replays run in a worker thread, not on the request's event loop: a year's replay computes for
// seconds, and on the event loop every other request (health checks, intake) would wait for it.
// This file is both sides: `createReplayPool` (the service's thread) starts workers on this same
// file, and the block at the end answers jobs when the file is loaded as such a worker.

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import type { ReplayMetrics } from './metrics.ts'
import { BUILT_IN_POLICIES, scenarioPolicy } from './policies.ts'
import { simulate } from './simulate.ts'
import type { Scenario } from '../schemas/scenario.ts'

/** What a worker computes: the scenario under each built-in policy named, or under its own policy. */
export type ReplayJob = {
  readonly scenario: Scenario
  /** Built-in policy names; none: the scenario's own policy, else optimised. */
  readonly policies: readonly string[]
  readonly seed?: number | undefined
}

export type ReplayJobResult = { readonly scenario: string; readonly policies: readonly ReplayMetrics[] }

/** Expected outcomes are values; only a bug in the engine is `failed`. */
export type ReplayOutcome =
  | { readonly ok: true; readonly result: ReplayJobResult }
  /** Every slot is taken by a running replay; nothing was started. */
  | { readonly ok: false; readonly why: 'busy'; readonly running: number }
  /** The replay ran past the time limit and its worker was terminated. */
  | { readonly ok: false; readonly why: 'timeout'; readonly limitMs: number }
  /** The caller gave up (the client went away, the server is closing); the worker was terminated. */
  | { readonly ok: false; readonly why: 'aborted' }
  | { readonly ok: false; readonly why: 'failed'; readonly error: Error }

export type ReplayPoolOptions = {
  /** Replays computing at once; each takes a core, and the service needs one for its requests. */
  readonly maxConcurrent?: number
  /** Wall-clock limit per replay, worker start included. */
  readonly timeoutMs?: number
}

export const REPLAY_POOL_DEFAULTS: Required<ReplayPoolOptions> = { maxConcurrent: 1, timeoutMs: 120_000 }

/** Marks a worker started by the pool, so loading this file elsewhere never starts a job loop. */
const POOL_KEY = 'tildelingReplayPool'

/**
 * Node 20 does not apply `--import` loaders given in a Worker's execArgv to its entry module, so
 * the worker boots from a line of JavaScript that registers tsx and then imports this file. The
 * loader is resolved from here, so it works whatever the working directory (npm start,
 * bin/tildeling.js, tap).
 */
function bootScript(): string {
  const tsx = import.meta.resolve('tsx/esm/api')
  const self = import.meta.url
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}) })`
}

export type ReplayPool = {
  /** Run a job in a worker, or answer `busy` at once when every slot is taken. */
  run(job: ReplayJob, signal?: AbortSignal): Promise<ReplayOutcome>
  /** Replays computing now. */
  readonly running: number
  /** Terminate every worker, running or idle (callers of running replays get `aborted`). */
  close(): Promise<void>
}

export function createReplayPool(options: ReplayPoolOptions = {}): ReplayPool {
  const { maxConcurrent, timeoutMs } = { ...REPLAY_POOL_DEFAULTS, ...options }
  const busy = new Set<Worker>()
  // A worker that answered waits for the next job: starting one (tsx, the solver's modules) costs
  // about 0.6 s, ten times a small replay. Idle workers are unref'd: they never keep a process alive.
  const idle: Worker[] = []
  const aborters = new Set<() => void>()

  function start(): Worker {
    const worker = new Worker(bootScript(), { eval: true, workerData: { [POOL_KEY]: true }, execArgv: [] })
    // A job's own listeners report its errors; this one only keeps an error between jobs (the
    // worker then exits and leaves the idle list) from being thrown in the service's thread.
    worker.on('error', () => {})
    worker.on('exit', () => {
      const at = idle.indexOf(worker)
      if (at >= 0) idle.splice(at, 1)
    })
    return worker
  }

  function run(job: ReplayJob, signal?: AbortSignal): Promise<ReplayOutcome> {
    if (busy.size >= maxConcurrent) return Promise.resolve({ ok: false, why: 'busy', running: busy.size })
    if (signal?.aborted) return Promise.resolve({ ok: false, why: 'aborted' })
    const worker = idle.pop() ?? start()
    worker.ref()
    busy.add(worker)
    return new Promise<ReplayOutcome>((resolve) => {
      const finish = (outcome: ReplayOutcome) => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', abort)
        aborters.delete(abort)
        worker.off('message', answered).off('error', failed).off('exit', exited)
        busy.delete(worker)
        if (outcome.ok) {
          worker.unref()
          idle.push(worker)
        } else {
          // Terminating is the only way to stop a computation midway; the worker is not reused.
          void worker.terminate()
        }
        resolve(outcome)
      }
      const answered = (result: ReplayJobResult) => finish({ ok: true, result })
      const failed = (error: Error) => finish({ ok: false, why: 'failed', error })
      const exited = (code: number) => finish({ ok: false, why: 'failed', error: new Error(`the replay worker exited with code ${code} before answering`) })
      const abort = () => finish({ ok: false, why: 'aborted' })
      const timer = setTimeout(() => finish({ ok: false, why: 'timeout', limitMs: timeoutMs }), timeoutMs)
      signal?.addEventListener('abort', abort, { once: true })
      aborters.add(abort)
      worker.on('message', answered).on('error', failed).on('exit', exited)
      worker.postMessage(job)
    })
  }

  return {
    run,
    get running() {
      return busy.size
    },
    async close() {
      const stopping = [...busy, ...idle].map((w) => w.terminate())
      for (const abort of [...aborters]) abort()
      idle.length = 0
      await Promise.all(stopping)
    },
  }
}

/** The job itself, run inside the worker; exported for a test that wants it without a thread. */
export function runReplayJob(job: ReplayJob): ReplayJobResult {
  const { scenario } = job
  const policies = job.policies.length === 0
    ? [scenarioPolicy(scenario.policy !== undefined)]
    : job.policies.map((name) => {
        const policy = BUILT_IN_POLICIES[name]
        if (!policy) throw new Error(`unknown built-in policy ${name}`)
        return policy
      })
  return { scenario: scenario.name, policies: policies.map((p) => simulate(scenario, p, { seed: job.seed }).metrics) }
}

// Inside a pool's worker: one job per message, one answer each. A job that throws ends the worker
// (the pool sees its 'error' and starts a fresh one next time).
if (!isMainThread && (workerData as Record<string, unknown> | null)?.[POOL_KEY] === true) {
  parentPort!.on('message', (job: ReplayJob) => parentPort!.postMessage(runReplayJob(job)))
}
