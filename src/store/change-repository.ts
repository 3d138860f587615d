import { randomUUID } from 'node:crypto'
import type { Change } from '../../solver/repair.ts'
import type { Session } from '../../solver/types.ts'
import type { Db } from './db.ts'
import { createSessionRepository, type StoredSession } from './session-repository.ts'
import { recordSessionEvent } from './outbox-repository.ts'
import { bumpStateVersion } from './state.ts'

const utc = (iso: string) => new Date(iso).toISOString()

/** Raised inside a transaction so it rolls back: a booked session already holds that counsellor's time. */
export class SlotTaken extends Error {
  constructor(readonly counsellorId: string, readonly start: string) {
    super(`counsellor ${counsellorId} already has a booked session overlapping ${start}`)
  }
}

/** Raised inside a transaction: a session a change names is no longer booked as the proposal saw it. */
export class ChangeStale extends Error {
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} is no longer booked as the proposal saw it`)
  }
}

/**
 * Moves and cancellations of booked sessions, and direct bookings. Every method runs inside the
 * caller's transaction (a commit's BEGIN IMMEDIATE), so the overlap check and the write see the same
 * state and no two bookings of one counsellor ever overlap.
 */
export function createChangeRepository(db: Db) {
  const sessions = createSessionRepository(db)
  const overlapping = db
    .prepare(
      `SELECT 1 FROM sessions WHERE counsellor_id = ? AND status = 'booked' AND start_utc < ? AND end_utc > ?
       AND id NOT IN (SELECT value FROM json_each(?)) LIMIT 1`,
    )
    .pluck()
  const current = db.prepare(`SELECT counsellor_id AS counsellorId, start FROM sessions WHERE id = ? AND status = 'booked'`)
  const move = db.prepare(
    `UPDATE sessions SET counsellor_id = @counsellor_id, start = @start, end = @end, start_utc = @start_utc, end_utc = @end_utc,
       interpreter_order_by = @interpreter_order_by WHERE id = @id AND status = 'booked'`,
  )
  const record = db.prepare(
    `INSERT INTO session_moves (session_id, allocation_id, moved_at, from_counsellor_id, from_start, to_counsellor_id, to_start, interpreter_reorder, late_cancellation)
     VALUES (@session_id, @allocation_id, @moved_at, @from_counsellor_id, @from_start, @to_counsellor_id, @to_start, @interpreter_reorder, @late_cancellation)`,
  )
  const insertSession = db.prepare(
    `INSERT INTO sessions (id, allocation_id, counsellor_id, kind, language, start, end, start_utc, end_utc, interpreter_order_by, status)
     VALUES (@id, NULL, @counsellor_id, @kind, @language, @start, @end, @start_utc, @end_utc, @interpreter_order_by, 'booked')`,
  )
  const insertMember = db.prepare('INSERT INTO session_referrals (session_id, referral_id) VALUES (?, ?)')

  return {
    /**
     * Apply a proposal's changes (or a coordinator's one move, with no proposal): a session with nowhere to go is cancelled (with what depended on
     * it); a moved one is rewritten in place, keeping its id, after checking that no booking outside
     * the change set holds the new time. Throws SlotTaken or ChangeStale to roll the commit back.
     */
    apply(allocationId: string | null, changes: readonly Change[], moved: readonly (Session & { id?: string })[], lateOf: (s: StoredSession) => boolean, now: Date): void {
      const changing = JSON.stringify(changes.map((c) => c.sessionId))
      const byId = new Map(moved.map((s) => [s.id, s]))
      for (const c of changes) {
        const was = current.get(c.sessionId) as { counsellorId: string; start: string } | undefined
        if (!was || was.counsellorId !== c.from.counsellorId || Date.parse(was.start) !== Date.parse(c.from.start)) throw new ChangeStale(c.sessionId)
        if (c.to === null) {
          const out = sessions.cancel(c.sessionId, 'disrupted: no place left for it in the participant\'s window', (s) => (s.id === c.sessionId ? c.lateCancellation : lateOf(s)), now)
          if (!out.ok) throw new ChangeStale(c.sessionId)
          continue
        }
        const s = byId.get(c.sessionId)
        if (!s) throw new ChangeStale(c.sessionId)
        if (overlapping.get(s.counsellorId, utc(s.end), utc(s.start), changing) !== undefined) throw new SlotTaken(s.counsellorId, s.start)
        move.run({ id: c.sessionId, counsellor_id: s.counsellorId, start: s.start, end: s.end, start_utc: utc(s.start), end_utc: utc(s.end), interpreter_order_by: s.interpreterOrderBy ?? null })
        record.run({
          session_id: c.sessionId,
          allocation_id: allocationId,
          moved_at: now.toISOString(),
          from_counsellor_id: c.from.counsellorId,
          from_start: c.from.start,
          to_counsellor_id: c.to.counsellorId,
          to_start: c.to.start,
          interpreter_reorder: c.interpreterReorder ? 1 : 0,
          late_cancellation: c.lateCancellation ? 1 : 0,
        })
        // Notifications (issue 11): the move's outbox event commits with it.
        recordSessionEvent(db, { type: 'session.moved', sessionId: c.sessionId, from: c.from, lateCancellation: c.lateCancellation, interpreterReorder: c.interpreterReorder }, now)
      }
    },

    /** Book one individual or follow-up session (a direct booking); the caller has checked every rule in the same transaction. */
    book(s: Extract<Session, { kind: 'individual' | 'followup' }>, language: string | null): string {
      if (overlapping.get(s.counsellorId, utc(s.end), utc(s.start), '[]') !== undefined) throw new SlotTaken(s.counsellorId, s.start)
      const id = randomUUID()
      insertSession.run({ id, counsellor_id: s.counsellorId, kind: s.kind, language, start: s.start, end: s.end, start_utc: utc(s.start), end_utc: utc(s.end), interpreter_order_by: s.interpreterOrderBy ?? null })
      insertMember.run(id, s.referralId)
      // Notifications (issue 11): the direct booking's outbox event commits with it.
      recordSessionEvent(db, { type: 'session.booked', sessionId: id })
      bumpStateVersion(db)
      return id
    },
  }
}
