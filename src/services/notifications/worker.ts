import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import ipaddr from 'ipaddr.js'
import nodemailer, { type Transporter } from 'nodemailer'
import type { Db } from '../../store/db.ts'
import { createOutboxRepository, type ClaimedDelivery, type SessionEventData, type StoredEvent, type Webhook } from '../../store/outbox-repository.ts'
import { retryDelay, type NotificationConfig } from './config.ts'
import { guardedLookup, refusedAddress } from './destination.ts'
import { advisorMail } from './mail.ts'
import { SIGNATURE_HEADER, signBody } from './signing.ts'

/** Where the worker logs; a pino logger fits. Never a name, e-mail address or DUF number goes in. */
export type WorkerLog = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void }

export type DeliveryWorker = {
  /** Claim and send everything due now (the loop calls it; tests may too). Resolves to how many were attempted. */
  runOnce(): Promise<number>
  /** Stop polling and wait for the attempts in flight; what is left stays pending for the next start. */
  stop(): Promise<void>
}

const BATCH = 20

/** The body a webhook receives: a municipality's webhook sees only its own referrals of a shared group meeting. */
export function webhookBody(event: StoredEvent, webhook: Pick<Webhook, 'municipality'>): string {
  let data = event.data
  if (webhook.municipality !== null && 'sessionId' in data) {
    const own = webhook.municipality
    data = { ...data, referrals: (data as SessionEventData).referrals.filter((r) => r.municipality === own) }
  }
  return JSON.stringify({ id: event.id, type: event.type, occurredAt: event.occurredAt, data })
}

type Attempt = { ok: true; httpStatus?: number } | { ok: false; httpStatus?: number; error: string } | { skip: string }

/** One POST with the signed body; any 2xx is delivered, anything else (or no answer in time) is retried. */
function post(url: string, body: string, secret: string, allow: NotificationConfig, timeoutMs: number, eventId: string): Promise<Attempt> {
  const target = new URL(url)
  const host = target.hostname.replace(/^\[|\]$/g, '')
  // An IP literal never goes through lookup, so it is checked here.
  const literal = ipaddr.isValid(host) ? refusedAddress(host, allow) : null
  if (literal) return Promise.resolve({ ok: false, error: literal })
  return new Promise((resolve) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    const req = send(
      target,
      {
        method: 'POST',
        lookup: guardedLookup(allow) as never,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'tildeling-webhooks',
          'x-tildeling-event-id': eventId,
          [SIGNATURE_HEADER]: signBody(body, secret),
        },
      },
      (res) => {
        res.resume() // the answer's body is not read, only its status
        const status = res.statusCode ?? 0
        res.on('end', () => resolve(status >= 200 && status < 300 ? { ok: true, httpStatus: status } : { ok: false, httpStatus: status, error: `HTTP ${status}` }))
        res.on('error', (err) => resolve({ ok: false, httpStatus: status, error: err.message }))
      },
    )
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', (err) => resolve({ ok: false, error: err.message }))
    req.end(body)
  })
}

/**
 * The outbox's delivery worker, run inside `tildeling serve`: every pollMs it claims the due
 * deliveries (a lease, so another server process on the same database skips them), sends them
 * and records the outcome. A failed attempt is retried after 5 s, 10 s, 20 s, ... up to an hour
 * between attempts, until giveUpMs (48 h) after the event. A crash mid-send leaves the row
 * leased; when the lease runs out it is sent again: at least once, never lost.
 */
export function startDeliveryWorker(opts: {
  readonly db: Db
  readonly config: NotificationConfig
  readonly log?: WorkerLog
  readonly now?: () => Date
  /** false: no polling loop, only runOnce() when called (tests drive it step by step). */
  readonly poll?: boolean
}): DeliveryWorker {
  const { config } = opts
  const t = config.timings
  const outbox = createOutboxRepository(opts.db)
  const now = opts.now ?? (() => new Date())
  const mailer: Transporter | undefined = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : undefined
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<number> | undefined

  async function attempt(d: ClaimedDelivery): Promise<Attempt> {
    if (d.channel === 'webhook') {
      const webhook = d.webhookId === null ? undefined : outbox.findWebhook(d.webhookId)
      if (!webhook) return { skip: 'webhook deleted' }
      return post(webhook.url, webhookBody(d.event, webhook), webhook.secret, config, t.timeoutMs, d.event.id)
    }
    if (!mailer) return { skip: 'e-mail is not configured (TILDELING_SMTP_URL)' }
    const data = d.event.data as SessionEventData
    // An invitation to a session already begun is no use to anyone; its cancellation neither.
    if (Date.parse(data.start) <= now().getTime()) return { skip: 'the session has begun' }
    const target = d.referralId === null ? undefined : outbox.mailTarget(d.referralId, data.counsellorId)
    if (!target) return { skip: 'the referral has no advisor e-mail' }
    try {
      await mailer.sendMail(advisorMail({ ...d.event, data }, { ...target, from: config.mailFrom }))
      return { ok: true }
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) }
    }
  }

  async function handle(d: ClaimedDelivery): Promise<void> {
    const outcome = await attempt(d)
    const at = now()
    const ids = { deliveryId: d.id, eventId: d.event.id, type: d.event.type, channel: d.channel, attempt: d.attempts, ...(d.webhookId && { webhookId: d.webhookId }) }
    if ('skip' in outcome) {
      outbox.finish(d.id, { status: 'skipped', error: outcome.skip }, at)
      opts.log?.info({ ...ids, why: outcome.skip }, 'delivery skipped')
    } else if (outcome.ok) {
      outbox.finish(d.id, { status: 'delivered', ...(outcome.httpStatus !== undefined && { httpStatus: outcome.httpStatus }) }, at)
      opts.log?.info(ids, 'delivered')
    } else {
      const giveUp = at.getTime() - Date.parse(d.createdAt) >= t.giveUpMs
      const next = giveUp ? null : new Date(at.getTime() + retryDelay(d.attempts, t))
      outbox.fail(d.id, { next, error: outcome.error, ...(outcome.httpStatus !== undefined && { httpStatus: outcome.httpStatus }) })
      // The error text of an SMTP server may quote the address; the log gets the ids and the HTTP status only.
      opts.log?.[giveUp ? 'error' : 'warn']({ ...ids, httpStatus: outcome.httpStatus, nextAttemptAt: next?.toISOString() ?? null }, giveUp ? 'delivery failed for good' : 'delivery failed; will retry')
    }
  }

  async function runOnce(): Promise<number> {
    let total = 0
    for (;;) {
      if (stopped) return total
      const batch = outbox.claimDue(BATCH, t.leaseMs, now())
      await Promise.all(batch.map(handle))
      total += batch.length
      if (batch.length < BATCH) return total
    }
  }

  function schedule(delay: number) {
    if (stopped) return
    timer = setTimeout(() => {
      running = runOnce()
        .catch((err: unknown) => {
          opts.log?.error({ err }, 'delivery worker tick failed')
          return 0
        })
        .finally(() => {
          running = undefined
          schedule(t.pollMs)
        })
    }, delay)
  }
  // The first tick at once: whatever was due when the server stopped goes out on start.
  if (opts.poll !== false) schedule(0)

  return {
    runOnce,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
      mailer?.close()
    },
  }
}
