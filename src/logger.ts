import { writeSync } from 'node:fs'
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'

/**
 * Paths never written to a log line. Request bodies are never logged (Fastify does not log them
 * and no handler does), but a stray `log.info({ referral })` must still not leak a name or DUF number.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'participant',
  'dufNumber',
  'participantName',
  'advisor',
  '*.participant',
  '*.dufNumber',
  '*.participantName',
  '*.participant_name',
  '*.duf_encrypted',
  '*.advisor',
  '*.advisorName',
  '*.advisorEmail',
  '*.advisor_name',
  '*.advisor_email',
  '*.*.participant',
  '*.*.advisor',
  'body',
  '*.body',
]

/**
 * What a log line says of a request: method, the matched route pattern and the path, never the
 * query string (a client may put anything there, a `?duf=` value included), never headers.
 */
export function requestForLog(req: { method?: string; url?: string; routeOptions?: { url?: string | undefined } }): object {
  return {
    method: req.method,
    ...(req.routeOptions?.url !== undefined && { route: req.routeOptions.url }),
    path: (req.url ?? '').split('?', 1)[0],
  }
}

/**
 * Log lines to stdout, written at once and never blocking shutdown. pino's default destination
 * retries a failed write forever when flushing at exit, so a server whose parent died (stdout
 * gone: EPIPE) never exited on SIGTERM. Here a full pipe is retried briefly and a gone one dropped.
 */
const stdoutLines: DestinationStream = {
  write(line: string) {
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        writeSync(1, line)
        return
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return
        Atomics.wait(PAUSE, 0, 0, 1)
      }
    }
  },
}
const PAUSE = new Int32Array(new SharedArrayBuffer(4))

export type LoggerSettings = { level?: string; pretty?: boolean; stream?: DestinationStream }

/** The service's pino logger: JSON lines, pretty only when asked (server.ts asks when stdout is a TTY). */
export function createLogger({ level = 'info', pretty = false, stream }: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: requestForLog },
    ...(pretty && !stream && { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }),
  }
  return pino(options, stream ?? (pretty ? undefined : stdoutLines))
}
