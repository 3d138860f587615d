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

export type LoggerSettings = { level?: string; pretty?: boolean; stream?: DestinationStream }

/** The service's pino logger: JSON lines, pretty only when asked (server.ts asks when stdout is a TTY). */
export function createLogger({ level = 'info', pretty = false, stream }: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: requestForLog },
    ...(pretty && !stream && { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }),
  }
  return stream ? pino(options, stream) : pino(options)
}
