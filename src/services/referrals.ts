import { resolvePolicy, TRACK_IN_FORCE } from '../../solver/policy.ts'
import { deadlineOf } from '../../solver/rules/index.ts'
import type { Policy } from '../../solver/types.ts'
import { seesIdentity, type Caller } from '../auth/caller.ts'
import { todayInOslo } from '../clock.ts'
import { Conflict, counted, Forbidden, issuePath, NotFound, Validation, type ProblemItem } from '../errors.ts'
import { pageOf, type Page } from '../schemas/page.ts'
import { ReferralInputSchema, type ReferralOut, type ReferralPatch } from '../schemas/referral.ts'
import type { BookedSession, ReferralRepository, ReferralWrite, StoredReferral } from '../store/referral-repository.ts'
import type { SessionRepository, StoredSession } from '../store/session-repository.ts'
import { toSolverReferral } from './scenario.ts'
import type { Plan, PlanOf } from './plan.ts'
import { isLateCancellation } from './sessions.ts'

export type IntakeResult = { created: number; updated: number; ids: string[] }

export const NO_SECRET_MESSAGE = 'this service stores no DUF numbers until TILDELING_SECRET is set; send the referral without participant.dufNumber'

/**
 * No settlement date before this is plausible for a referral now: the oldest participants of the
 * introduction programme were settled about five years before it, and 2015 leaves room for
 * extensions and late referrals while catching typos such as 1900 or 2105.
 */
export const EARLIEST_SETTLEMENT = '2015-01-01'

/**
 * Dates a live referral cannot have (API and import; scenarios are history and skip these):
 * referred after today (Oslo), settled after today, or settled before EARLIEST_SETTLEMENT.
 */
export function implausibleDates(r: { readonly settledOn: string; readonly referredOn: string }, today: string): [path: string, message: string][] {
  const found: [string, string][] = []
  if (r.referredOn > today) found.push(['referredOn', `a referral cannot be dated after today (${today}); this one is dated ${r.referredOn}`])
  if (r.settledOn > today) found.push(['settledOn', `settlement cannot be after today (${today})`])
  if (r.settledOn < EARLIEST_SETTLEMENT) found.push(['settledOn', `settlement before ${EARLIEST_SETTLEMENT} is not plausible for a referral now`])
  return found
}

/**
 * A batch of referrals, from the API or the import command: every item is checked, every
 * problem is reported, and either all are stored (one transaction) or none.
 * - invalid items (schema, implausible dates, track not in force on referredOn, duplicate in the batch, DUF without secret): 422;
 * - a municipality key posting another municipality's number: 403 naming the items;
 * - an item whose referral already has a booked session, or is withdrawn: 409 naming the items.
 */
export function intakeReferrals(referrals: ReferralRepository, caller: Caller, items: readonly unknown[], today = todayInOslo()): IntakeResult {
  const problems: ProblemItem[] = []
  const valid: ReferralWrite[] = []
  const seen = new Map<string, number>()
  items.forEach((item, index) => {
    const parsed = ReferralInputSchema.safeParse(item)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ index, path: issuePath(issue.path), message: issue.message })
      return
    }
    const r = { ...parsed.data, referredOn: parsed.data.referredOn ?? today }
    for (const [path, message] of implausibleDates(r, today)) problems.push({ index, path, message })
    const inForce = TRACK_IN_FORCE[r.track]
    if (r.referredOn < inForce.from || (inForce.until !== undefined && r.referredOn > inForce.until)) {
      const span = inForce.until ? `from ${inForce.from} to ${inForce.until}` : `from ${inForce.from}`
      problems.push({ index, path: 'track', message: `the ${r.track} track is in force ${span}; this referral is dated ${r.referredOn}` })
    }
    if (r.participant?.dufNumber !== undefined && !referrals.acceptsDuf()) {
      problems.push({ index, path: 'participant.dufNumber', message: NO_SECRET_MESSAGE })
    }
    const key = `${r.municipality}\u0000${r.externalRef}`
    const first = seen.get(key)
    if (first !== undefined) problems.push({ index, path: 'externalRef', message: `externalRef ${r.externalRef} of municipality ${r.municipality} is already item ${first} of this batch` })
    else seen.set(key, index)
    valid.push(r)
  })
  if (problems.length > 0) {
    const invalid = new Set(problems.map((p) => p.index)).size
    throw new Validation(`${invalid} of ${counted(items.length, 'referral')} ${invalid === 1 ? 'is' : 'are'} invalid; nothing was stored`, problems)
  }

  if (caller.role === 'municipality') {
    const foreign = valid.flatMap((r, index) =>
      r.municipality === caller.municipality ? [] : [{ index, path: 'municipality', message: `your key is for municipality ${caller.municipality}, not ${r.municipality}` }],
    )
    if (foreign.length > 0) throw new Forbidden(`${counted(foreign.length, 'referral')} ${foreign.length === 1 ? 'names' : 'name'} another municipality; nothing was stored`, foreign)
  }

  // The batch and its audit lines are stored together or not at all.
  const outcome = referrals.transaction(() => {
    const o = referrals.upsertBatch(valid)
    if (o.ok) referrals.audit.record(caller, 'write', o.ids)
    return o
  })
  if (!outcome.ok) {
    const clashes = [
      ...outcome.scheduled.map((index) => ({ index, path: 'externalRef', message: 'this referral is already scheduled; cancel the session first' })),
      ...outcome.withdrawn.map((index) => ({ index, path: 'externalRef', message: 'this referral is withdrawn; it changes no more (post a new externalRef for a new referral)' })),
    ].sort((a, b) => a.index - b.index)
    throw new Conflict(`${counted(clashes.length, 'referral')} ${clashes.length === 1 ? 'is' : 'are'} already scheduled or withdrawn and cannot be replaced. Nothing was stored`, clashes)
  }
  return { created: outcome.created, updated: outcome.updated, ids: outcome.ids }
}

/**
 * The status a referral reads back with, derived in this order: withdrawn; completed (a booked
 * individual session has ended); scheduled (any booked session); deferred (until after today);
 * blocked (ordinary track without competence mapping); pending.
 */
export function referralStatus(r: StoredReferral, sessions: readonly BookedSession[], now: Date, today: string): ReferralOut['status'] {
  if (r.withdrawnAt !== undefined) return 'withdrawn'
  if (sessions.some((s) => s.kind === 'individual' && Date.parse(s.endUtc) <= now.getTime())) return 'completed'
  if (sessions.length > 0) return 'scheduled'
  if (r.deferredUntil !== undefined && r.deferredUntil > today) return 'deferred'
  if (r.track === 'ordinary' && !r.competenceMappingDone) return 'blocked'
  return 'pending'
}

export type ReadContext = {
  readonly caller: Caller
  readonly policy: Policy
  readonly now: Date
  readonly today: string
  /** Ids of the referrals read whose stored DUF number could not be decrypted (left out of the view). */
  readonly unreadableDuf: string[]
  /** What the latest run did with a referral, in the reader's language (plan.ts); none: no `plan`. */
  readonly planOf?: PlanOf | undefined
}

/** Where a read warns; a pino or Fastify logger fits. */
export type WarnLog = { warn(obj: object, msg: string): void }

/** One warning per read that left DUF numbers out, with the referral ids (pseudonyms) and never a number. */
function warnUnreadable(ctx: ReadContext, log: WarnLog | undefined): void {
  if (ctx.unreadableDuf.length === 0) return
  log?.warn({ referralIds: ctx.unreadableDuf }, `${ctx.unreadableDuf.length} stored DUF number(s) could not be decrypted (TILDELING_SECRET missing or not the one they were stored with); left out of the response`)
}

/** The read-back shape for this caller: identity (participant, advisor, externalRef, deferralReason) only for the centre and the owning municipality. */
export function referralView(r: StoredReferral, sessions: readonly BookedSession[], ctx: ReadContext, referrals: ReferralRepository): ReferralOut {
  const { id, participantName, dufEncrypted, withdrawnAt: _w, createdAt: _c, updatedAt: _u, advisor, externalRef, deferralReason, ...fields } = r
  const identity = seesIdentity(ctx.caller, r.municipality)
  const dufNumber = identity && dufEncrypted !== undefined ? referrals.revealDuf(dufEncrypted) : undefined
  if (identity && dufEncrypted !== undefined && dufNumber === undefined) ctx.unreadableDuf.push(id)
  const participant = identity && (participantName !== undefined || dufNumber !== undefined)
    ? { ...(participantName !== undefined && { name: participantName }), ...(dufNumber !== undefined && { dufNumber }) }
    : undefined
  return {
    ...fields,
    // The municipality's case id names a person and a reason is free text that may: pseudonymised
    // readers (analysts) get neither, and know the referral by its `id` alone.
    ...(identity && { externalRef }),
    ...(identity && deferralReason !== undefined && { deferralReason }),
    ...(participant && { participant }),
    ...(identity && advisor && { advisor }),
    id,
    status: referralStatus(r, sessions, ctx.now, ctx.today),
    deadline: deadlineOf(toSolverReferral(r, r.referredOn), ctx.policy),
    sessions: sessions.map(({ endUtc: _e, ...s }) => s),
    ...withPlan(ctx.planOf?.(id)),
  }
}

function withPlan(plan: Plan | undefined): { plan?: Plan } {
  return plan ? { plan } : {}
}

export function readContext(referrals: ReferralRepository, caller: Caller, now = new Date(), planOf?: PlanOf): ReadContext {
  const today = todayInOslo(now)
  return { caller, now, today, policy: resolvePolicy(referrals.policyInput(today), today), unreadableDuf: [], planOf }
}

/** Audit the reads that showed a participant's identity (an analyst's pseudonymised reads show none). */
function auditIdentityReads(referrals: ReferralRepository, caller: Caller, shown: readonly { readonly id: string; readonly municipality: string }[]): void {
  referrals.audit.record(caller, 'read', shown.filter((r) => seesIdentity(caller, r.municipality)).map((r) => r.id))
}

/** The municipality a caller is bound to: of a group meeting it sees only its own referral ids, as in GET /v1/sessions. */
const ownMunicipality = (caller: Caller) => (caller.role === 'municipality' ? caller.municipality : undefined)

/** One referral as this caller may see it; another municipality's is not found (its existence does not leak). */
export function getReferral(referrals: ReferralRepository, caller: Caller, id: string, log?: WarnLog, planOf?: PlanOf): ReferralOut {
  const r = referrals.findById(id)
  if (!r || (caller.role === 'municipality' && caller.municipality !== r.municipality)) throw new NotFound(`no referral ${id}`)
  const ctx = readContext(referrals, caller, new Date(), planOf)
  const view = referralView(r, referrals.bookedSessions([id], ownMunicipality(caller)).get(id) ?? [], ctx, referrals)
  auditIdentityReads(referrals, caller, [r])
  warnUnreadable(ctx, log)
  return view
}

export type ReferralFilter = { readonly status?: ReferralOut['status'] | undefined; readonly municipality?: string | undefined }

/**
 * One page of the referrals this caller may see, in id order after `after`; a municipality key
 * sees only its own whatever it asks. The status is derived at read time, by the store's query.
 */
export function listReferrals(referrals: ReferralRepository, caller: Caller, filter: ReferralFilter, page: { readonly limit: number; readonly after?: string | undefined }, log?: WarnLog, planOf?: PlanOf): Page<ReferralOut> {
  if (caller.role === 'municipality' && filter.municipality !== undefined && filter.municipality !== caller.municipality) return { items: [], next: null }
  const municipality = caller.role === 'municipality' ? caller.municipality : filter.municipality
  const ctx = readContext(referrals, caller, new Date(), planOf)
  // The store filters by status (in SQL, at this read's time); one more row than the page shows whether another follows.
  const status = filter.status === undefined ? undefined : { is: filter.status, now: ctx.now, today: ctx.today }
  const stored = referrals.listAfter({ municipality, after: page.after, limit: page.limit + 1, status })
  const sessions = referrals.bookedSessions(stored.map((r) => r.id), ownMunicipality(caller))
  const candidates = stored.map((r) => referralView(r, sessions.get(r.id) ?? [], ctx, referrals))
  const shown = pageOf(candidates, page.limit, (r) => [r.id])
  auditIdentityReads(referrals, caller, shown.items)
  warnUnreadable(ctx, log)
  return shown
}

/**
 * The case references (externalRef) of these referrals, for a page that lists sessions: only what
 * the caller may see of identity, and audited like any read of it.
 */
export function referralLabels(referrals: ReferralRepository, caller: Caller, ids: readonly string[]): Map<string, string> {
  const labels = new Map<string, string>()
  const shown: { id: string; municipality: string }[] = []
  for (const id of new Set(ids)) {
    const r = referrals.findById(id)
    if (!r || !seesIdentity(caller, r.municipality)) continue
    labels.set(id, r.externalRef)
    shown.push(r)
  }
  auditIdentityReads(referrals, caller, shown)
  return labels
}

/** Find referrals by the municipality's case reference (exact first, then those it begins); a municipality searches only its own. */
export function searchReferrals(referrals: ReferralRepository, caller: Caller, ref: string, limit = 50): ReferralOut[] {
  const municipality = caller.role === 'municipality' ? caller.municipality : undefined
  // An analyst has no case references to search by (pseudonymised).
  if (caller.role === 'analyst') return []
  const found = referrals.searchByExternalRef(ref.trim(), municipality, limit)
  const ctx = readContext(referrals, caller)
  const sessions = referrals.bookedSessions(found.map((r) => r.id), ownMunicipality(caller))
  const views = found.map((r) => referralView(r, sessions.get(r.id) ?? [], ctx, referrals))
  auditIdentityReads(referrals, caller, views)
  return views
}

/**
 * PATCH: consent, mapping, group meeting, deferral (both or neither), withdrawal; in one
 * transaction with what it does to the referral's sessions.
 * - Withdrawal cancels the referral's booked sessions that have not started (an individual or
 *   follow-up session is cancelled, late if an interpreter is booked too close; from a group
 *   meeting the referral leaves, and a meeting nobody is left in is cancelled). Held sessions stay.
 * - A deferral past a coming booked session is a 409: the session has to be cancelled first.
 */
export function patchReferral(
  deps: { readonly referrals: ReferralRepository; readonly sessions: SessionRepository },
  caller: Caller,
  id: string,
  p: ReferralPatch,
  now = new Date(),
): ReferralOut {
  const { referrals, sessions } = deps
  const givesDeferral = p.deferredUntil !== undefined || p.deferralReason !== undefined
  if (givesDeferral && (p.deferredUntil === undefined || p.deferralReason === undefined || (p.deferredUntil === null) !== (p.deferralReason === null))) {
    throw new Validation('deferredUntil and deferralReason come together: both set, or both null to end the deferral', [
      { path: p.deferredUntil === undefined || p.deferredUntil === null ? 'deferredUntil' : 'deferralReason', message: 'give both deferredUntil and deferralReason, or both as null' },
    ])
  }
  referrals.transaction(() => {
    const r = referrals.findById(id)
    if (!r || (caller.role === 'municipality' && caller.municipality !== r.municipality)) throw new NotFound(`no referral ${id}`)
    if (r.withdrawnAt !== undefined) throw new Conflict(`referral ${id} is withdrawn; it changes no more`)
    const coming = (referrals.bookedSessions([id]).get(id) ?? []).filter((s) => Date.parse(s.start) > now.getTime())
    const deferredUntil = p.deferredUntil
    if (typeof deferredUntil === 'string') {
      // The session's local date: `start` carries the Oslo offset, so its first ten characters are the Oslo day.
      const before = coming.filter((s) => s.start.slice(0, 10) < deferredUntil)
      if (before.length > 0) {
        throw new Conflict(
          `referral ${id} has ${before.length} booked session(s) before ${deferredUntil} (${before.map((s) => s.id).join(', ')}); cancel them first with POST /v1/sessions/{id}/cancel, then defer`,
        )
      }
    }
    if (p.withdrawn) {
      const { policy } = readContext(referrals, caller, now)
      const late = (s: StoredSession) => isLateCancellation(s, now, policy)
      for (const s of coming) {
        if (s.kind === 'group' && referrals.leaveGroup(s.id, id) > 0) {
          // Notifications (issue 11): the meeting stays for the others; this referral's side hears it is cancelled, in this transaction.
          const left = sessions.findById(s.id)
          if (left) sessions.recordEvent({ type: 'session.cancelled', sessionId: s.id, referralIds: [id], lateCancellation: late(left) }, now)
          continue
        }
        sessions.cancel(s.id, 'referral withdrawn', late, now)
      }
    }
    referrals.update(id, {
      ...(p.competenceMappingDone !== undefined && { competenceMappingDone: p.competenceMappingDone }),
      ...(p.advisorConsent !== undefined && { advisorConsent: p.advisorConsent }),
      ...(p.groupMeetingDone !== undefined && { groupMeetingDone: p.groupMeetingDone }),
      ...(givesDeferral && { deferredUntil: p.deferredUntil ?? null, deferralReason: p.deferralReason ?? null }),
      ...(p.withdrawn && { withdrawnAt: now.toISOString() }),
    })
    referrals.audit.record(caller, p.withdrawn ? 'withdraw' : 'update', [id], now)
  })
  return getReferral(referrals, caller, id)
}
