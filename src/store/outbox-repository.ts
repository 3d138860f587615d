import { randomUUID } from 'node:crypto'
import { fromOsloDateTime, toOsloDateTime } from '../../solver/calendar.ts'
import type { Db } from './db.ts'

/** The event types a webhook can subscribe to (contract "Telling people"). */
export const EVENT_TYPES = ['session.booked', 'session.cancelled', 'session.moved', 'referral.unassigned'] as const
export type EventType = (typeof EVENT_TYPES)[number]

/** A referral as an event names it: its id, municipality and the municipality's own case id. Never a name or DUF number. */
export type EventReferral = { readonly id: string; readonly municipality: string; readonly externalRef: string }

/** `data` of a session event. */
export type SessionEventData = {
  readonly sessionId: string
  readonly kind: 'individual' | 'followup' | 'group'
  readonly counsellorId: string
  readonly start: string
  readonly end: string
  readonly language: string | null
  readonly interpreter: boolean
  /** The session's iCalendar SEQUENCE after this change: a receiver keeps the highest it has seen. */
  readonly sequence: number
  /** The referrals the event is about; a municipality's webhook gets only its own. */
  readonly referrals: readonly EventReferral[]
  /** cancelled: `session` when the session is gone, `referrals` when only the listed referrals left it (a withdrawal from a group meeting). */
  readonly scope?: 'session' | 'referrals'
  readonly lateCancellation?: boolean
  /** moved: where it was before. */
  readonly previous?: { readonly counsellorId: string; readonly start: string; readonly end: string }
  readonly interpreterReorder?: boolean
}

/** `data` of `referral.unassigned`: a committed run left the referral without a session, for this reason. */
export type UnassignedEventData = {
  readonly referralId: string
  readonly referral: EventReferral
  readonly reason: string
  readonly allocationId?: string
  readonly runDate?: string
}

/** What a booking, move or cancellation reports; recordSessionEvent turns it into an outbox event. */
export type SessionEvent =
  | { readonly type: 'session.booked'; readonly sessionId: string }
  | {
      readonly type: 'session.cancelled'
      readonly sessionId: string
      readonly lateCancellation?: boolean
      /** Only these referrals left the session (it stays booked for the others); omitted: the whole session is cancelled. */
      readonly referralIds?: readonly string[]
    }
  | {
      readonly type: 'session.moved'
      readonly sessionId: string
      /** Where the session was before the move (the session row already holds the new time). */
      readonly from: { readonly counsellorId: string; readonly start: string; readonly end?: string }
      readonly lateCancellation?: boolean
      readonly interpreterReorder?: boolean
    }
  | { readonly type: 'referral.unassigned'; readonly referralId: string; readonly reason: string; readonly allocationId?: string; readonly runDate?: string }

type SessionRow = {
  id: string
  kind: SessionEventData['kind']
  counsellor_id: string
  start: string
  end: string
  language: string | null
  interpreter_order_by: string | null
  sequence: number
}
type MemberRow = { id: string; municipality: string; external_ref: string; advisor_consent: number; advisor_email: string | null }

const statements = new WeakMap<Db, ReturnType<typeof prepare>>()

function prepare(db: Db) {
  return {
    session: db.prepare('SELECT id, kind, counsellor_id, start, end, language, interpreter_order_by, sequence FROM sessions WHERE id = ?'),
    members: db.prepare(
      `SELECT r.id, r.municipality, r.external_ref, r.advisor_consent, r.advisor_email
       FROM session_referrals sr JOIN referrals r ON r.id = sr.referral_id WHERE sr.session_id = ? ORDER BY r.id`,
    ),
    referral: db.prepare('SELECT id, municipality, external_ref, advisor_consent, advisor_email FROM referrals WHERE id = ?'),
    lastNotice: db.prepare('SELECT reason FROM unassigned_notices WHERE referral_id = ?').pluck(),
    notice: db.prepare(
      `INSERT INTO unassigned_notices (referral_id, reason, notified_at) VALUES (?, ?, ?)
       ON CONFLICT (referral_id) DO UPDATE SET reason = excluded.reason, notified_at = excluded.notified_at`,
    ),
    clearNotice: db.prepare('DELETE FROM unassigned_notices WHERE referral_id = ?'),
    bump: db.prepare('UPDATE sessions SET sequence = sequence + 1 WHERE id = ? RETURNING sequence').pluck(),
    insertEvent: db.prepare(
      `INSERT INTO outbox_events (id, type, occurred_at, session_id, data, municipalities)
       VALUES (@id, @type, @occurred_at, @session_id, @data, @municipalities)`,
    ),
    // Fan-out happens here, in the change's transaction, so a webhook hears exactly the events that
    // happened while it existed, and a municipality's only those that name one of its referrals.
    fanOut: db.prepare(
      `INSERT INTO deliveries (event_id, channel, webhook_id, status, next_attempt_at, created_at)
       SELECT @event_id, 'webhook', w.id, 'pending', @now, @now FROM webhooks w
       WHERE w.deleted_at IS NULL
         AND EXISTS (SELECT 1 FROM json_each(w.events) e WHERE e.value = @type)
         AND (w.municipality IS NULL OR w.municipality IN (SELECT value FROM json_each(@municipalities)))`,
    ),
    mail: db.prepare(
      `INSERT INTO deliveries (event_id, channel, referral_id, status, next_attempt_at, created_at)
       VALUES (?, 'mail', ?, 'pending', ?, ?)`,
    ),
  }
}

function prepared(db: Db) {
  let s = statements.get(db)
  if (!s) statements.set(db, (s = prepare(db)))
  return s
}

const eventReferral = (m: MemberRow): EventReferral => ({ id: m.id, municipality: m.municipality, externalRef: m.external_ref })

/**
 * Write an event to the outbox with its deliveries (every subscribed webhook; the advisor's e-mail
 * when the advisor attends). Call it INSIDE the transaction that makes the change, so the change
 * and the news of it commit together or not at all: a crash after the commit loses nothing, a
 * rollback sends nothing. A move or cancellation raises the session's iCalendar SEQUENCE.
 * Returns the event id, or undefined when there is nothing to report (no such session or referral,
 * or a referral still waiting for the reason it was last told).
 */
export function recordSessionEvent(db: Db, event: SessionEvent, now: Date = new Date()): string | undefined {
  const st = prepared(db)
  const at = now.toISOString()
  const id = randomUUID()
  if (event.type === 'referral.unassigned') {
    const r = st.referral.get(event.referralId) as MemberRow | undefined
    if (!r) return undefined
    // Still waiting for the reason it was last told: nothing new to report.
    if (st.lastNotice.get(r.id) === event.reason) return undefined
    st.notice.run(r.id, event.reason, at)
    const data: UnassignedEventData = {
      referralId: r.id,
      referral: eventReferral(r),
      reason: event.reason,
      ...(event.allocationId !== undefined && { allocationId: event.allocationId }),
      ...(event.runDate !== undefined && { runDate: event.runDate }),
    }
    st.insertEvent.run({ id, type: event.type, occurred_at: at, session_id: null, data: JSON.stringify(data), municipalities: JSON.stringify([r.municipality]) })
    st.fanOut.run({ event_id: id, type: event.type, municipalities: JSON.stringify([r.municipality]), now: at })
    return id
  }

  const s = st.session.get(event.sessionId) as SessionRow | undefined
  if (!s) return undefined
  const sequence = event.type === 'session.booked' ? s.sequence : (st.bump.get(s.id) as number)
  const all = st.members.all(s.id) as MemberRow[]
  // A referral that left a group meeting is no longer a member: look it up on its own.
  const concerned =
    event.type === 'session.cancelled' && event.referralIds !== undefined
      ? event.referralIds.map((rid) => all.find((m) => m.id === rid) ?? (st.referral.get(rid) as MemberRow | undefined)).filter((m): m is MemberRow => m !== undefined)
      : all
  const data: SessionEventData = {
    sessionId: s.id,
    kind: s.kind,
    counsellorId: s.counsellor_id,
    start: s.start,
    end: s.end,
    language: s.language,
    interpreter: s.interpreter_order_by !== null,
    sequence,
    referrals: concerned.map(eventReferral),
    ...(event.type === 'session.cancelled' && { scope: event.referralIds === undefined ? 'session' : 'referrals', lateCancellation: event.lateCancellation ?? false }),
    ...(event.type === 'session.moved' && {
      previous: { counsellorId: event.from.counsellorId, start: event.from.start, end: event.from.end ?? shiftEnd(s, event.from.start) },
      lateCancellation: event.lateCancellation ?? false,
      interpreterReorder: event.interpreterReorder ?? false,
    }),
  }
  const municipalities = JSON.stringify([...new Set(concerned.map((m) => m.municipality))].sort())
  // Booked: no longer waiting, so a later wait is news again.
  if (event.type === 'session.booked') for (const m of concerned) st.clearNotice.run(m.id)
  st.insertEvent.run({ id, type: event.type, occurred_at: at, session_id: s.id, data: JSON.stringify(data), municipalities })
  st.fanOut.run({ event_id: id, type: event.type, municipalities, now: at })
  // advisorAttends is the participant's consent (contract: without it no invitation goes out).
  for (const m of concerned) if (m.advisor_consent === 1 && m.advisor_email) st.mail.run(id, m.id, at, at)
  return id
}

/** A moved session keeps its length: the old end is the old start plus the duration (Oslo time, as stored). */
function shiftEnd(s: SessionRow, fromStart: string): string {
  const { date, minute } = fromOsloDateTime(fromStart)
  return toOsloDateTime(date, minute + Math.round((Date.parse(s.end) - Date.parse(s.start)) / 60_000))
}

export type StoredEvent = { readonly id: string; readonly type: EventType; readonly occurredAt: string; readonly sessionId: string | null; readonly data: SessionEventData | UnassignedEventData }

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'skipped'

/** A claimed row, with its event, ready to send. */
export type ClaimedDelivery = {
  readonly id: number
  readonly channel: 'webhook' | 'mail'
  readonly webhookId: string | null
  readonly referralId: string | null
  readonly attempts: number
  readonly createdAt: string
  readonly event: StoredEvent
}

export type Webhook = {
  readonly id: string
  readonly url: string
  readonly events: EventType[]
  readonly secret: string
  readonly municipality: string | null
  readonly createdAt: string
}

export type DeliveryLogEntry = {
  readonly id: number
  readonly eventId: string
  readonly type: EventType
  readonly occurredAt: string
  readonly status: DeliveryStatus
  readonly attempts: number
  readonly nextAttemptAt: string | null
  readonly lastAttemptAt: string | null
  readonly lastStatus: number | null
  readonly lastError: string | null
  readonly deliveredAt: string | null
}

type WebhookRow = { id: string; url: string; events: string; secret: string; municipality: string | null; created_at: string }
const webhookFromRow = (r: WebhookRow): Webhook => ({ id: r.id, url: r.url, events: JSON.parse(r.events) as EventType[], secret: r.secret, municipality: r.municipality, createdAt: r.created_at })

type ClaimRow = { id: number; channel: 'webhook' | 'mail'; webhook_id: string | null; referral_id: string | null; attempts: number; created_at: string; event_id: string }
type EventRow = { id: string; type: EventType; occurred_at: string; session_id: string | null; data: string }

export type OutboxRepository = ReturnType<typeof createOutboxRepository>

export function createOutboxRepository(db: Db) {
  const insertWebhook = db.prepare(
    `INSERT INTO webhooks (id, url, events, secret, municipality, created_by, created_at) VALUES (@id, @url, @events, @secret, @municipality, @created_by, @now)`,
  )
  const webhookById = db.prepare('SELECT * FROM webhooks WHERE id = ? AND deleted_at IS NULL')
  const webhooksOf = db.prepare('SELECT * FROM webhooks WHERE deleted_at IS NULL AND (@municipality IS NULL OR municipality = @municipality) ORDER BY created_at, id')
  const deleteWebhook = db.prepare('UPDATE webhooks SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL')
  // Pending deliveries of a deleted webhook go nowhere.
  const skipOf = db.prepare(`UPDATE deliveries SET status = 'skipped', last_error = 'webhook deleted', lease_until = NULL WHERE webhook_id = ? AND status = 'pending'`)
  // One statement claims the rows: SQLite takes the write lock before it reads, so of two processes
  // claiming at once the second sees the first's lease and skips those rows.
  const claim = db.prepare(
    `UPDATE deliveries SET lease_until = @lease_until, attempts = attempts + 1, last_attempt_at = @now
     WHERE id IN (SELECT id FROM deliveries
                  WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
                  ORDER BY next_attempt_at, id LIMIT @limit)
     RETURNING id, channel, webhook_id, referral_id, attempts, created_at, event_id`,
  )
  const eventById = db.prepare('SELECT id, type, occurred_at, session_id, data FROM outbox_events WHERE id = ?')
  const succeed = db.prepare(
    `UPDATE deliveries SET status = @status, delivered_at = @now, lease_until = NULL, last_status = @last_status, last_error = @last_error, next_attempt_at = @now WHERE id = @id`,
  )
  const retry = db.prepare(
    `UPDATE deliveries SET status = @status, next_attempt_at = @next, lease_until = NULL, last_status = @last_status, last_error = @last_error WHERE id = @id`,
  )
  const log = db.prepare(
    `SELECT d.id, d.event_id, e.type, e.occurred_at, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status, d.last_error, d.delivered_at
     FROM deliveries d JOIN outbox_events e ON e.id = d.event_id
     WHERE d.webhook_id = @webhook_id AND (@after IS NULL OR d.id < @after)
     ORDER BY d.id DESC LIMIT @limit`,
  )

  const mailTarget = db.prepare('SELECT advisor_name, advisor_email, external_ref FROM referrals WHERE id = ?')
  const counsellorName = db.prepare('SELECT name FROM counsellors WHERE id = ?').pluck()

  return {
    /** Whom a mail delivery goes to: the referral's advisor (read at send time) and the counsellor's name. */
    mailTarget(referralId: string, counsellorId: string): { advisor: { name: string; email: string }; externalRef: string; counsellorName: string } | undefined {
      const r = mailTarget.get(referralId) as { advisor_name: string | null; advisor_email: string | null; external_ref: string } | undefined
      if (!r?.advisor_email) return undefined
      return { advisor: { name: r.advisor_name ?? r.advisor_email, email: r.advisor_email }, externalRef: r.external_ref, counsellorName: (counsellorName.get(counsellorId) as string | undefined) ?? counsellorId }
    },
    createWebhook(w: { url: string; events: readonly EventType[]; secret: string; municipality: string | null; createdBy: string }, now = new Date()): Webhook {
      const id = randomUUID()
      insertWebhook.run({ id, url: w.url, events: JSON.stringify([...new Set(w.events)]), secret: w.secret, municipality: w.municipality, created_by: w.createdBy, now: now.toISOString() })
      return webhookFromRow(webhookById.get(id) as WebhookRow)
    },
    findWebhook(id: string): Webhook | undefined {
      const r = webhookById.get(id) as WebhookRow | undefined
      return r && webhookFromRow(r)
    },
    /** The live webhooks of one municipality, or all (null). */
    listWebhooks(municipality: string | null): Webhook[] {
      return (webhooksOf.all({ municipality }) as WebhookRow[]).map(webhookFromRow)
    },
    deleteWebhook: (id: string, now = new Date()): boolean =>
      db.transaction(() => {
        const changed = deleteWebhook.run(now.toISOString(), id).changes > 0
        if (changed) skipOf.run(id)
        return changed
      })(),
    /** Claim up to `limit` due deliveries for `leaseMs`; each comes with its event. */
    claimDue(limit: number, leaseMs: number, now = new Date()): ClaimedDelivery[] {
      const rows = claim.all({ now: now.toISOString(), lease_until: new Date(now.getTime() + leaseMs).toISOString(), limit }) as ClaimRow[]
      return rows
        .sort((a, b) => a.id - b.id)
        .map((r) => {
          const e = eventById.get(r.event_id) as EventRow
          return {
            id: r.id,
            channel: r.channel,
            webhookId: r.webhook_id,
            referralId: r.referral_id,
            attempts: r.attempts,
            createdAt: r.created_at,
            event: { id: e.id, type: e.type, occurredAt: e.occurred_at, sessionId: e.session_id, data: JSON.parse(e.data) as StoredEvent['data'] },
          }
        })
    },
    /** Sent (2xx, or the SMTP server accepted it), or deliberately not sent (`skipped`, with why). */
    finish(id: number, outcome: { status: 'delivered' | 'skipped'; httpStatus?: number; error?: string }, now = new Date()): void {
      succeed.run({ id, status: outcome.status, now: now.toISOString(), last_status: outcome.httpStatus ?? null, last_error: outcome.error ?? null })
    },
    /** A failed attempt: try again at `next`, or give up (`failed`) when next is null. */
    fail(id: number, outcome: { next: Date | null; httpStatus?: number; error: string }): void {
      retry.run({
        id,
        status: outcome.next === null ? 'failed' : 'pending',
        next: (outcome.next ?? new Date()).toISOString(),
        last_status: outcome.httpStatus ?? null,
        last_error: outcome.error.slice(0, 500),
      })
    },
    /** A webhook's deliveries, newest first, before the delivery `before` (a page). */
    deliveries(webhookId: string, page: { limit: number; before?: number | undefined }): DeliveryLogEntry[] {
      type LogRow = { id: number; event_id: string; type: EventType; occurred_at: string; status: DeliveryStatus; attempts: number; next_attempt_at: string; last_attempt_at: string | null; last_status: number | null; last_error: string | null; delivered_at: string | null }
      return (log.all({ webhook_id: webhookId, after: page.before ?? null, limit: page.limit }) as LogRow[]).map((r) => ({
        id: r.id,
        eventId: r.event_id,
        type: r.type,
        occurredAt: r.occurred_at,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
        lastAttemptAt: r.last_attempt_at,
        lastStatus: r.last_status,
        lastError: r.last_error,
        deliveredAt: r.delivered_at,
      }))
    },
  }
}
