import { isLateCancellation as lateCancellationRule, type InterpreterService } from '../../solver/rules/late-cancellation.ts'
import { resolvePolicy } from '../../solver/policy.ts'
import type { Caller } from '../auth/index.ts'
import { todayInOslo } from '../clock.ts'
import { Conflict, NotFound } from '../errors.ts'
import { pageOf, type CursorKey, type Page } from '../schemas/page.ts'
import type { SessionWire } from '../schemas/session.ts'
import { toWireSession, type SessionRepository, type StoredSession } from '../store/session-repository.ts'
import type { SettingsRepository } from '../store/settings-repository.ts'

export type SessionQuery = {
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly counsellorId?: string | undefined
  readonly municipality?: string | undefined
}

/** `from`/`to` are dates (Oslo) or date-times; a date `to` includes that whole day. */
function instant(value: string, endOfDay: boolean): string {
  if (value.length > 10) return new Date(value).toISOString()
  // Oslo is UTC+1 or +2: widening by the larger offset keeps every session of the day, and the
  // end of the day is compared against start times, so nothing of the next day slips in but
  // sessions before 02:00, when no centre works.
  const ms = Date.parse(`${value}T00:00:00Z`) + (endOfDay ? 24 * 3_600_000 - 3_600_000 : -2 * 3_600_000)
  return new Date(ms).toISOString()
}

/**
 * One page of the booked sessions this caller may see, in start order after `after` (startUtc,
 * id): the centre sees all; a municipality only sessions of its own referrals, and of a group
 * session only its own referral ids.
 */
export function listSessions(sessions: SessionRepository, caller: Caller, q: SessionQuery, page: { readonly limit: number; readonly after?: CursorKey | undefined }): Page<SessionWire> {
  if (caller.role === 'municipality' && q.municipality !== undefined && q.municipality !== caller.municipality) return { items: [], next: null }
  const municipality = caller.role === 'municipality' ? caller.municipality : q.municipality
  const [afterStart, afterId] = page.after ?? []
  const found = sessions.list({
    status: 'booked',
    fromUtc: q.from === undefined ? undefined : instant(q.from, false),
    toUtc: q.to === undefined ? undefined : instant(q.to, true),
    counsellorId: q.counsellorId,
    municipality,
    after: afterStart === undefined || afterId === undefined ? undefined : [afterStart, afterId],
    limit: page.limit + 1,
  })
  const { items, next } = pageOf(found, page.limit, (s) => [s.startUtc, s.id])
  return { items: items.map((s) => toWireSession(municipality === undefined ? s : { ...s, referrals: s.referrals.filter((r) => r.municipality === municipality) }) as SessionWire), next }
}

/**
 * Cancelling, moving or withdrawing at `now` is late when the interpreter service serving the
 * session's language bills it (solver/rules/late-cancellation.ts: clock hours or working hours;
 * without services, the policy's lateCancellationHours). A session without interpreter is never late.
 */
export function isLateCancellation(s: StoredSession, now: Date, terms: LateCancellationTerms): boolean {
  return lateCancellationRule({ start: s.start, interpreted: s.interpreterOrderBy !== null, language: s.language }, now.toISOString(), terms)
}

/** What the rule reads from the policy. */
export type LateCancellationTerms = { readonly lateCancellationHours: number; readonly interpreterServices?: readonly InterpreterService[] | undefined }

/**
 * Cancel a booked session that has not begun; the later sessions that depended on it go with it
 * (a group meeting's members' individual sessions, a first session's follow-up), so nothing is left
 * booked without what must come before it. The referrals go back to pending (status is derived
 * from booked sessions) and the next run plans them again.
 */
export function cancelSession(
  deps: { readonly sessions: SessionRepository; readonly settings: SettingsRepository },
  id: string,
  reason: string,
  now: Date = new Date(),
): { lateCancellation: boolean; alsoCancelled: { id: string; kind: StoredSession['kind']; start: string; lateCancellation: boolean }[] } {
  // The policy in force on the day of the cancellation (`now`), as the rest of the cancellation counts.
  const policy = resolvePolicy(deps.settings.policyInput(todayInOslo(now)), todayInOslo(now))
  const outcome = deps.sessions.cancel(id, reason, (s) => isLateCancellation(s, now, policy), now)
  if (!outcome.ok) {
    if (outcome.why === 'not-found') throw new NotFound(`no session ${id}`)
    if (outcome.why === 'begun') throw new Conflict(`session ${id} has already begun or been held; only sessions still to come can be cancelled`)
    throw new Conflict(`session ${id} is already cancelled`)
  }
  return { lateCancellation: outcome.lateCancellation, alsoCancelled: [...outcome.dependents] }
}
