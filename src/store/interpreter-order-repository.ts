import type { Db } from './db.ts'

/** An interpreted session with the order placed for it, if any (for the interpreter-order list). */
export type InterpretedSession = {
  readonly sessionId: string
  readonly status: 'booked' | 'cancelled'
  readonly language: string | null
  readonly start: string
  readonly end: string
  readonly interpreterOrderBy: string
  /** The order as placed (time and language it was placed for); absent when none is open. */
  readonly order?: { readonly start: string; readonly end: string; readonly language: string | null; readonly orderedAt: string }
}

type Row = {
  id: string
  status: 'booked' | 'cancelled'
  language: string | null
  start: string
  end: string
  interpreter_order_by: string
  o_start: string | null
  o_end: string | null
  o_language: string | null
  ordered_at: string | null
}

export type InterpreterOrderRepository = ReturnType<typeof createInterpreterOrderRepository>

export function createInterpreterOrderRepository(db: Db) {
  const list = db.prepare(
    `SELECT s.id, s.status, s.language, s.start, s.end, s.interpreter_order_by,
            o.start AS o_start, o.end AS o_end, o.language AS o_language, o.ordered_at
     FROM sessions s LEFT JOIN interpreter_orders o ON o.session_id = s.id AND o.cancelled_at IS NULL
     WHERE s.interpreter_order_by IS NOT NULL
       AND (@from_utc IS NULL OR s.end_utc > @from_utc)
       AND (@to_utc IS NULL OR s.start_utc < @to_utc)
       AND (s.status = 'booked' OR o.session_id IS NOT NULL)
     ORDER BY s.start_utc, s.id`,
  )
  const session = db.prepare(`SELECT id, status, language, start, end, interpreter_order_by FROM sessions WHERE id = ?`)
  const upsert = db.prepare(
    `INSERT INTO interpreter_orders (session_id, start, end, language, ordered_at, ordered_by, cancelled_at)
     VALUES (@id, @start, @end, @language, @now, @by, NULL)
     ON CONFLICT (session_id) DO UPDATE SET start = excluded.start, end = excluded.end, language = excluded.language,
       ordered_at = excluded.ordered_at, ordered_by = excluded.ordered_by, cancelled_at = NULL`,
  )
  const cancel = db.prepare('UPDATE interpreter_orders SET cancelled_at = ? WHERE session_id = ? AND cancelled_at IS NULL')

  return {
    /** Interpreted sessions overlapping [fromUtc, toUtc), booked ones and cancelled ones whose order is still open. */
    list(range: { fromUtc?: string | undefined; toUtc?: string | undefined }): InterpretedSession[] {
      return (list.all({ from_utc: range.fromUtc ?? null, to_utc: range.toUtc ?? null }) as Row[]).map((r) => ({
        sessionId: r.id,
        status: r.status,
        language: r.language,
        start: r.start,
        end: r.end,
        interpreterOrderBy: r.interpreter_order_by,
        ...(r.o_start !== null && r.o_end !== null && r.ordered_at !== null && { order: { start: r.o_start, end: r.o_end, language: r.o_language, orderedAt: r.ordered_at } }),
      }))
    },
    findSession(id: string): { id: string; status: 'booked' | 'cancelled'; language: string | null; start: string; end: string; interpreter_order_by: string | null } | undefined {
      return session.get(id) as never
    },
    /** The interpreter is ordered for the session as it is booked now (replacing an order for an earlier time). */
    markOrdered(s: { id: string; start: string; end: string; language: string | null }, by: string, now = new Date()): void {
      upsert.run({ id: s.id, start: s.start, end: s.end, language: s.language, now: now.toISOString(), by })
    },
    /** The open order was cancelled with the interpreter service; false when none was open. */
    markCancelled(id: string, now = new Date()): boolean {
      return cancel.run(now.toISOString(), id).changes > 0
    },
  }
}
