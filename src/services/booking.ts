import { bookingSession, checkBooking, optionsFor, type SessionOption } from '../../solver/options.ts'
import type { Session } from '../../solver/types.ts'
import type { Caller } from '../auth/index.ts'
import { todayInOslo } from '../clock.ts'
import { Conflict, Forbidden, NotFound, withArticle } from '../errors.ts'
import { createChangeRepository, SlotTaken } from '../store/change-repository.ts'
import type { StoredSession } from '../store/session-repository.ts'
import { bumpStateVersion } from '../store/state.ts'
import type { Lang } from '../i18n/index.ts'
import { resolvePolicy } from '../../solver/policy.ts'
import type { Problem, Violation } from '../../solver/types.ts'
import { loadState, type AllocationDeps } from './allocation.ts'
import { renderExplanation } from './explain.ts'
import { isLateCancellation } from './sessions.ts'

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

/** 409 naming the first rule the new time breaks (`overlap: ...`), with every broken rule at its field; nothing when none is. */
function refuseBroken(broken: readonly Violation[], what: 'booking' | 'move'): void {
  const first = broken[0]
  if (first) throw new Conflict(`${first.rule}: the ${what} breaks the rule ${first.rule} (${first.detail})`, broken.map((v) => ({ path: FIELD[v.rule] ?? 'start', message: `${v.rule}: ${v.detail}` })))
}

/** A booked session (maybe one that no longer fits) already holds that counsellor's time: 409 overlap. */
function asOverlap(err: unknown): unknown {
  return err instanceof SlotTaken ? new Conflict(`overlap: counsellor ${err.counsellorId} already has a booked session at that time`, [{ path: 'start', message: 'overlap: the time is taken' }]) : err
}

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
      refuseBroken(checkBooking(problem, id, session), 'booking')
      try {
        const sessionId = changes.book(session, r.language)
        return { ...session, id: sessionId }
      } catch (err) {
        throw asOverlap(err)
      }
    })
    .immediate()
}

/** A move of one booked session: where it goes, and what that costs the interpreter service. */
export type Moved = {
  readonly sessionId: string
  readonly from: { readonly counsellorId: string; readonly start: string }
  readonly to: { readonly counsellorId: string; readonly start: string; readonly end: string }
  /** The interpreter must be ordered again (the time changed). */
  readonly interpreterReorder: boolean
  /** The old order is cancelled too late to be free (the interpreter service's rule). */
  readonly lateCancellation: boolean
}

/** The booked individual or follow-up session to move, or 404 / 409 saying why it cannot be. */
function movable(deps: AllocationDeps, caller: Caller, sessionId: string, now: Date): StoredSession & { kind: 'individual' | 'followup' } {
  if (caller.role !== 'coordinator') throw new Forbidden(`moving a session needs a coordinator key; yours is ${withArticle(caller.role)} key`)
  const s = deps.sessions.findById(sessionId)
  if (!s || s.status !== 'booked') throw new NotFound(`no booked session ${sessionId}`)
  if (Date.parse(s.start) <= now.getTime()) throw new Conflict(`horizon: session ${sessionId} has begun or been held; only sessions still to come can be moved`)
  if (s.kind === 'group') throw new Conflict(`group-meeting: a group meeting is not moved one seat at a time; cancel it and let the next run plan a new one`)
  return s as StoredSession & { kind: 'individual' | 'followup' }
}

/** The centre's state as if this session were not booked: what a move may choose from. */
function stateWithout(deps: AllocationDeps, s: StoredSession, now: Date): Problem {
  const { problem } = loadState(deps, todayInOslo(now), BOOKING_HORIZON_WEEKS, now)
  const mine = (x: Session) => x.kind !== 'group' && x.counsellorId === s.counsellorId && Date.parse(x.start) === Date.parse(s.start)
  return { ...problem, pinned: problem.pinned.filter((x) => !mine(x)) }
}

/** Where a booked session could move: the earliest feasible times for its referral with this one freed, as options are. */
export function moveOptions(deps: AllocationDeps, caller: Caller, sessionId: string, limit = 5, lang: Lang = 'nb', now = new Date()): OptionsOut {
  const s = movable(deps, caller, sessionId, now)
  const referralId = s.referrals[0]!.id
  const problem = stateWithout(deps, s, now)
  const found = optionsFor(problem, referralId, { limit: limit + 1, planned: latestPlan(deps) })
  if (!found.ok) return { referralId, options: [], reason: found.reason, detail: renderExplanation(found.explanation, lang) }
  // Its own time is no move.
  const others = found.options.filter((o) => !(o.counsellorId === s.counsellorId && Date.parse(o.start) === Date.parse(s.start))).slice(0, limit)
  return { referralId, options: others.map((o) => ({ ...o, displaces: [...o.displaces] })) }
}

/**
 * Move one booked session to another counsellor or time (the coordinator, on the phone): checked
 * against every rule as a direct booking is, with the session's own time freed, and rewritten in
 * place in one BEGIN IMMEDIATE transaction, keeping its id. The move is recorded and told
 * (session.moved), with whether the interpreter must be ordered again and whether cancelling the
 * old order is late. 409 names the rule that forbids it.
 */
export function moveSession(deps: AllocationDeps, caller: Caller, sessionId: string, want: { readonly counsellorId: string; readonly start: string }, now = new Date()): Moved {
  const changes = createChangeRepository(deps.db)
  return deps.db
    .transaction(() => {
      const s = movable(deps, caller, sessionId, now)
      if (Date.parse(want.start) <= now.getTime()) throw new Conflict(`horizon: ${want.start} has passed; choose a time still to come`, [{ path: 'start', message: 'horizon: in the past' }])
      const problem = stateWithout(deps, s, now)
      const referralId = s.referrals[0]!.id
      const r = problem.referrals.find((x) => x.id === referralId)
      if (!r) throw new Conflict(`referral-open: the referral is withdrawn or completed; cancel the session instead`)
      const to = bookingSession(problem, r, want.counsellorId, want.start)
      refuseBroken(checkBooking(problem, referralId, to), 'move')
      const policy = resolvePolicy(deps.settings.policyInput(todayInOslo(now)), todayInOslo(now))
      const sameStart = Date.parse(to.start) === Date.parse(s.start)
      const interpreted = s.interpreterOrderBy !== null
      const change = {
        sessionId,
        from: { counsellorId: s.counsellorId, start: s.start },
        to: { counsellorId: to.counsellorId, start: to.start },
        interpreterReorder: interpreted && !sameStart,
        lateCancellation: interpreted && !sameStart && isLateCancellation(s, now, policy),
      }
      try {
        changes.apply(null, [change], [{ ...to, kind: s.kind, id: sessionId }], (x) => isLateCancellation(x, now, policy), now)
      } catch (err) {
        throw asOverlap(err)
      }
      bumpStateVersion(deps.db)
      return { ...change, to: { ...change.to, end: to.end } }
    })
    .immediate()
}
