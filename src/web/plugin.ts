import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import multipart from '@fastify/multipart'
import rateLimit from '@fastify/rate-limit'
import type { FastifyError, FastifyPluginAsync } from 'fastify'
import type { OidcConfig } from '../config.ts'
import { LANGS, type Lang } from '../i18n/index.ts'
import { createUserRepository } from '../store/user-repository.ts'
import { LANG_COOKIE, pageContext, sendPage, SESSION_COOKIE } from './context.ts'
import { createOidc } from './oidc.ts'
import analystRoutes from './routes/analyst.tsx'
import authRoutes from './routes/auth.tsx'
import coordinatorRoutes from './routes/coordinator.tsx'
import referralPages from './routes/referrals.tsx'
import taskPages from './routes/tasks.tsx'
import { ErrorPage } from './views/error.tsx'

export type WebOptions = {
  /** The address people open (TILDELING_PUBLIC_URL); an https one makes the cookies Secure. */
  readonly publicUrl?: string | undefined
  /** Sign-in through an OpenID Connect provider (TILDELING_OIDC_*); none without it. */
  readonly oidc?: OidcConfig | undefined
}

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

/** The page assets, read once: Designsystemet's CSS and theme, htmx, and our layout CSS and script. */
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'ds.css': { type: 'text/css', body: readFileSync(require.resolve('@digdir/designsystemet-css')) },
  'theme.css': { type: 'text/css', body: readFileSync(require.resolve('@digdir/designsystemet-css/theme')) },
  'htmx.min.js': { type: 'text/javascript', body: readFileSync(join(dirname(require.resolve('htmx.org')), 'htmx.min.js')) },
  'app.css': { type: 'text/css', body: readFileSync(join(here, 'assets', 'app.css')) },
  'app.js': { type: 'text/javascript', body: readFileSync(join(here, 'assets', 'app.js')) },
}

/**
 * The web application: server-rendered pages for the three roles, on the same services as the API.
 * Registered without fastify-plugin, so its cookies, CSRF, security headers and HTML errors stay
 * inside the pages and do not touch /v1 or /docs.
 */
const webApp: FastifyPluginAsync<WebOptions> = async (app, opts) => {
  const users = createUserRepository(app.db)
  const secureCookies = opts.publicUrl?.startsWith('https:') === true

  await app.register(cookie)
  await app.register(formbody)
  // A CSV upload is one small file; 5 MB holds 5,000 referrals.
  await app.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: 5 * 1024 * 1024, files: 1 } })
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'tl_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies },
    getToken: (request) => (request.body as { _csrf?: string } | undefined)?._csrf,
  })
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // Plain http on 127.0.0.1 is the embedded default; HSTS only where the service is served over https.
    strictTransportSecurity: secureCookies,
  })
  await app.register(rateLimit, { global: false })

  app.decorateRequest('person', null)
  app.decorateRequest('lang', 'nb')
  app.addHook('onRequest', async (request) => {
    const chosen = request.cookies[LANG_COOKIE]
    request.lang = (LANGS as readonly string[]).includes(chosen ?? '') ? (chosen as Lang) : 'nb'
    const token = request.cookies[SESSION_COOKIE]
    request.person = token ? (users.sessionUser(token) ?? null) : null
  })
  // Every state-changing page request carries the form's CSRF token.
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'POST') await new Promise<void>((resolve, reject) => app.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolve())))
  })

  app.get('/assets/:file', { schema: { hide: true } }, async (request, reply) => {
    const asset = ASSETS[(request.params as { file: string }).file]
    if (!asset) return reply.code(404).type('text/plain').send('not found')
    return reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(asset.body)
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    if (status >= 500) request.log.error({ err: error }, 'page failed')
    const kind = error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET' ? 'csrf' : status === 403 ? 'forbidden' : status === 404 ? 'notFound' : status === 429 ? 'tooMany' : status >= 500 ? 'server' : 'bad'
    // The message of a 4xx from a service says what was wrong in the caller's terms; a 5xx says nothing.
    const detail = status < 500 && kind === 'bad' ? error.message : undefined
    return sendPage(reply, ErrorPage({ ctx: pageContext(request, reply), kind, detail }), status)
  })

  // An unknown address that a person opens gets the 404 page, in their language and the layout.
  // The catch-all matches page requests only (the `page` constraint), so an unknown /v1 path or a
  // request for JSON never reaches this plugin and stays the API's problem+json (app.ts).
  app.addConstraintStrategy({
    name: 'page',
    storage: () => {
      const handlers = new Map()
      return { get: (value) => handlers.get(value) ?? null, set: (value, handler) => void handlers.set(value, handler) }
    },
    deriveConstraint: (req) => (isPageRequest(req.url ?? '/', req.headers.accept) ? 'yes' : 'no'),
    mustMatchWhenDerived: false,
  })
  app.get('/*', { constraints: { page: 'yes' }, schema: { hide: true } }, async () => {
    throw Object.assign(new Error('not found'), { statusCode: 404 })
  })

  await app.register(authRoutes, { users, secureCookies, publicUrl: opts.publicUrl, oidc: opts.oidc && createOidc(opts.oidc) })
  await app.register(referralPages)
  await app.register(coordinatorRoutes)
  await app.register(analystRoutes)
  await app.register(taskPages)
}
export default webApp

/** A request a person makes in a browser: outside /v1, and not asking for JSON. */
export function isPageRequest(url: string, accept: string | string[] | undefined): boolean {
  const path = url.split('?')[0]!
  if (path === '/v1' || path.startsWith('/v1/')) return false
  const wanted = String(accept ?? '')
  return !/json/i.test(wanted) || /text\/html/i.test(wanted)
}
