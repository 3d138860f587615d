import { randomUUID } from 'node:crypto'
import type { Db } from '../../src/store/db.ts'

/**
 * Book a session straight into the store, as a committed allocation would, so referral tests can
 * see `scheduled`, `completed` and the 409 on re-post without the allocation lifecycle.
 */
export function bookSession(db: Db, referralId: string, opts: { start: string; end: string; kind?: 'individual' | 'followup' }): string {
  db.prepare(
    `INSERT OR IGNORE INTO counsellors (id, name, municipalities, weekly, absences, updated_at)
     VALUES ('test-counsellor', 'Test Counsellor', '[]', '[]', '[]', '2025-01-01T00:00:00Z')`,
  ).run()
  const id = randomUUID()
  db.prepare(
    `INSERT INTO sessions (id, allocation_id, counsellor_id, kind, language, start, end, start_utc, end_utc, interpreter_order_by, status)
     VALUES (?, NULL, 'test-counsellor', ?, NULL, ?, ?, ?, ?, NULL, 'booked')`,
  ).run(id, opts.kind ?? 'individual', opts.start, opts.end, new Date(opts.start).toISOString(), new Date(opts.end).toISOString())
  db.prepare('INSERT INTO session_referrals (session_id, referral_id) VALUES (?, ?)').run(id, referralId)
  return id
}
