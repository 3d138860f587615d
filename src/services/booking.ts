import { bookingSession, checkBooking, optionsFor, type SessionOption } from '../../solver/options.ts'
import type { Session } from '../../solver/types.ts'
import type { Caller } from '../auth/index.ts'
import { todayInOslo } from '../clock.ts'
import { Conflict, Forbidden, NotFound, withArticle } from '../errors.ts'
import { createChangeRepository, SlotTaken } from '../store/change-repository.ts'
import type { Lang } from '../i18n/index.ts'
import { loadState, type AllocationDeps } from './allocation.ts'
import { renderExplanation } from './explain.ts'

type Booked = Extract<Session, { kind: 'individual' | 'followup' }> & { id?: string }

/** How far ahead options and direct bookings look. */
export const BOOKING_HORIZON_WEEKS = 26

export type OptionsOut = {
  readonly referralId: string
  readonly options: (Omit<SessionOption, 'displaces'> & { displaces: string[] })[]
  /** When there are none because the referral cannot be booked now: the reason code and what it means, in the caller's language. */
  readonly reason?: string
  readonly detail?: string
}

/** The referral as this caller may see it, or 404 (another municipality's does not exist for it). */
function visible(deps: AllocationDeps, caller: Caller, id: string) {
  const r = deps.referrals.findById(id)
  if (!r || (caller.role === 'municipality' && caller.municipality !== r.municipality)) throw new NotFound(`no referral ${id}`)
  return r
}

/** The newest proposal not yet committed: who gets what by priority, if nothing is booked directly. */
function latestPlan(deps: AllocationDeps): readonly Session[] {
  const [newest] = deps.allocations.listNewest({ status: 'proposed', limit: 1 })
  return newest ? (deps.allocations.findById(newest.id)?.proposal.sessions ?? []) : []
}

/**
 * "When can she be seen?": the earliest feasible sessions for one referral, earliest first, each
 * with `displaces` (referrals the latest proposal gives that time by priority). The lead time
 * counts from today. A municipality may ask about its own referrals.
 */
export function referralOptions(deps: AllocationDeps, caller: Caller, id: string, limit = 5, lang: Lang = 'nb', now = new Date()): OptionsOut {
  visible(deps, caller, id)
  const { problem } = loadState(deps, todayInOslo(now), BOOKING_HORIZON_WEEKS, now)
  const found = optionsFor(problem, id, { limit, planned: latestPlan(deps) })
  if (!found.ok) return { referralId: id, options: [], reason: found.reason, detail: renderExplanation(found.explanation, lang) }
  // A municipality does not learn other municipalities' referral ids, only that someone would lose the time.
  const ownOnly = (d: string) => caller.role !== 'municipality' || deps.referrals.findById(d)?.municipality === caller.municipality
  return { referralId: id, options: found.options.map((o) => ({ ...o, displaces: o.displaces.filter(ownOnly) })) }
}

/** Fields a broken rule is about, for the problem's `errors`. */
const FIELD: Readonly<Record<string, string>> = { absence: 'counsellorId', employment: 'counsellorId', 'working-hours': 'start', 'counsellor-exists': 'counsellorId' }

/**
 * Book one session for a referral directly (the coordinator, on the phone): checked against every
 * rule the validator knows and booked in one BEGIN IMMEDIATE transaction, so a commit landing at
 * the same moment either comes first (and this sees its sessions) or after (and its version check
 * fails). 409 names the rule that forbids it: `overlap`, `absence`, `lead-time`, ...
 */
export function bookOption(deps: AllocationDeps, caller: Caller, id: string, want: { readonly counsellorId: string; readonly start: string }, now = new Date()): Booked {
  if (caller.role !== 'coordinator') throw new Forbidden(`booking directly needs a coordinator key; yours is ${withArticle(caller.role)} key`)
  visible(deps, caller, id)
  const changes = createChangeRepository(deps.db)
  return deps.db
    .transaction(() => {
      if (Date.parse(want.start) <= now.getTime()) throw new Conflict(`horizon: ${want.start} has passed; book a time still to come`, [{ path: 'start', message: 'horizon: in the past' }])
      const { problem } = loadState(deps, todayInOslo(now), BOOKING_HORIZON_WEEKS, now)
      const r = problem.referrals.find((x) => x.id === id)
      if (!r) throw new Conflict(`referral-open: referral ${id} is withdrawn or completed; nothing can be booked for it`)
      const session: Booked = bookingSession(problem, r, want.counsellorId, want.start)
      const broken = checkBooking(problem, id, session)
      const first = broken[0]
      if (first) {
        throw new Conflict(
          `${first.rule}: the booking breaks the rule ${first.rule} (${first.detail})`,
          broken.map((v) => ({ path: FIELD[v.rule] ?? 'start', message: `${v.rule}: ${v.detail}` })),
        )
      }
      try {
        const sessionId = changes.book(session, r.language)
        return { ...session, id: sessionId }
      } catch (err) {
        // A booking that no longer fits (disrupted) still holds its time in the store.
        if (err instanceof SlotTaken) throw new Conflict(`overlap: counsellor ${err.counsellorId} already has a booked session at that time`, [{ path: 'start', message: 'overlap: the time is taken' }])
        throw err
      }
    })
    .immediate()
}
