import type { Session } from '../../solver/types.ts'
import type { Db } from './db.ts'
import { recordSessionEvent, type SessionEvent } from './outbox-repository.ts'
import { bumpStateVersion } from './state.ts'

export type SessionRepository = ReturnType<typeof createSessionRepository>

/** A session as stored, with what the wire shape leaves out (municipalities for filtering, status, language). */
export type StoredSession = {
  readonly id: string
  readonly counsellorId: string
  readonly kind: 'individual' | 'followup' | 'group'
  /** The participants' language (every kind: the calendar names it). */
  readonly language: string | null
  readonly start: string
  readonly end: string
  readonly startUtc: string
  readonly endUtc: string
  readonly interpreterOrderBy: string | null
  readonly status: 'booked' | 'cancelled'
  /** The session's referrals with each one's municipality. */
  readonly referrals: readonly { readonly id: string; readonly municipality: string }[]
}

type Row = {
  id: string
  counsellor_id: string
  kind: StoredSession['kind']
  language: string | null
  start: string
  end: string
  start_utc: string
  end_utc: string
  interpreter_order_by: string | null
  status: StoredSession['status']
  referrals: string
}

function fromRow(r: Row): StoredSession {
  return {
    id: r.id,
    counsellorId: r.counsellor_id,
    kind: r.kind,
    language: r.language,
    start: r.start,
    end: r.end,
    startUtc: r.start_utc,
    endUtc: r.end_utc,
    interpreterOrderBy: r.interpreter_order_by,
    status: r.status,
    referrals: (JSON.parse(r.referrals) as { id: string; municipality: string }[]).sort((a, b) => a.id.localeCompare(b.id)),
  }
}

/** The wire shape (contract "Allocation") of a stored session, with its id. */
export function toWireSession(s: StoredSession): Session & { id: string } {
  if (s.kind === 'group') {
    return { id: s.id, kind: 'group', referralIds: s.referrals.map((r) => r.id), counsellorId: s.counsellorId, language: s.language ?? '', start: s.start, end: s.end, interpreterOrderBy: s.interpreterOrderBy ?? s.start }
  }
  return {
    id: s.id,
    kind: s.kind,
    referralId: s.referrals[0]?.id ?? '',
    counsellorId: s.counsellorId,
    start: s.start,
    end: s.end,
    ...(s.interpreterOrderBy !== null && { interpreterOrderBy: s.interpreterOrderBy }),
  }
}

export type SessionFilter = {
  /** UTC instants (ISO): sessions that end after `fromUtc` and start before `toUtc`. */
  readonly fromUtc?: string | undefined
  readonly toUtc?: string | undefined
  readonly counsellorId?: string | undefined
  readonly municipality?: string | undefined
  readonly status?: StoredSession['status'] | undefined
  /** Keyset paging in list order: only sessions after this (startUtc, id), at most `limit` of them. */
  readonly after?: readonly [startUtc: string, id: string] | undefined
  readonly limit?: number | undefined
}

/** A later session cancelled with the one asked for, because it depended on it. */
export type DependentCancel = { readonly id: string; readonly kind: StoredSession['kind']; readonly start: string; readonly lateCancellation: boolean }

export type CancelOutcome =
  | { readonly ok: true; readonly lateCancellation: boolean; readonly dependents: readonly DependentCancel[] }
  | { readonly ok: false; readonly why: 'not-found' | 'already-cancelled' | 'begun' }

export function createSessionRepository(db: Db) {
  const select = `SELECT s.*, (SELECT json_group_array(json_object('id', r.id, 'municipality', r.municipality))
      FROM session_referrals sr JOIN referrals r ON r.id = sr.referral_id WHERE sr.session_id = s.id) AS referrals
    FROM sessions s`
  const byId = db.prepare(`${select} WHERE s.id = ?`)
  const filtered = db.prepare(
    `${select}
     WHERE (@status IS NULL OR s.status = @status)
       AND (@from_utc IS NULL OR s.end_utc > @from_utc)
       AND (@to_utc IS NULL OR s.start_utc < @to_utc)
       AND (@counsellor_id IS NULL OR s.counsellor_id = @counsellor_id)
       AND (@municipality IS NULL OR EXISTS (SELECT 1 FROM session_referrals x JOIN referrals r ON r.id = x.referral_id
                                             WHERE x.session_id = s.id AND r.municipality = @municipality))
       AND (@after_start IS NULL OR (s.start_utc, s.id) > (@after_start, @after_id))
     ORDER BY s.start_utc, s.id
     LIMIT @limit`,
  )
  const cancel = db.prepare(
    `UPDATE sessions SET status = 'cancelled', cancelled_at = @now, cancel_reason = @reason, late_cancellation = @late
     WHERE id = @id AND status = 'booked'`,
  )
  // Booked sessions after @start that share a referral with session @id: a member's individual
  // session needs the group meeting before it, a follow-up needs the first session.
  const later = db.prepare(
    `${select}
     WHERE s.status = 'booked' AND s.start_utc > @start AND s.kind IN (SELECT value FROM json_each(@kinds))
       AND EXISTS (SELECT 1 FROM session_referrals x JOIN session_referrals y ON y.referral_id = x.referral_id
                   WHERE x.session_id = s.id AND y.session_id = @id)
     ORDER BY s.start_utc, s.id`,
  )
  const DEPENDS: Readonly<Record<StoredSession['kind'], readonly StoredSession['kind'][]>> = { group: ['individual', 'followup'], individual: ['followup'], followup: [] }

  return {
    /** Write a notification event (issue 11) in the caller's transaction; see recordSessionEvent. */
    recordEvent: (event: SessionEvent, now: Date = new Date()) => recordSessionEvent(db, event, now),
    findById(id: string): StoredSession | undefined {
      const row = byId.get(id) as Row | undefined
      return row && fromRow(row)
    },
    list(f: SessionFilter = {}): StoredSession[] {
      const rows = filtered.all({
        status: f.status ?? null,
        from_utc: f.fromUtc ?? null,
        to_utc: f.toUtc ?? null,
        counsellor_id: f.counsellorId ?? null,
        municipality: f.municipality ?? null,
        after_start: f.after?.[0] ?? null,
        after_id: f.after?.[1] ?? null,
        // SQLite reads a negative LIMIT as none.
        limit: f.limit ?? -1,
      }) as Row[]
      return rows.map(fromRow)
    },
    /**
     * Cancel a booked session that has not begun, and the later booked sessions that depended on
     * it (a group meeting's members' individual sessions, a first session's follow-up), and bump
     * the state version, in one immediate transaction; `late` is decided by the caller per session.
     */
    cancel: (id: string, reason: string, late: (s: StoredSession) => boolean, now: Date): CancelOutcome =>
      db
        .transaction((): CancelOutcome => {
          const row = byId.get(id) as Row | undefined
          if (!row) return { ok: false, why: 'not-found' }
          const session = fromRow(row)
          if (session.status !== 'booked') return { ok: false, why: 'already-cancelled' }
          if (session.startUtc <= now.toISOString()) return { ok: false, why: 'begun' }
          const lateCancellation = late(session)
          cancel.run({ id, reason, late: lateCancellation ? 1 : 0, now: now.toISOString() })
          // Notifications (issue 11): the outbox event commits with the cancellation.
          recordSessionEvent(db, { type: 'session.cancelled', sessionId: id, lateCancellation }, now)
          const dependents = (later.all({ id, start: session.startUtc, kinds: JSON.stringify(DEPENDS[session.kind]) }) as Row[]).map(fromRow).map((d) => {
            const dependentLate = late(d)
            cancel.run({ id: d.id, reason: `depended on cancelled session ${id}: ${reason}`, late: dependentLate ? 1 : 0, now: now.toISOString() })
            recordSessionEvent(db, { type: 'session.cancelled', sessionId: d.id, lateCancellation: dependentLate }, now)
            return { id: d.id, kind: d.kind, start: d.start, lateCancellation: dependentLate }
          })
          bumpStateVersion(db)
          return { ok: true, lateCancellation, dependents }
        })
        .immediate(),
  }
}
