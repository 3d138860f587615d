import type { Track } from '../../solver/types.ts'
import type { Db } from './db.ts'

export type TaskKind = 'note' | 'participant-overview'
export const TASK_KINDS = ['note', 'participant-overview'] as const

/** A booked individual or follow-up session of one referral, with what its tasks are derived from. */
export type TaskSession = {
  readonly sessionId: string
  readonly kind: 'individual' | 'followup'
  readonly counsellorId: string
  readonly start: string
  readonly end: string
  readonly referralId: string
  readonly municipality: string
  readonly track: Track
  /** When each of its tasks was marked done, by kind. */
  readonly done: Readonly<Partial<Record<TaskKind, string>>>
}

type Row = {
  session_id: string
  kind: TaskSession['kind']
  counsellor_id: string
  start: string
  end: string
  referral_id: string
  municipality: string
  track: Track
  done: string
}

export type TaskRepository = ReturnType<typeof createTaskRepository>

export function createTaskRepository(db: Db) {
  const sessions = db.prepare(
    `SELECT s.id AS session_id, s.kind, s.counsellor_id, s.start, s.end, r.id AS referral_id, r.municipality, r.track,
            (SELECT json_group_object(c.kind, c.done_at) FROM task_completions c WHERE c.session_id = s.id) AS done
     FROM sessions s JOIN session_referrals sr ON sr.session_id = s.id JOIN referrals r ON r.id = sr.referral_id
     WHERE s.status = 'booked' AND s.kind IN ('individual', 'followup')
       AND (@session_id IS NULL OR s.id = @session_id)
       AND (@counsellor_id IS NULL OR s.counsellor_id = @counsellor_id)
       AND (@municipality IS NULL OR r.municipality = @municipality)
     ORDER BY s.start_utc, s.id`,
  )
  const markDone = db.prepare(
    `INSERT INTO task_completions (session_id, kind, done_at, done_by) VALUES (?, ?, ?, ?)
     ON CONFLICT (session_id, kind) DO NOTHING`,
  )
  const fromRow = (r: Row): TaskSession => ({
    sessionId: r.session_id,
    kind: r.kind,
    counsellorId: r.counsellor_id,
    start: r.start,
    end: r.end,
    referralId: r.referral_id,
    municipality: r.municipality,
    track: r.track,
    done: JSON.parse(r.done) as TaskSession['done'],
  })
  return {
    /** Booked individual and follow-up sessions in start order, narrowed by session, counsellor or referral's municipality. */
    sessions(f: { sessionId?: string | undefined; counsellorId?: string | undefined; municipality?: string | undefined } = {}): TaskSession[] {
      return (sessions.all({ session_id: f.sessionId ?? null, counsellor_id: f.counsellorId ?? null, municipality: f.municipality ?? null }) as Row[]).map(fromRow)
    },
    /** Record a task done; a task already done keeps its first time (marking again changes nothing). */
    markDone(sessionId: string, kind: TaskKind, by: string, now: Date): void {
      markDone.run(sessionId, kind, now.toISOString(), by)
    },
  }
}
