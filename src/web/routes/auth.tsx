import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { LANGS } from '../../i18n/index.ts'
import { WEB_SESSION_HOURS, type User, type UserRepository } from '../../store/user-repository.ts'
import { LANG_COOKIE, pageContext, safeBack, sendPage, SESSION_COOKIE } from '../context.ts'
import { homeOf } from '../views/layout.tsx'
import { LoginPage, SetPasswordPage } from '../views/auth.tsx'
import { decodeFlow, encodeFlow, OidcRefusal, type Oidc } from '../oidc.ts'

export type AuthOptions = {
  readonly users: UserRepository
  readonly secureCookies: boolean
  readonly publicUrl?: string | undefined
  /** Sign-in through the OpenID Connect provider, when one is configured. */
  readonly oidc?: Oidc | undefined
}

/** Passwords: long rather than complex (NSM's advice); the length is the only rule. */
export const MIN_PASSWORD_LENGTH = 12
/** Failed sign-ins per account and 15 minutes before 429. */
export const SIGN_IN_ATTEMPTS = 10

/** Holds one OpenID Connect sign-in's state, nonce and PKCE verifier between the redirect and the callback. */
const OIDC_FLOW_COOKIE = 'tl_oidc'
/** How long a person may take at the provider before the sign-in must be started again. */
const OIDC_FLOW_SECONDS = 600

type LoginBody = { email?: string; password?: string; next?: string }
type SetPasswordBody = { password?: string; confirm?: string }

/**
 * Sign-in with e-mail and password or through the OpenID Connect provider, the one-time link that
 * sets a password, sign-out, and the language switch.
 */
const authRoutes: FastifyPluginAsync<AuthOptions> = async (app, { users, secureCookies, oidc }) => {
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secureCookies }

  function signIn(reply: FastifyReply, user: User, next: string) {
    const token = users.startSession(user.id)
    reply.setCookie(SESSION_COOKIE, token, { ...cookieOpts, maxAge: WEB_SESSION_HOURS * 3600 })
    return reply.redirect(next === '/' ? homeOf(user.role) : next, 303)
  }

  app.get('/', async (request, reply) => reply.redirect(request.person ? homeOf(request.person.role) : '/login', 303))

  app.get('/login', async (request, reply) => {
    if (request.person) return reply.redirect(homeOf(request.person.role), 303)
    const next = safeBack((request.query as { next?: string }).next)
    return sendPage(reply, LoginPage({ ctx: pageContext(request, reply), next, oidc: oidc?.name }))
  })

  app.post(
    '/login',
    {
      config: {
        rateLimit: {
          max: SIGN_IN_ATTEMPTS,
          timeWindow: '15 minutes',
          hook: 'preHandler',
          // Per account, whatever address the attempts come from.
          keyGenerator: (request: FastifyRequest) => `login:${String((request.body as LoginBody | undefined)?.email ?? '').trim().toLowerCase()}`,
        },
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as LoginBody
      const email = String(body.email ?? '').trim()
      const next = safeBack(body.next)
      const ctx = pageContext(request, reply)
      const errors: Record<string, string> = {}
      if (email === '') errors.email = ctx.t.web.login.emailMissing
      if (!body.password) errors.password = ctx.t.web.login.passwordMissing
      if (Object.keys(errors).length > 0) return sendPage(reply, LoginPage({ ctx, next, email, errors, oidc: oidc?.name }), 422)
      const user = await users.authenticate(email, String(body.password))
      if (!user) return sendPage(reply, LoginPage({ ctx, next, email, errors: { password: ctx.t.web.login.wrong }, oidc: oidc?.name }), 401)
      return signIn(reply, user, next)
    },
  )

  if (oidc) {
    // A refusal is shown as the sign-in page: the language switch returns to /login, not to a
    // callback address whose code is spent (or to a new flow).
    const signInPageContext = (request: FastifyRequest, reply: FastifyReply) => ({ ...pageContext(request, reply), path: '/login' })
    const flowCookie = { ...cookieOpts, path: '/login/oidc' }

    // A link, not a form: it only starts the flow; nothing changes until the callback.
    app.get('/login/oidc', async (request, reply) => {
      const next = safeBack((request.query as { next?: string }).next)
      let started
      try {
        started = await oidc.start(next)
      } catch (err) {
        request.log.error({ err }, 'OpenID Connect discovery failed')
        const ctx = signInPageContext(request, reply)
        return sendPage(reply, LoginPage({ ctx, next, oidc: oidc.name, problem: ctx.t.web.login.oidcUnavailable(oidc.name) }), 503)
      }
      reply.setCookie(OIDC_FLOW_COOKIE, encodeFlow(started.flow), { ...flowCookie, maxAge: OIDC_FLOW_SECONDS })
      return reply.redirect(started.url.href, 303)
    })

    app.get('/login/oidc/callback', async (request, reply) => {
      const flow = decodeFlow(request.cookies[OIDC_FLOW_COOKIE])
      reply.clearCookie(OIDC_FLOW_COOKIE, flowCookie)
      const next = safeBack(flow?.next)
      const ctx = signInPageContext(request, reply)
      const t = ctx.t.web.login
      const refuse = (problem: string, status: number) => sendPage(reply, LoginPage({ ctx, next, oidc: oidc.name, problem }), status)
      if (!flow) return refuse(t.oidcExpired, 400)
      let email: string
      try {
        const query = request.url.indexOf('?')
        email = await oidc.finish(query === -1 ? '' : request.url.slice(query), flow)
      } catch (err) {
        if (err instanceof OidcRefusal) return refuse(err.reason === 'noEmail' ? t.oidcNoEmail(oidc.name) : t.oidcUnverified(oidc.name), 403)
        // Name and code only: the error's cause may hold the provider's claims, e-mail included.
        const e = err as Error & { code?: string }
        request.log.warn({ error: e.name, code: e.code, message: e.message }, 'OpenID Connect sign-in refused')
        return refuse(t.oidcFailed(oidc.name), 400)
      }
      // Roles live here, never at the provider: the address must be an enabled account's.
      const user = users.findByEmail(email)
      if (!user || user.disabledAt !== undefined) return refuse(t.oidcNoAccount(email), 403)
      return signIn(reply, user, next)
    })
  }

  app.get('/login/:token', async (request, reply) => {
    const { token } = request.params as { token: string }
    const user = users.tokenUser(token)
    return sendPage(reply, SetPasswordPage({ ctx: pageContext(request, reply), user, token }), user ? 200 : 410)
  })

  app.post('/login/:token', async (request, reply) => {
    const { token } = request.params as { token: string }
    const body = (request.body ?? {}) as SetPasswordBody
    const ctx = pageContext(request, reply)
    const user = users.tokenUser(token)
    if (!user) return sendPage(reply, SetPasswordPage({ ctx, user, token }), 410)
    const password = String(body.password ?? '')
    const errors: Record<string, string> = {}
    if (password.length < MIN_PASSWORD_LENGTH) errors.password = ctx.t.web.setPassword.tooShort(MIN_PASSWORD_LENGTH)
    else if (password !== String(body.confirm ?? '')) errors.confirm = ctx.t.web.setPassword.mismatch
    if (Object.keys(errors).length > 0) return sendPage(reply, SetPasswordPage({ ctx, user, token, errors }), 422)
    const done = await users.setPasswordWithToken(token, password)
    if (!done) return sendPage(reply, SetPasswordPage({ ctx, user: undefined, token }), 410)
    return signIn(reply, done, '/')
  })

  // Sign-out is a form post from every page; a plain visit to /logout signs out too.
  const signOut = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE]
    if (token) users.endSession(token)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.redirect('/login', 303)
  }
  app.post('/logout', signOut)
  app.get('/logout', signOut)

  app.get('/lang/:lang', async (request, reply) => {
    const { lang } = request.params as { lang: string }
    const back = safeBack((request.query as { back?: string }).back)
    if ((LANGS as readonly string[]).includes(lang)) reply.setCookie(LANG_COOKIE, lang, { ...cookieOpts, maxAge: 365 * 86400 })
    return reply.redirect(back, 303)
  })
}
export default authRoutes
