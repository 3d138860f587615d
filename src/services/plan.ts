// `plan` on a referral read: what the latest run (a proposal or a committed one) did with it, in
// the reader's language. It is read from the stored run itself, so the reason stays as that run
// gave it (a deferred referral still reads `deferred` after commit) until a newer run is made.

import type { Reason, Session, Unassigned } from '../../solver/types.ts'
import type { Lang } from '../i18n/index.ts'
import type { AllocationRepository } from '../store/allocation-repository.ts'
import { renderEntry, type NameOf } from './explain.ts'

export type Plan = {
  /** `planned`: a session in a proposal not yet committed; `booked`: committed; `waiting`: the run left it out. */
  readonly status: 'planned' | 'booked' | 'waiting'
  readonly reason?: Reason
  readonly detail?: string
  /** The first session's date in that run. */
  readonly plannedOn?: string
  /** The run date of the run this comes from. */
  readonly asOf: string
}

/** Referral id → its plan from the latest run; undefined for a referral that run did not see. */
export type PlanOf = (referralId: string) => Plan | undefined

/** What a run says of each referral, indexed once: a run's proposal never changes after it is stored. */
type RunIndex = { readonly firstOn: ReadonlyMap<string, string>; readonly waiting: ReadonlyMap<string, Unassigned>; readonly asOf: string }

/**
 * The index of the latest run, kept between requests: parsing a county's stored proposal (3,000
 * referrals) on every list read cost more than the rest of the read. Keyed by the run's id, which
 * is unique, so a newer run (or another centre's) simply replaces it.
 */
let indexed: { readonly id: string; readonly index: RunIndex } | undefined

function indexRun(run: { readonly runDate: string; readonly proposal: { readonly sessions: readonly Session[]; readonly unassigned: readonly Unassigned[] } }): RunIndex {
  const firstOn = new Map<string, string>()
  for (const s of run.proposal.sessions) {
    if (s.kind !== 'individual') continue
    const on = s.start.slice(0, 10)
    const had = firstOn.get(s.referralId)
    if (had === undefined || on < had) firstOn.set(s.referralId, on)
  }
  return { firstOn, waiting: new Map(run.proposal.unassigned.map((u) => [u.referralId, u])), asOf: run.runDate }
}

/**
 * The latest run's plans, read once per request. Stale proposals (the state changed before they
 * were committed) are passed over: they describe a state that no longer is.
 */
export function latestPlans(allocations: Pick<AllocationRepository, 'newestLive' | 'findById'>, lang: Lang, nameOf: NameOf): PlanOf {
  const latest = allocations.newestLive()
  if (!latest) return () => undefined
  if (indexed?.id !== latest.id) {
    const run = allocations.findById(latest.id)
    if (!run) return () => undefined
    indexed = { id: latest.id, index: indexRun(run) }
  }
  const { firstOn, waiting, asOf } = indexed.index
  // The status comes from the row just read: a commit changes it, not the proposal.
  const status = latest.status === 'committed' ? 'booked' : 'planned'
  return (id) => {
    const u = waiting.get(id)
    if (u) {
      const { reason, detail } = renderEntry(u, lang, nameOf)
      return { status: 'waiting', reason, detail, asOf }
    }
    const on = firstOn.get(id)
    return on === undefined ? undefined : { status, plannedOn: on, asOf }
  }
}
