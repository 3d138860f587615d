// The allocation solver in a worker thread: a county's week computes for up to a second, and on
// the event loop every other request (health checks, intake, pages) would wait for it. This file is
// both sides, as src/replay/worker.ts: `createSolvePool` (the service's thread) starts workers on
// this same file, and the block at the end answers jobs when the file is loaded as such a worker.
// The solver is pure, so only the problem goes in and only the proposal comes out; the database
// stays in the service's thread.

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { repair, type RepairInput, type RepairProposal } from '../../solver/repair.ts'
import { solve } from '../../solver/solve.ts'
import type { Problem, Proposal, SolveOptions } from '../../solver/types.ts'

/** A run to plan (solve), or a repair of disrupted bookings (which answers a RepairProposal). */
export type SolveJob = { readonly kind?: 'plan'; readonly problem: Problem; readonly options: SolveOptions } | { readonly kind: 'repair'; readonly input: RepairInput }

/** Expected outcomes are values; only a bug in the solver is `failed`. */
export type SolveOutcome =
  | { readonly ok: true; readonly proposal: Proposal | RepairProposal }
  /** The worker did not answer within `hardLimitMs` and was terminated. */
  | { readonly ok: false; readonly why: 'timeout'; readonly limitMs: number }
  | { readonly ok: false; readonly why: 'failed'; readonly error: Error }

export type SolvePoolOptions = {
  /**
   * Wall-clock guard per job, worker start included. The solver's own time limit (SolveOptions
   * timeLimitMs) comes first and still answers, with greedy finishing; this only stops a worker that
   * never answers.
   */
  readonly hardLimitMs?: number
  /**
   * Awaited in the service's thread before a job is posted: lets a test hold a run in progress
   * deterministically (a barrier), where timing would make it flaky.
   */
  readonly beforeRun?: (job: SolveJob) => Promise<void>
}

export const SOLVE_POOL_DEFAULTS: Required<Omit<SolvePoolOptions, 'beforeRun'>> = { hardLimitMs: 120_000 }

export type SolvePool = {
  /** Solve in a worker (an idle one if there is one). */
  solve(job: SolveJob): Promise<SolveOutcome>
  /** Jobs computing now. */
  readonly running: number
  /** Terminate every worker; running jobs answer `failed`. */
  close(): Promise<void>
}

const POOL_KEY = 'tildelingSolvePool'

/** Node 20 does not apply `--import` loaders to a Worker's entry module: register tsx, then import this file. */
function bootScript(): string {
  const tsx = import.meta.resolve('tsx/esm/api')
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}) })`
}

type Answer = { readonly proposal: Proposal | RepairProposal } | { readonly error: string }

export function createSolvePool(options: SolvePoolOptions = {}): SolvePool {
  const { hardLimitMs } = { ...SOLVE_POOL_DEFAULTS, ...options }
  const busy = new Set<Worker>()
  // Starting a worker (tsx, the solver's modules) costs about half a second: answered workers wait
  // for the next job, unref'd so they never keep a process alive. The number of workers is bounded
  // by the callers: one run at a time per centre (allocation.ts).
  const idle: Worker[] = []
  const closing = new Set<() => void>()

  function start(): Worker {
    const worker = new Worker(bootScript(), { eval: true, workerData: { [POOL_KEY]: true }, execArgv: [] })
    worker.on('error', () => {})
    worker.on('exit', () => {
      const at = idle.indexOf(worker)
      if (at >= 0) idle.splice(at, 1)
    })
    return worker
  }

  async function solveJob(job: SolveJob): Promise<SolveOutcome> {
    if (options.beforeRun) await options.beforeRun(job)
    const worker = idle.pop() ?? start()
    worker.ref()
    busy.add(worker)
    return new Promise<SolveOutcome>((resolve) => {
      const finish = (outcome: SolveOutcome) => {
        clearTimeout(timer)
        closing.delete(stop)
        worker.off('message', answered).off('error', failed).off('exit', exited)
        busy.delete(worker)
        if (outcome.ok) {
          worker.unref()
          idle.push(worker)
        } else void worker.terminate()
        resolve(outcome)
      }
      const answered = (a: Answer) => finish('proposal' in a ? { ok: true, proposal: a.proposal } : { ok: false, why: 'failed', error: new Error(a.error) })
      const failed = (error: Error) => finish({ ok: false, why: 'failed', error })
      const exited = (code: number) => finish({ ok: false, why: 'failed', error: new Error(`the solve worker exited with code ${code} before answering`) })
      const stop = () => finish({ ok: false, why: 'failed', error: new Error('the solve pool was closed') })
      const timer = setTimeout(() => finish({ ok: false, why: 'timeout', limitMs: hardLimitMs }), hardLimitMs)
      closing.add(stop)
      worker.on('message', answered).on('error', failed).on('exit', exited)
      worker.postMessage(job)
    })
  }

  return {
    solve: solveJob,
    get running() {
      return busy.size
    },
    async close() {
      const stopping = [...busy, ...idle].map((w) => w.terminate())
      for (const stop of [...closing]) stop()
      idle.length = 0
      await Promise.all(stopping)
    },
  }
}

let shared: SolvePool | undefined

/** The process's pool, made on first use: the API and the pages share it (and its idle worker). */
export function sharedSolvePool(): SolvePool {
  shared ??= createSolvePool()
  return shared
}

// Inside a pool's worker: one job per message, one answer each. An exception is answered, not
// thrown, so the worker stays usable; its message carries no personal data (the solver has none).
if (!isMainThread && (workerData as Record<string, unknown> | null)?.[POOL_KEY] === true) {
  parentPort!.on('message', (job: SolveJob) => {
    let answer: Answer
    try {
      answer = { proposal: job.kind === 'repair' ? repair(job.input) : solve(job.problem, job.options) }
    } catch (error) {
      answer = { error: error instanceof Error ? error.message : String(error) }
    }
    parentPort!.postMessage(answer)
  })
}
