import { randomUUID } from 'node:crypto'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify'
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import { authenticate } from './auth/index.ts'
import type { OidcConfig } from './config.ts'
import { Conflict, Forbidden, Validation, type ProblemItem } from './errors.ts'
import allocationRoutes from './routes/allocations.ts'
import auditRoutes from './routes/audit.ts'
import webApp from './web/plugin.ts'
import capacityRoutes from './routes/capacity.ts'
import counsellorRoutes from './routes/counsellors.ts'
import disruptionRoutes from './routes/disruptions.ts'
import healthRoutes from './routes/health.ts'
import policyRoutes from './routes/policy.ts'
import referralRoutes from './routes/referrals.ts'
import replayRoutes from './routes/replays.ts'
import sessionRoutes from './routes/sessions.ts'
import webhookRoutes from './routes/webhooks.ts'
import interpreterOrderRoutes from './routes/interpreter-orders.ts'
import taskRoutes from './routes/tasks.ts'
import { readNotificationConfig, type NotificationConfig } from './services/notifications/config.ts'
import { loneSurrogatePaths } from './schemas/common.ts'
import type { Problem } from './schemas/problem.ts'
import { createCounsellorRepository, type CounsellorRepository } from './store/counsellor-repository.ts'
import { createDufCipher } from './store/crypto.ts'
import type { Db } from './store/db.ts'
import { createKeyRepository, type KeyRepository } from './store/key-repository.ts'
import { createReferralRepository, type ReferralRepository } from './store/referral-repository.ts'
import { sharedSolvePool, type SolvePool } from './services/solve-worker.ts'

/** The repositories, built once per app on its database; routes reach them as `app.store`. */
export type Store = {
  readonly keys: KeyRepository
  readonly referrals: ReferralRepository
  readonly counsellors: CounsellorRepository
  /** Where allocation runs solve, off the event loop (allocationDeps picks it up). */
  readonly solver: SolvePool
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The open database; closed by whoever opened it (server.ts, the test helper), never by the app. */
    db: Db
    store: Store
    /** Webhook destinations allowed, mail settings, calendar URLs (services/notifications/config.ts). */
    notifications: NotificationConfig
  }
  interface FastifyContextConfig {
    /** The route also takes `?token=` in place of a key (a calendar subscription: Outlook sends no header). */
    calendarToken?: boolean
  }
}

export type BuildOptions = {
  readonly db: Db
  /** A pino logger (server.ts makes one); none in tests unless a test captures the log. */
  readonly logger?: FastifyBaseLogger
  /** TILDELING_SECRET: without it, no DUF number is accepted. */
  readonly secret?: string | undefined
  /** TILDELING_PUBLIC_URL: the address people open; an https one makes the page cookies Secure. */
  readonly publicUrl?: string | undefined
  /** TILDELING_OIDC_*: people may also sign in through this OpenID Connect provider. */
  readonly oidc?: OidcConfig | undefined
  /** The solve worker pool; default the process's shared one. Tests pass their own to hold a run. */
  readonly solvePool?: SolvePool
  /** Notification settings (server.ts reads them from the environment); default: none of the operator's allowances, no e-mail. */
  readonly notifications?: NotificationConfig
}

/** 5,000 referrals of about 600 bytes each fit with room to spare. */
export const BODY_LIMIT_BYTES = 10 * 1024 * 1024


/** The service as a Fastify instance that never listens: server.ts listens, tests inject. */
export async function buildApp(opts: BuildOptions) {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT_BYTES,
    // A client's x-request-id is kept only when it is short and plain (it is echoed and logged);
    // anything else gets an id of ours, so a 15 kB or control-character id never reaches a log line.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    // A body trickling in a byte at a time must not hold a connection (and a shutdown) open for long.
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionTimeout: REQUEST_TIMEOUT_MS,
    // Node's HTTP parser refuses some requests (an unencoded non-ASCII path, oversized headers)
    // before Fastify routes them; they get problem+json too, not Fastify's plain JSON.
    clientErrorHandler,
    // A path Fastify cannot decode (FST_ERR_BAD_URL: a broken %-escape) is answered before the error handler.
    frameworkErrors: (error, _request, reply) => {
      void sendProblem(reply, { type: problemType(400), title: TITLES[400]!, status: 400, detail: `${error.message}; percent-encode the path as UTF-8 (RFC 3986)` })
    },
  }).withTypeProvider<ZodTypeProvider>()

  // The API speaks JSON only; without this Fastify would parse text/plain and answer 422, not 415.
  app.removeContentTypeParser('text/plain')
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  const cipher = opts.secret ? createDufCipher(opts.secret) : undefined
  app.decorate('db', opts.db)
  app.decorate('store', {
    keys: createKeyRepository(opts.db),
    referrals: createReferralRepository(opts.db, cipher),
    counsellors: createCounsellorRepository(opts.db),
    solver: opts.solvePool ?? sharedSolvePool(),
  } satisfies Store)
  app.decorate('notifications', opts.notifications ?? readNotificationConfig({}))
  app.decorateRequest('caller', null)

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  // Everything under /v1 needs a key; /health and /docs are open. The matched route decides (so
  // no spelling of a URL reaches a /v1 route without a key); unmatched URLs are checked by prefix.
  const auth = authenticate(app.store.keys)
  const underV1 = (path: string) => path === '/v1' || path.startsWith('/v1/') || path.startsWith('/v1?')
  app.addHook('onRequest', async (request) => {
    // A calendar feed asked for with ?token= checks the token in its handler (no key to send).
    if (request.routeOptions.config.calendarToken === true && typeof (request.query as { token?: unknown }).token === 'string') return
    if (underV1(request.routeOptions.url ?? '') || underV1(request.url)) await auth(request)
  })

  // JSON can carry an unpaired surrogate ("\ud800") that no string field can store faithfully:
  // refuse it in any field of any body before a schema or a service sees it.
  app.addHook('preValidation', async (request) => {
    const paths = loneSurrogatePaths(request.body)
    if (paths.length > 0) {
      throw new Validation(
        `the body holds ${paths.length} text value${paths.length === 1 ? '' : 's'} with an unpaired UTF-16 surrogate, which is not a character`,
        paths.map((path) => ({ path, message: 'contains an unpaired surrogate (e.g. \\ud800 without its pair); send well-formed Unicode text' })),
      )
    }
  })

  app.setErrorHandler(problemHandler)
  // Unknown addresses under /v1, or asked for as JSON. A page address a person opens is answered by
  // the web app's 404 page instead (its catch-all in src/web/plugin.ts), before it gets here.
  app.setNotFoundHandler((request, reply) => {
    sendProblem(reply, { type: problemType(404), title: TITLES[404] ?? 'Not Found', status: 404, detail: `no route ${request.method} ${request.url.split('?')[0]}` })
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'tildeling',
        description:
          'Scheduling and capacity for career guidance of newly settled refugees. Every request under /v1 carries `Authorization: Bearer <key>`; every error is `application/problem+json` (RFC 9457).',
        version: '0.1.0',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      // Relative: the document describes the server it is served from, whatever its address.
      servers: [{ url: '/', description: 'this server' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    // The browser pages (src/web) are not API operations; every API route has tags.
    hideUntagged: true,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  // ---- Route plugins: one line per resource. Other route files append their line here. ----
  await app.register(healthRoutes)
  await app.register(referralRoutes)
  await app.register(counsellorRoutes)
  await app.register(allocationRoutes)
  await app.register(sessionRoutes)
  await app.register(policyRoutes)
  await app.register(replayRoutes)
  await app.register(capacityRoutes)
  await app.register(auditRoutes)
  await app.register(webApp, { publicUrl: opts.publicUrl, oidc: opts.oidc })
  await app.register(webhookRoutes)
  await app.register(interpreterOrderRoutes)
  await app.register(disruptionRoutes)
  await app.register(taskRoutes)
  // ---- end of route plugins ----

  return app
}

export type TildelingApp = Awaited<ReturnType<typeof buildApp>>

/** A client's x-request-id we keep: up to 128 letters, digits and . _ : - (UUIDs, trace ids). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** How long a request (headers and body) may take to arrive; a 10 MB batch needs far less on any real link. */
export const REQUEST_TIMEOUT_MS = 30_000

/** Answer a request Node's parser refused (bad path bytes, headers too large, too slow) with problem+json, then close. */
function clientErrorHandler(error: Error & { code?: string }, socket: import('node:net').Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const detail =
    status === 431 ? 'the request headers are too large' : status === 408 ? 'the request took too long to arrive' : 'the request could not be parsed; a path must be percent-encoded (RFC 3986), e.g. %C3%A5 for å'
  const body = JSON.stringify({ type: problemType(status), title: TITLES[status] ?? 'Bad Request', status, detail } satisfies Problem)
  socket.end(`HTTP/1.1 ${status} ${TITLES[status] ?? 'Bad Request'}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** A stable problem type per status; the OpenAPI page describes them. */
function problemType(status: number): string {
  const slug = (TITLES[status] ?? `status-${status}`).toLowerCase().replace(/[^a-z0-9]+/g, '-')
  return `/problems/${slug}`
}

function sendProblem(reply: FastifyReply, problem: Problem) {
  return reply.code(problem.status).type('application/problem+json').send(problem)
}

/** Fastify's own 4xx codes and the detail we give for each (its messages are terse). */
function frameworkDetail(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `the request body is larger than the limit of ${BODY_LIMIT_BYTES / 1024 / 1024} MB; send at most 5,000 referrals per batch`
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'send the body as application/json'
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is empty; send a JSON object'
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return `the body is not valid JSON: ${error.message}`
    default:
      return error.message
  }
}

/** The one error handler: every 4xx/5xx becomes problem+json; 5xx messages are logged, never sent. */
function problemHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body'
    // A bad body is well-formed but invalid (422); a bad query string or path is a bad request (400).
    const status = where === 'body' ? 422 : 400
    // No body at all reads as "expected object, received null" from zod: say what to send instead.
    const missingBody = where === 'body' && (request.body === null || request.body === undefined)
    const errors: ProblemItem[] = missingBody
      ? [{ path: '', message: `send a JSON object body (content-type application/json); its fields are in the OpenAPI page at /docs under ${request.method} ${request.routeOptions.url ?? ''}` }]
      : error.validation.map((v) => ({
          path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
          message: v.message ?? 'invalid',
        }))
    return sendProblem(reply, {
      type: problemType(status),
      title: TITLES[status] ?? 'Invalid',
      status,
      detail: `the ${where === 'querystring' ? 'query string' : where} is invalid: ${errors.length} problem${errors.length === 1 ? '' : 's'}`,
      errors,
    })
  }
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error, route: request.routeOptions.url }, 'response failed its schema')
    return sendProblem(reply, { type: problemType(500), title: TITLES[500]!, status: 500, detail: 'internal error; see the server log under this request id' })
  }
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
  if (status >= 500 && status !== 503) {
    request.log.error({ err: error }, 'request failed')
    return sendProblem(reply, { type: problemType(500), title: TITLES[500]!, status: 500, detail: 'internal error; see the server log under this request id' })
  }
  const items = error instanceof Validation || error instanceof Conflict || error instanceof Forbidden ? error.items : []
  return sendProblem(reply, {
    type: problemType(status),
    title: TITLES[status] ?? 'Error',
    status,
    detail: error.code?.startsWith('FST_') ? frameworkDetail(error) : error.message,
    ...(items.length > 0 && { errors: [...items] }),
  })
}
