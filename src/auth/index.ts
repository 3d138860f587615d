import type { FastifyReply, FastifyRequest } from 'fastify'
import { Forbidden, Unauthorized, withArticle } from '../errors.ts'
import type { KeyRepository } from '../store/key-repository.ts'
import type { Caller, Role } from './caller.ts'

export type { Caller, Role } from './caller.ts'
export { ROLES, seesIdentity } from './caller.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by authentication on every /v1 route; null only on public routes (/health, /docs). */
    caller: Caller | null
  }
}

/**
 * The onRequest hook app.ts runs for every URL under /v1, before the body is read: no key or an
 * unknown key is 401 whatever the route, so nothing under /v1 is reachable without a key.
 */
export function authenticate(keys: KeyRepository) {
  return async function authenticateRequest(request: FastifyRequest) {
    const header = request.headers.authorization
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match?.[1]) throw new Unauthorized('send an API key as "Authorization: Bearer <key>"')
    const caller = keys.findByKey(match[1])
    if (!caller) throw new Unauthorized('the API key is not known')
    request.caller = caller
  }
}

/**
 * A route's onRequest hook that lets only these roles through (403 otherwise). It runs before the
 * body is parsed, so an underprivileged key gets 403, not a validation error:
 * `app.post('/v1/x', { onRequest: requireRole('coordinator') }, handler)`.
 */
export function requireRole(...roles: Role[]) {
  return async function checkRole(request: FastifyRequest, _reply: FastifyReply) {
    const caller = callerOf(request)
    if (!roles.includes(caller.role)) throw new Forbidden(`this needs ${withArticle(roles.join(' or '))} key; yours is ${withArticle(caller.role)} key`)
  }
}

/** The authenticated caller of a /v1 request (401 if, against expectation, there is none). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Unauthorized('send an API key as "Authorization: Bearer <key>"')
  return request.caller
}
