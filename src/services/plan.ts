// `plan` on a referral read: what the latest run (a proposal or a committed one) did with it, in
// the reader's language. It is read from the stored run itself, so the reason stays as that run
// gave it (a deferred referral still reads `deferred` after commit) until a newer run is made.

import type { Reason, Session } from '../../solver/types.ts'
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

/**
 * The latest run's plans, read once per request. Stale proposals (the state changed before they
 * were committed) are passed over: they describe a state that no longer is.
 */
export function latestPlans(allocations: Pick<AllocationRepository, 'listNewest' | 'findById'>, lang: Lang, nameOf: NameOf): PlanOf {
  const latest = allocations.listNewest({ limit: 20 }).find((a) => a.status !== 'stale')
  const run = latest && allocations.findById(latest.id)
  if (!run) return () => undefined
  const { proposal } = run
  const asOf = run.runDate
  const firstOn = new Map<string, string>()
  for (const s of proposal.sessions as readonly Session[]) {
    if (s.kind !== 'individual') continue
    const on = s.start.slice(0, 10)
    const had = firstOn.get(s.referralId)
    if (had === undefined || on < had) firstOn.set(s.referralId, on)
  }
  const waiting = new Map(proposal.unassigned.map((u) => [u.referralId, u]))
  const status = run.status === 'committed' ? 'booked' : 'planned'
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
