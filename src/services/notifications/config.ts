/** How webhooks and e-mail go out; read from the environment once, at start (server.ts). */
export type NotificationConfig = {
  /** TILDELING_SMTP_URL, e.g. smtp://relay.example:25 or smtps://user:pass@host:465; no e-mail without it. */
  readonly smtpUrl?: string | undefined
  /** TILDELING_MAIL_FROM: the sender and the invitation's organizer. */
  readonly mailFrom: string
  /** TILDELING_WEBHOOK_ALLOW_HTTP=1: plain http to any host, not only loopback. */
  readonly allowHttp: boolean
  /** TILDELING_WEBHOOK_ALLOW_PRIVATE=1: destinations in private networks (10/8, 192.168/16, link-local, ...). */
  readonly allowPrivate: boolean
  /** TILDELING_PUBLIC_URL: where calendar subscription URLs point. */
  readonly publicUrl?: string | undefined
  readonly timings: WorkerTimings
}

/** The delivery worker's clock, in milliseconds; tests shorten it, nothing else should need to. */
export type WorkerTimings = {
  /** How often the worker looks for due deliveries (the first attempt comes within one poll of the change). */
  readonly pollMs: number
  /** The first retry's delay; each further retry doubles it, up to maxDelayMs. */
  readonly retryMs: number
  readonly maxDelayMs: number
  /** Give up after this long since the event (the contract asks for at least 24 hours). */
  readonly giveUpMs: number
  /** One attempt's time limit; the lease is longer, so a row is never claimed twice while in flight. */
  readonly timeoutMs: number
  readonly leaseMs: number
}

export const DEFAULT_TIMINGS: WorkerTimings = {
  pollMs: 2_000,
  retryMs: 5_000,
  maxDelayMs: 60 * 60_000,
  giveUpMs: 48 * 3_600_000,
  timeoutMs: 10_000,
  leaseMs: 60_000,
}

export const DEFAULT_MAIL_FROM = 'tildeling <noreply@tildeling.invalid>'

const flag = (v: string | undefined) => v === '1' || v === 'true' || v === 'yes'
const ms = (v: string | undefined, fallback: number) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : fallback)

export function readNotificationConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  return {
    smtpUrl: env.TILDELING_SMTP_URL || undefined,
    mailFrom: env.TILDELING_MAIL_FROM || DEFAULT_MAIL_FROM,
    allowHttp: flag(env.TILDELING_WEBHOOK_ALLOW_HTTP),
    allowPrivate: flag(env.TILDELING_WEBHOOK_ALLOW_PRIVATE),
    publicUrl: env.TILDELING_PUBLIC_URL || undefined,
    timings: {
      pollMs: ms(env.TILDELING_OUTBOX_POLL_MS, DEFAULT_TIMINGS.pollMs),
      retryMs: ms(env.TILDELING_OUTBOX_RETRY_MS, DEFAULT_TIMINGS.retryMs),
      maxDelayMs: ms(env.TILDELING_OUTBOX_MAX_DELAY_MS, DEFAULT_TIMINGS.maxDelayMs),
      giveUpMs: Math.max(24 * 3_600_000, ms(env.TILDELING_OUTBOX_GIVE_UP_MS, DEFAULT_TIMINGS.giveUpMs)),
      timeoutMs: ms(env.TILDELING_OUTBOX_TIMEOUT_MS, DEFAULT_TIMINGS.timeoutMs),
      leaseMs: ms(env.TILDELING_OUTBOX_LEASE_MS, DEFAULT_TIMINGS.leaseMs),
    },
  }
}

/** The delay before retry number `failures` (1 = after the first failed attempt): 5 s, 10 s, 20 s, ... up to an hour. */
export function retryDelay(failures: number, t: WorkerTimings): number {
  return Math.min(t.maxDelayMs, t.retryMs * 2 ** Math.max(0, failures - 1))
}
