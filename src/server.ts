import type { Logger } from 'pino'
import { buildApp, type TildelingApp } from './app.ts'
import type { OidcConfig } from './config.ts'
import { createLogger } from './logger.ts'
import { openDatabase } from './store/db.ts'
import { readNotificationConfig, type NotificationConfig } from './services/notifications/config.ts'
import { startDeliveryWorker, type DeliveryWorker } from './services/notifications/worker.ts'

export type ServerOptions = {
  readonly dbPath: string
  readonly port: number
  readonly host: string
  readonly secret: string | undefined
  readonly publicUrl?: string | undefined
  /** TILDELING_OIDC_*: sign-in through an OpenID Connect provider. */
  readonly oidc?: OidcConfig | undefined
  readonly logLevel?: string
  /** Defaults to a pino logger, pretty when stdout is a terminal and JSON lines otherwise. */
  readonly logger?: Logger
  /** Webhooks and e-mail (TILDELING_SMTP_URL, ...); default: read from the environment. */
  readonly notifications?: NotificationConfig
}

/** The longest a SIGTERM waits for in-flight requests before the process exits anyway. */
export const SHUTDOWN_LIMIT_MS = 10_000

/** Run a log call, ignoring its failure (EPIPE on a closed stdout): logging must not decide whether we shut down. */
function quietly(log: () => void): void {
  try {
    log()
  } catch {
    // Nowhere left to report it.
  }
}

export type RunningServer = { readonly app: TildelingApp; readonly url: string; close(): Promise<void> }

/**
 * Open the database, build the app and listen. SIGTERM and SIGINT close gracefully: the server
 * first (in-flight requests finish, new ones are refused), the database last.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger({ level: opts.logLevel ?? 'info', pretty: process.stdout.isTTY === true })
  const db = openDatabase(opts.dbPath)
  const notifications = opts.notifications ?? readNotificationConfig()
  const app = await buildApp({ db, logger, secret: opts.secret, publicUrl: opts.publicUrl, oidc: opts.oidc, notifications })
  // Serving without the secret the stored DUF numbers were encrypted with would hide them from
  // every read (and a new secret would mix numbers under two keys): refuse, and say which it is.
  const duf = app.store.referrals.dufReadability()
  if (duf === 'no-secret' || duf === 'wrong-secret') {
    await app.close()
    db.close()
    throw new Error(
      duf === 'no-secret'
        ? 'the database holds encrypted DUF numbers but TILDELING_SECRET is not set: set it to the secret they were stored with'
        : 'TILDELING_SECRET does not decrypt the DUF numbers in the database: set it to the secret they were stored with',
    )
  }
  if (!opts.secret) logger.warn('TILDELING_SECRET is not set: referrals carrying a DUF number will be refused')

  let closing: Promise<void> | undefined
  // The outbox's delivery worker (issue 11): started once listening, stopped before the database
  // closes; what it had not sent stays pending and goes out on the next start.
  let worker: DeliveryWorker | undefined
  const close = () =>
    (closing ??= (async () => {
      await worker?.stop()
      await app.close()
      db.close()
      quietly(() => logger.info('server closed, database closed'))
    })())
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Close first, log after, and never let logging stop the exit: a server whose parent died has
      // no stdout left, and a log write then throws EPIPE (it used to leave the process running).
      const closed = close()
      quietly(() => logger.info({ signal }, 'closing'))
      // Whatever hangs (a request that will not end), the process is gone within SHUTDOWN_LIMIT_MS.
      setTimeout(() => process.exit(1), SHUTDOWN_LIMIT_MS).unref()
      closed.then(
        () => process.exit(0),
        (err: unknown) => {
          quietly(() => logger.error({ err }, 'close failed'))
          process.exit(1)
        },
      )
    })
  }

  try {
    const url = await app.listen({ port: opts.port, host: opts.host })
    if (!notifications.smtpUrl) logger.info('TILDELING_SMTP_URL is not set: advisors get no e-mail (webhooks are delivered)')
    worker = startDeliveryWorker({ db, config: notifications, log: logger.child({ component: 'outbox' }) })
    return { app, url, close }
  } catch (err) {
    await close()
    throw err
  }
}
