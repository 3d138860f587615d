import { addDays, daysBetween, fromOsloDateTime } from '../../solver/calendar.ts'
import { findDisruptions, type Disruption } from '../../solver/disruptions.ts'
import type { InterpreterService } from '../../solver/rules/late-cancellation.ts'
import type { Proposal } from '../../solver/types.ts'
import { todayInOslo } from '../clock.ts'
import { stateVersion } from '../store/state.ts'
import { loadState, proposalOut, RunInProgress, runInProgress, runInWorker, type AllocationDeps, type ProposalOut } from './allocation.ts'
import { DEFAULT_HORIZON_WEEKS } from './scenario.ts'

export type { Disruption } from '../../solver/disruptions.ts'

/**
 * Every booked session still to come that no longer fits, in start order: the counsellor absent,
 * outside their hours or employment, the centre closed, the programme ended, the referral deferred
 * past it. A session that is repaired (moved) or cancelled leaves the list.
 */
export function listDisruptions(deps: AllocationDeps, now = new Date()): (Disruption & { referralIds: string[] })[] {
  const { problem, disrupted } = loadState(deps, todayInOslo(now), 1, now)
  return findDisruptions({ sessions: disrupted, counsellors: problem.counsellors, referrals: problem.referrals, policy: problem.policy }).map((d) => ({ ...d, referralIds: [...d.referralIds] }))
}

/** The sessions of one counsellor that no longer fit: what `PUT /v1/counsellors/:id` answers with. */
export function disruptedOf(deps: AllocationDeps, counsellorId: string, now = new Date()): string[] {
  return listDisruptions(deps, now)
    .filter((d) => d.counsellorId === counsellorId)
    .map((d) => d.sessionId)
}

/**
 * A repair proposal (POST /v1/allocations `{"mode": "repair"}`): only the disrupted bookings move,
 * each with the least change (solver/repair.ts); every other booking stays. Stored like any
 * proposal with the state version it was built on, so its commit is atomic and 409 if anything
 * changed since. The window reaches `horizonWeeks` (default 6) past the last disrupted session.
 */
export async function proposeRepair(deps: AllocationDeps, input: { readonly horizonWeeks?: number | undefined } = {}, now = new Date()): Promise<ProposalOut> {
  // Refused before the state is even loaded, as a second propose is (one run at a time per centre).
  if (runInProgress(deps)) throw new RunInProgress()
  const today = todayInOslo(now)
  const weeks = input.horizonWeeks ?? DEFAULT_HORIZON_WEEKS
  const { version, state } = deps.db.transaction(() => ({ version: stateVersion(deps.db), state: loadState(deps, today, weeks, now) }))()
  const last = state.disrupted.reduce((d, s) => {
    const on = fromOsloDateTime(s.start).date
    return on > d ? on : d
  }, today)
  const horizonWeeks = Math.min(26, Math.ceil((daysBetween(today, addDays(last, 7 * weeks)) + 1) / 7))
  const policy = state.problem.policy as typeof state.problem.policy & { readonly interpreterServices?: readonly InterpreterService[] }
  // In a worker like any run: a county's repair must not hold up other requests either.
  const proposal = await runInWorker(deps, { kind: 'repair', input: { problem: { ...state.problem, horizonWeeks }, disrupted: state.disrupted, now: now.toISOString(), interpreterServices: policy.interpreterServices } })
  // The stored proposal is the contract's shape plus `changes`; the moved sessions carry their booking ids.
  return proposalOut(deps.allocations.create({ runDate: today, horizonWeeks, proposal: proposal as unknown as Proposal, stateVersion: version }))
}
