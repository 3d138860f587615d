import { randomUUID } from 'node:crypto'
import type { Change } from '../../solver/repair.ts'
import type { Proposal, Session } from '../../solver/types.ts'
import { ChangeStale, createChangeRepository, SlotTaken } from './change-repository.ts'
import type { StoredSession } from './session-repository.ts'
import type { Db } from './db.ts'
import { recordSessionEvent } from './outbox-repository.ts'
import { bumpStateVersion, stateVersion } from './state.ts'

export type AllocationRepository = ReturnType<typeof createAllocationRepository>

export type AllocationStatus = 'proposed' | 'committed' | 'stale'

export type StoredAllocation = {
  readonly id: string
  readonly runDate: string
  readonly horizonWeeks: number
  readonly status: AllocationStatus
  readonly proposal: Proposal
  /** centre_state.version the proposal was built on. */
  readonly stateVersion: number
  readonly createdAt: string
  readonly committedAt?: string
}

/** A run as the history lists it: everything but the proposal's sessions and explanations. */
export type AllocationSummary = Omit<StoredAllocation, 'proposal' | 'stateVersion'> & { readonly stats: Proposal['stats'] }

/** Why a commit was refused; the service words it for the coordinator. */
export type CommitOutcome =
  | { readonly ok: true; readonly booked: number }
  | { readonly ok: false; readonly why: 'not-found' }
  | { readonly ok: false; readonly why: 'not-proposed'; readonly status: AllocationStatus }
  | { readonly ok: false; readonly why: 'state-moved'; readonly builtOn: number; readonly now: number }
  | { readonly ok: false; readonly why: 'overlap'; readonly counsellorId: string; readonly start: string }

type Row = {
  id: string
  run_date: string
  horizon_weeks: number
  status: AllocationStatus
  proposal: string
  state_version: number
  created_at: string
  committed_at: string | null
}

function fromRow(r: Row): StoredAllocation {
  return {
    id: r.id,
    runDate: r.run_date,
    horizonWeeks: r.horizon_weeks,
    status: r.status,
    proposal: JSON.parse(r.proposal) as Proposal,
    stateVersion: r.state_version,
    createdAt: r.created_at,
    ...(r.committed_at !== null && { committedAt: r.committed_at }),
  }
}

const utc = (iso: string) => new Date(iso).toISOString()

export function createAllocationRepository(db: Db) {
  const byId = db.prepare('SELECT * FROM allocations WHERE id = ?')
  const insert = db.prepare(
    `INSERT INTO allocations (id, run_date, horizon_weeks, status, proposal, state_version, created_at)
     VALUES (@id, @run_date, @horizon_weeks, 'proposed', @proposal, @state_version, @now)`,
  )
  // The newest run that is not stale: its id and status only (no JSON), on the allocations_newest index.
  const newestLive = db.prepare(`SELECT id, status FROM allocations WHERE status != 'stale' ORDER BY created_at DESC, id DESC LIMIT 1`)
  // Newest first; the id breaks ties of the same millisecond, so the order (and a cursor on it) is total.
  // json_extract reads the stats without handing the whole proposal (every session) to JavaScript.
  const newest = db.prepare(
    `SELECT id, run_date, horizon_weeks, status, created_at, committed_at, json_extract(proposal, '$.stats') AS stats
     FROM allocations
     WHERE (@status IS NULL OR status = @status)
       AND (@before_created IS NULL OR (created_at, id) < (@before_created, @before_id))
     ORDER BY created_at DESC, id DESC
     LIMIT @limit`,
  )
  const setStatus = db.prepare('UPDATE allocations SET status = @status, committed_at = @committed_at WHERE id = @id')
  const insertSession = db.prepare(
    `INSERT INTO sessions (id, allocation_id, counsellor_id, kind, language, start, end, start_utc, end_utc, interpreter_order_by, status)
     VALUES (@id, @allocation_id, @counsellor_id, @kind, @language, @start, @end, @start_utc, @end_utc, @interpreter_order_by, 'booked')`,
  )
  const insertMember = db.prepare('INSERT INTO session_referrals (session_id, referral_id) VALUES (?, ?)')
  const languageOf = db.prepare('SELECT language FROM referrals WHERE id = ?').pluck()
  // The version check already guarantees this; it stays as the last guard against a double booking.
  const overlapping = db
    .prepare(`SELECT 1 FROM sessions WHERE counsellor_id = ? AND status = 'booked' AND start_utc < ? AND end_utc > ? LIMIT 1`)
    .pluck()

  const changeRepo = createChangeRepository(db)
  const commitTx = db.transaction((id: string, lateOf: (s: StoredSession) => boolean): CommitOutcome => {
          const row = byId.get(id) as Row | undefined
          if (!row) return { ok: false, why: 'not-found' }
          if (row.status !== 'proposed') return { ok: false, why: 'not-proposed', status: row.status }
          const now = stateVersion(db)
          if (now !== row.state_version) {
            setStatus.run({ id, status: 'stale', committed_at: null })
            return { ok: false, why: 'state-moved', builtOn: row.state_version, now }
          }
          const proposal = JSON.parse(row.proposal) as Proposal & { changes?: Change[] }
          // A session with an id moves a booking (a repair, or a disrupted booking released): rewritten in place.
          const unpinned = proposal.sessions.filter((s: Session) => s.pinned !== true) as (Session & { id?: string })[]
          changeRepo.apply(id, proposal.changes ?? [], unpinned.filter((s) => s.id !== undefined), lateOf, new Date())
          const fresh = unpinned.filter((s) => s.id === undefined)
          for (const s of fresh) {
            if (overlapping.get(s.counsellorId, utc(s.end), utc(s.start)) !== undefined) {
              // Throwing rolls back whatever this commit inserted so far.
              throw new OverlapError(s.counsellorId, s.start)
            }
            const sessionId = randomUUID()
            const members = s.kind === 'group' ? s.referralIds : [s.referralId]
            insertSession.run({
              id: sessionId,
              allocation_id: id,
              counsellor_id: s.counsellorId,
              kind: s.kind,
              language: s.kind === 'group' ? s.language : ((languageOf.get(s.referralId) as string | undefined) ?? null),
              start: s.start,
              end: s.end,
              start_utc: utc(s.start),
              end_utc: utc(s.end),
              interpreter_order_by: s.interpreterOrderBy ?? null,
            })
            for (const referralId of members) insertMember.run(sessionId, referralId)
            // Notifications (issue 11): the outbox event commits with the booking.
            recordSessionEvent(db, { type: 'session.booked', sessionId })
          }
          for (const u of proposal.unassigned) recordSessionEvent(db, { type: 'referral.unassigned', referralId: u.referralId, reason: u.reason, allocationId: id, runDate: row.run_date })
          setStatus.run({ id, status: 'committed', committed_at: new Date().toISOString() })
          bumpStateVersion(db)
          return { ok: true, booked: fresh.length }
        })

  return {
    findById(id: string): StoredAllocation | undefined {
      const row = byId.get(id) as Row | undefined
      return row && fromRow(row)
    },
    /** The newest run not stale (a proposal or a committed run), by id and status: what a referral's plan is read from. */
    newestLive(): { readonly id: string; readonly status: Exclude<AllocationStatus, 'stale'> } | undefined {
      return newestLive.get() as { id: string; status: Exclude<AllocationStatus, 'stale'> } | undefined
    },
    /** Up to `limit` runs, newest first, after the run `before` (its createdAt and id): one page of the history. */
    listNewest(q: { readonly status?: AllocationStatus | undefined; readonly before?: readonly [createdAt: string, id: string] | undefined; readonly limit: number }): AllocationSummary[] {
      type SummaryRow = Omit<Row, 'proposal' | 'state_version'> & { stats: string }
      const rows = newest.all({ status: q.status ?? null, before_created: q.before?.[0] ?? null, before_id: q.before?.[1] ?? null, limit: q.limit }) as SummaryRow[]
      return rows.map((r) => ({
        id: r.id,
        runDate: r.run_date,
        horizonWeeks: r.horizon_weeks,
        status: r.status,
        createdAt: r.created_at,
        ...(r.committed_at !== null && { committedAt: r.committed_at }),
        stats: JSON.parse(r.stats) as Proposal['stats'],
      }))
    },
    /** Store a proposal with the state version it was built on (read by the caller before loading the problem). */
    create(a: { runDate: string; horizonWeeks: number; proposal: Proposal; stateVersion: number }): StoredAllocation {
      const id = randomUUID()
      insert.run({ id, run_date: a.runDate, horizon_weeks: a.horizonWeeks, proposal: JSON.stringify(a.proposal), state_version: a.stateVersion, now: new Date().toISOString() })
      return fromRow(byId.get(id) as Row)
    },
    /**
     * Book the proposal's new sessions (not the pinned ones) in one BEGIN IMMEDIATE transaction, so
     * two processes committing at once serialize on the write lock and the second sees the first's
     * version bump. A proposal whose state moved is marked stale.
     */
    commit(id: string, lateOf: (s: StoredSession) => boolean = () => false): CommitOutcome {
      try {
        return commitTx.immediate(id, lateOf)
      } catch (err) {
        if (err instanceof OverlapError || err instanceof SlotTaken) return { ok: false, why: 'overlap', counsellorId: err.counsellorId, start: err.start }
        if (err instanceof ChangeStale) return { ok: false, why: 'state-moved', builtOn: -1, now: stateVersion(db) }
        throw err
      }
    },
  }
}

/** Raised inside commit's transaction so it rolls back; commitAllocation turns it into an outcome. */
export class OverlapError extends Error {
  constructor(readonly counsellorId: string, readonly start: string) {
    super(`counsellor ${counsellorId} already has a booked session overlapping ${start}`)
  }
}
