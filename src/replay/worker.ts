// Replays run in a worker thread, not on the request's event loop: a year's replay computes for
// seconds, and on the event loop every other request (health checks, intake) would wait for it.
// This file is both sides: `createReplayPool` (the service's thread) starts workers on this same
// file, and the block at the end runs the job when the file is loaded as such a worker.

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

/** Marks a worker started by the pool, so loading this file elsewhere never runs a job. */
const JOB_KEY = 'tildelingReplayJob'

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
  /** Run a job in a fresh worker, or answer `busy` at once when every slot is taken. */
  run(job: ReplayJob, signal?: AbortSignal): Promise<ReplayOutcome>
  /** Replays computing now. */
  readonly running: number
  /** Terminate every running replay (their callers get `aborted`). */
  close(): Promise<void>
}

export function createReplayPool(options: ReplayPoolOptions = {}): ReplayPool {
  const { maxConcurrent, timeoutMs } = { ...REPLAY_POOL_DEFAULTS, ...options }
  const workers = new Set<Worker>()
  const aborters = new Set<() => void>()

  function run(job: ReplayJob, signal?: AbortSignal): Promise<ReplayOutcome> {
    if (workers.size >= maxConcurrent) return Promise.resolve({ ok: false, why: 'busy', running: workers.size })
    if (signal?.aborted) return Promise.resolve({ ok: false, why: 'aborted' })
    // A fresh worker per replay: terminating it is the only way to stop a computation midway,
    // and a worker that never outlives its job leaks nothing into the next one.
    const worker = new Worker(bootScript(), { eval: true, workerData: { [JOB_KEY]: job }, execArgv: [] })
    workers.add(worker)
    return new Promise<ReplayOutcome>((resolve) => {
      let settled = false
      const finish = (outcome: ReplayOutcome) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', abort)
        aborters.delete(abort)
        workers.delete(worker)
        // After a result the worker is exiting by itself; otherwise stop it where it stands.
        if (!outcome.ok) void worker.terminate()
        resolve(outcome)
      }
      const abort = () => finish({ ok: false, why: 'aborted' })
      const timer = setTimeout(() => finish({ ok: false, why: 'timeout', limitMs: timeoutMs }), timeoutMs)
      signal?.addEventListener('abort', abort, { once: true })
      aborters.add(abort)
      worker.once('message', (result: ReplayJobResult) => finish({ ok: true, result }))
      worker.once('error', (error) => finish({ ok: false, why: 'failed', error }))
      worker.once('exit', (code) => finish({ ok: false, why: 'failed', error: new Error(`the replay worker exited with code ${code} before answering`) }))
    })
  }

  return {
    run,
    get running() {
      return workers.size
    },
    async close() {
      const stopping = [...workers].map((w) => w.terminate())
      for (const abort of [...aborters]) abort()
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

const job = isMainThread ? undefined : (workerData as Record<string, ReplayJob> | null)?.[JOB_KEY]
if (job !== undefined) parentPort!.postMessage(runReplayJob(job))
