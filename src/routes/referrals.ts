import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { langFromAcceptLanguage } from '../i18n/index.ts'
import { namesFor } from '../services/explain.ts'
import { latestPlans } from '../services/plan.ts'
import { createAllocationRepository } from '../store/allocation-repository.ts'
import { z } from 'zod'
import { callerOf, requireRole } from '../auth/index.ts'
import { encodeCursor } from '../schemas/page.ts'
import { problemResponses } from '../schemas/problem.ts'
import { ReferralBatchSchema, ReferralListQuerySchema, ReferralListSchema, ReferralPatchSchema, ReferralSchema } from '../schemas/referral.ts'
import { createSessionRepository } from '../store/session-repository.ts'
import { IsoDateTimeSchema } from '../schemas/common.ts'
import { CounsellorIdSchema } from '../schemas/counsellor.ts'
import { IndividualSessionSchema } from '../schemas/session.ts'
import { allocationDeps } from '../services/allocation.ts'
import { bookOption, referralOptions } from '../services/booking.ts'
import { getReferral, intakeReferrals, listReferrals, patchReferral } from '../services/referrals.ts'

const IntakeResultSchema = z.object({ created: z.number().int(), updated: z.number().int(), ids: z.array(z.string()) })
const DUF_NOTE =
  'Reads never fail on a DUF number: one that cannot be decrypted (TILDELING_SECRET not the one it was stored with) is left out of `participant` and logged as a warning without the number. `tildeling serve` refuses to start when the database holds DUF numbers and TILDELING_SECRET is unset or does not decrypt them.'
const Params = z.object({ id: z.string().min(1).max(64) })
const OptionSchema = z.object({
  counsellorId: z.string(),
  start: IsoDateTimeSchema,
  end: IsoDateTimeSchema,
  kind: z.enum(['individual', 'followup']),
  displaces: z.array(z.string()).describe('referrals the latest proposal gives this time (or the day\'s last session or interpreter) by priority, who would lose it'),
})
const OptionsSchema = z.object({ referralId: z.string(), options: z.array(OptionSchema), reason: z.string().optional(), detail: z.string().optional() })
const BookBodySchema = z.strictObject({ counsellorId: CounsellorIdSchema, start: IsoDateTimeSchema })

/** Referrals: municipalities post and read their own; the coordinator all; analysts read pseudonymised. */
const referralRoutes: FastifyPluginAsyncZod = async (app) => {
  const { referrals } = app.store
  const sessions = createSessionRepository(app.db)
  const allocations = createAllocationRepository(app.db)
  // The latest run's plan for each referral read, in the caller's language (Accept-Language).
  const plansFor = (request: FastifyRequest) => {
    const caller = callerOf(request)
    return latestPlans(allocations, langFromAcceptLanguage(request.headers['accept-language']), namesFor(caller, referrals))
  }

  app.post(
    '/v1/referrals',
    {
      onRequest: requireRole('coordinator', 'municipality'),
      schema: {
        operationId: 'postReferrals', tags: ['referrals'],
        summary: 'Post a batch of 1 to 5,000 referrals (all or nothing; idempotent by municipality and externalRef)',
        description:
          'Every item is validated as a Referral; any invalid item gives 422 listing every invalid item by index and path, and nothing is stored. A municipality key posting another municipality\'s number gets 403 naming those items. Re-posting a referral that already has a booked session, or is withdrawn, gives 409 naming it (all or nothing).',
        body: ReferralBatchSchema,
        response: { 200: IntakeResultSchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (request) => intakeReferrals(referrals, callerOf(request), request.body.referrals),
  )

  app.get(
    '/v1/referrals',
    {
      onRequest: requireRole('coordinator', 'municipality', 'analyst'),
      schema: {
        operationId: 'listReferrals', tags: ['referrals'],
        summary: 'List referrals, a page at a time in id order (a municipality key sees only its own)',
        description: `Follow \`nextCursor\` until it is null to read them all; each referral appears on exactly one page. ${DUF_NOTE}`,
        querystring: ReferralListQuerySchema,
        response: { 200: ReferralListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query
      const page = listReferrals(referrals, callerOf(request), filter, { limit, after: cursor?.[0] }, request.log, plansFor(request))
      return { referrals: page.items, nextCursor: page.next && encodeCursor('referrals', page.next) }
    },
  )

  app.get(
    '/v1/referrals/:id',
    { onRequest: requireRole('coordinator', 'municipality', 'analyst'), schema: { operationId: 'getReferral', tags: ['referrals'], summary: 'One referral', description: DUF_NOTE, params: Params, response: { 200: ReferralSchema, ...problemResponses(401, 403, 404) } } },
    async (request) => getReferral(referrals, callerOf(request), request.params.id, request.log, plansFor(request)),
  )

  app.patch(
    '/v1/referrals/:id',
    {
      onRequest: requireRole('coordinator', 'municipality'),
      schema: {
        operationId: 'patchReferral', tags: ['referrals'],
        summary: 'Change consent, mapping, group meeting, deferral or withdraw',
        description:
          'Withdrawal (`withdrawn: true`) also cancels the referral\'s booked sessions that have not started, in the same transaction: an individual or follow-up session is cancelled (late, as with POST /v1/sessions/{id}/cancel, when an interpreter is booked too close); from a group meeting the referral leaves, and a meeting left empty is cancelled. Held sessions stay. A withdrawn referral changes no more: any PATCH of it is 409. A deferral (`deferredUntil`) past a booked session that has not started is 409: cancel that session first with POST /v1/sessions/{id}/cancel.',
        params: Params,
        body: ReferralPatchSchema,
        response: { 200: ReferralSchema, ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
      },
    },
    async (request) => patchReferral({ referrals, sessions }, callerOf(request), request.params.id, request.body),
  )

  const deps = allocationDeps(app.db, app.store)
  app.get(
    '/v1/referrals/:id/options',
    {
      onRequest: requireRole('coordinator', 'municipality'),
      schema: {
        operationId: 'listReferralOptions', tags: ['referrals'],
        summary: 'When can this participant be seen: the earliest feasible sessions, earliest first',
        description: 'The lead time counts from today; interpreter capacity, the counsellor\'s hours and absences and every booked session are respected. A first session has kind "individual". None, with reason and detail, when the referral cannot be booked now (deferred, mapping missing, already scheduled, ...). A municipality may ask about its own referrals; displaces then names only its own.',
        params: Params,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(5) }),
        response: { 200: OptionsSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => referralOptions(deps, callerOf(request), request.params.id, request.query.limit, langFromAcceptLanguage(request.headers['accept-language'])),
  )

  app.post(
    '/v1/referrals/:id/book',
    {
      onRequest: requireRole('coordinator'),
      schema: {
        operationId: 'bookReferral', tags: ['referrals'],
        summary: 'Book one session directly (an option), atomically against concurrent commits',
        description: '409 names the rule that forbids it in `detail` (its first word) and in `errors`: overlap (the time is taken), absence (the counsellor is away), lead-time (too soon: counted from today), working-hours, employment, interpreter-capacity, max-sessions-per-day, deferral, programme-end, one-individual, ...',
        params: Params,
        body: BookBodySchema,
        response: { 201: IndividualSessionSchema, ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(bookOption(deps, callerOf(request), request.params.id, request.body)),
  )
}
export default referralRoutes
