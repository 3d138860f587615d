import { randomUUID } from 'node:crypto'
import { lineChart, type ChartField } from '../replay/report.ts'
import type { Lang } from '../i18n/index.ts'
import { createReplayPool, type ReplayJobResult } from '../replay/worker.ts'
import type { ReplayBody } from '../schemas/replay.ts'

export type ReplayJobState =
  | { readonly status: 'running'; readonly startedAt: string; readonly scenario: string; readonly policies: readonly string[] }
  | { readonly status: 'done'; readonly startedAt: string; readonly scenario: string; readonly policies: readonly string[]; readonly result: ReplayJobResult }
  | { readonly status: 'failed'; readonly startedAt: string; readonly scenario: string; readonly policies: readonly string[]; readonly why: 'busy' | 'timeout' | 'aborted' | 'failed' }

/** How many finished replays a server keeps for their pages; the oldest go first. */
const KEPT = 20

/**
 * Replays started from a page: run in the replay worker (one at a time), looked up by id while
 * they run and after. Kept in memory: a replay is a what-if, not a record, and is run again at will.
 */
export function createReplayJobs() {
  const pool = createReplayPool({})
  const jobs = new Map<string, ReplayJobState>()
  const owner = new Map<string, string>()
  return {
    /** Start a replay for a person; its id at once. The scenario is pseudonymised before it leaves this thread. */
    start(scenario: ReplayBody, policies: readonly string[], by: string): string {
      const id = randomUUID()
      const base = { startedAt: new Date().toISOString(), scenario: scenario.name, policies }
      jobs.set(id, { status: 'running', ...base })
      owner.set(id, by)
      const pseudonymised = { ...scenario, referrals: scenario.referrals.map(({ participant: _p, advisor: _a, ...r }) => r) }
      void pool.run({ scenario: pseudonymised, policies: [...policies] }).then(
        (outcome) => jobs.set(id, outcome.ok ? { status: 'done', ...base, result: outcome.result } : { status: 'failed', ...base, why: outcome.why }),
        () => jobs.set(id, { status: 'failed', ...base, why: 'failed' }),
      )
      while (jobs.size > KEPT) {
        const oldest = jobs.keys().next().value as string
        jobs.delete(oldest)
        owner.delete(oldest)
      }
      return id
    },
    /** A job of this person's, or undefined. */
    get(id: string, by: string): ReplayJobState | undefined {
      return owner.get(id) === by ? jobs.get(id) : undefined
    },
    async chart(state: ReplayJobState & { status: 'done' }, field: ChartField, lang: Lang): Promise<string> {
      return lineChart(state.result.policies, field, lang)
    },
    close: () => pool.close(),
  }
}
export type ReplayJobs = ReturnType<typeof createReplayJobs>
