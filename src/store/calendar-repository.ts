import { createHash, randomBytes } from 'node:crypto'
import type { Db } from './db.ts'

const hash = (token: string) => createHash('sha256').update(token).digest('hex')

/** A session that left this counsellor's calendar by a move: where it was, for a CANCELLED entry there. */
export type MovedAway = { readonly sessionId: string; readonly fromStart: string; readonly startUtc: string; readonly endUtc: string; readonly sequence: number }

export type CalendarRepository = ReturnType<typeof createCalendarRepository>

/** Calendar subscription tokens (stored as sha256, like keys) and what a feed needs beyond the sessions. */
export function createCalendarRepository(db: Db) {
  const put = db.prepare(
    `INSERT INTO calendar_tokens (counsellor_id, token_hash, created_at) VALUES (?, ?, ?)
     ON CONFLICT (counsellor_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
  )
  const revoke = db.prepare('DELETE FROM calendar_tokens WHERE counsellor_id = ?')
  const check = db.prepare('SELECT 1 FROM calendar_tokens WHERE counsellor_id = ? AND token_hash = ?').pluck()
  const sequences = db.prepare('SELECT id, sequence FROM sessions WHERE id IN (SELECT value FROM json_each(?))')
  // The latest move of each session away from this counsellor, when it is now someone else's.
  const movedAway = db.prepare(
    `SELECT m.session_id, m.from_start, s.start_utc, s.end_utc, s.sequence FROM session_moves m JOIN sessions s ON s.id = m.session_id
     WHERE m.from_counsellor_id = @id AND s.counsellor_id <> @id AND s.end_utc > @since
       AND m.rowid = (SELECT max(rowid) FROM session_moves x WHERE x.session_id = m.session_id AND x.from_counsellor_id = @id)`,
  )

  return {
    /** A new token for the counsellor's feed; the old one stops working at once. */
    issue(counsellorId: string, now = new Date()): string {
      const token = `cal_${randomBytes(24).toString('base64url')}`
      put.run(counsellorId, hash(token), now.toISOString())
      return token
    },
    revoke: (counsellorId: string): boolean => revoke.run(counsellorId).changes > 0,
    verify: (counsellorId: string, token: string): boolean => check.get(counsellorId, hash(token)) !== undefined,
    sequences(ids: readonly string[]): Map<string, number> {
      return new Map((sequences.all(JSON.stringify(ids)) as { id: string; sequence: number }[]).map((r) => [r.id, r.sequence]))
    },
    movedAway(counsellorId: string, sinceUtc: string): MovedAway[] {
      type Row = { session_id: string; from_start: string; start_utc: string; end_utc: string; sequence: number }
      return (movedAway.all({ id: counsellorId, since: sinceUtc }) as Row[]).map((r) => {
        const duration = Date.parse(r.end_utc) - Date.parse(r.start_utc)
        const startUtc = new Date(r.from_start).toISOString()
        return { sessionId: r.session_id, fromStart: r.from_start, startUtc, endUtc: new Date(Date.parse(startUtc) + duration).toISOString(), sequence: r.sequence }
      })
    },
  }
}
