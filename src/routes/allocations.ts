import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { callerOf, requireRole } from '../auth/index.ts'
import { langFromAcceptLanguage } from '../i18n/index.ts'
import { namesFor, renderProposal, type Renderable } from '../services/explain.ts'
import { AllocationListQuerySchema, AllocationListSchema, CommittedProposalSchema, ProposeBodySchema, StoredProposalSchema } from '../schemas/allocation.ts'
import { encodeCursor } from '../schemas/page.ts'
import { proposeRepair } from '../services/disruptions.ts'
import { problemResponses } from '../schemas/problem.ts'
import { allocationDeps, commitAllocation, getAllocation, listAllocations, proposeInWorker, RunInProgress, SOLVE_TIME_LIMIT_MS } from '../services/allocation.ts'

const Params = z.object({ id: z.string().uuid() })

/** The weekly allocation: propose, list the runs, read, commit. Coordinators only. */
const allocationRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = allocationDeps(app.db, app.store)
  // Every detail in the caller's language (Accept-Language: nb by default, en), other referrals by externalRef.
  const render = <P extends Renderable>(request: FastifyRequest, p: P): P =>
    renderProposal(p, langFromAcceptLanguage(request.headers['accept-language']), namesFor(callerOf(request), deps.referrals))

  app.post(
    '/v1/allocations',
    {
      onRequest: requireRole('coordinator'),
      schema: {
        operationId: 'proposeAllocation', tags: ['allocations'],
        summary: 'Propose an allocation on the current state (nothing is booked until commit)',
        description: [
          'runDate defaults to today (Oslo); a run date before today is a 422, since it would book sessions in the past.',
          '`{"mode":"repair"}` proposes moving only the disrupted bookings (GET /v1/disruptions) with the least change: the same time with another of the municipality\'s counsellors, then the same day, then the nearest day; every other booking stays. `changes` says per session where it goes (null: nowhere in the window; commit cancels it) and whether the interpreter must be re-ordered or the cancellation is late; `stats.changeCost` is the objective, `stats.changed` the sessions changed. A plan run lists the disrupted bookings it releases in `changes` too. Commit as any proposal.',
          `The solver runs in a worker thread, one run at a time per centre: while one is in progress another gets 503 with Retry-After. It has a time limit of ${SOLVE_TIME_LIMIT_MS / 1000} s: past it the optimiser stops, greedy (each request in priority order to its earliest free day) places the referrals it had not reached, and the proposal says so with \`stats.outcome: "timedout"\` (otherwise "optimal", or "feasible" for method greedy).`,
        ].join(' '),
        body: ProposeBodySchema,
        response: { 201: StoredProposalSchema, ...problemResponses(401, 403, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      try {
        if (request.body.mode === 'repair') return reply.code(201).send(render(request, await proposeRepair(deps, request.body)))
        return reply.code(201).send(render(request, await proposeInWorker(deps, request.body)))
      } catch (error) {
        if (error instanceof RunInProgress) reply.header('retry-after', String(error.retryAfterSeconds))
        throw error
      }
    },
  )

  app.get(
    '/v1/allocations',
    {
      onRequest: requireRole('coordinator'),
      schema: {
        operationId: 'listAllocations', tags: ['allocations'],
        summary: 'The run history, newest first, a page at a time: each run with its status and stats, without its sessions',
        description: 'Follow `nextCursor` until it is null to read them all. `GET /v1/allocations/:id` gives one run in full.',
        querystring: AllocationListQuerySchema,
        response: { 200: AllocationListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query
      const page = listAllocations(deps, filter, { limit, after: cursor })
      return { allocations: page.items, nextCursor: page.next && encodeCursor('allocations', page.next) }
    },
  )

  app.get(
    '/v1/allocations/:id',
    { onRequest: requireRole('coordinator'), schema: { operationId: 'getAllocation', tags: ['allocations'], summary: 'One proposal', params: Params, response: { 200: StoredProposalSchema, ...problemResponses(400, 401, 403, 404) } } },
    async (request) => render(request, getAllocation(deps, request.params.id)),
  )

  app.post(
    '/v1/allocations/:id/commit',
    {
      onRequest: requireRole('coordinator'),
      schema: {
        operationId: 'commitAllocation', tags: ['allocations'],
        summary: 'Book the proposal atomically; 409 if referrals, counsellors, sessions or the policy changed since it was made',
        description: 'Also 409 when the proposal is committed after its run date or once one of its sessions has begun: run a new allocation.',
        params: Params,
        response: { 200: CommittedProposalSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => render(request, commitAllocation(deps, request.params.id)),
  )
}
export default allocationRoutes
