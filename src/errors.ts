import createError from '@fastify/error'
import type { ProblemItem } from './schemas/problem.ts'

export type { ProblemItem }

// Coded errors: routes and services throw these; the one error handler in app.ts turns them into
// problem+json. The message is the problem's `detail`, so it must be fit for the caller to read
// (and must never carry personal data: it may reach a log line).

export class BadRequest extends createError('TILDELING_BAD_REQUEST', '%s', 400) {}
export class Unauthorized extends createError('TILDELING_UNAUTHORIZED', '%s', 401) {}
export class Forbidden extends createError('TILDELING_FORBIDDEN', '%s', 403) {
  constructor(detail: string, readonly items: readonly ProblemItem[] = []) {
    super(detail)
  }
}
export class NotFound extends createError('TILDELING_NOT_FOUND', '%s', 404) {}
/** 409: the request is valid but clashes with the current state; `items` names the clashing batch items. */
export class Conflict extends createError('TILDELING_CONFLICT', '%s', 409) {
  constructor(detail: string, readonly items: readonly ProblemItem[] = []) {
    super(detail)
  }
}
/** 422: well-formed but invalid; `items` lists every invalid item, not just the first. */
export class Validation extends createError('TILDELING_VALIDATION', '%s', 422) {
  constructor(detail: string, readonly items: readonly ProblemItem[] = []) {
    super(detail)
  }
}
export class Unavailable extends createError('TILDELING_UNAVAILABLE', '%s', 503) {}

/** A zod issue path as the `path` of a problem item: `participant.dufNumber`, `weekly.0.end`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.')
}

// English in problem details and CLI lines, said right for one as for many.
/** "1 referral", "3 referrals". */
export const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`
/** "a coordinator key", "an analyst key". */
export const withArticle = (word: string): string => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`
