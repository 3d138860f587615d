import type { FastifyReply, FastifyRequest } from 'fastify'
import type { VNode } from 'preact'
import { render } from 'preact-render-to-string'
import { messages, type Lang, type Messages } from '../i18n/index.ts'
import type { Role } from '../auth/caller.ts'
import { callerOfUser, type User } from '../store/user-repository.ts'
import type { Caller } from '../auth/caller.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person on a page request, or null. */
    person: User | null
    /** The page language: the person's choice (cookie), bokmål by default. */
    lang: Lang
  }
}

export const SESSION_COOKIE = 'tl_session'
export const LANG_COOKIE = 'tl_lang'

/** What every view needs of the request: language, texts, the person, the CSRF token, the path. */
export type PageContext = {
  readonly lang: Lang
  readonly t: Messages
  readonly person: User | null
  readonly csrf: string
  readonly path: string
}

export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  return { lang: request.lang, t: messages(request.lang), person: request.person, csrf: reply.generateCsrf(), path: request.url }
}

/** Send a rendered page. */
export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(`<!doctype html>${render(page)}`)
}

/** The caller the services see for the signed-in person (same rights as a key of that role). */
export function personCaller(request: FastifyRequest): Caller {
  if (!request.person) throw new Error('personCaller on a page without a person: the route needs requirePerson')
  return callerOfUser(request.person)
}

/** A same-site path to return to after sign-in or a language switch; anything else goes home. */
export function safeBack(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : '/'
}

/**
 * A page route's preHandler: anonymous visitors go to the sign-in page (and come back after), a
 * person of another role gets a 403 page.
 */
export function requirePerson(...roles: Role[]) {
  return async function checkPerson(request: FastifyRequest, reply: FastifyReply) {
    if (!request.person) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303)
    if (roles.length > 0 && !roles.includes(request.person.role)) {
      const err = new Error('forbidden') as Error & { statusCode: number }
      err.statusCode = 403
      throw err
    }
    return undefined
  }
}
