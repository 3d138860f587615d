import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { requireRole } from '../auth/index.ts'
import { NotFound } from '../errors.ts'
import { problemResponses } from '../schemas/problem.ts'
import { allocationDeps } from '../services/allocation.ts'
import { disruptedOf } from '../services/disruptions.ts'
import { CounsellorIdSchema, CounsellorInputSchema, CounsellorSchema } from '../schemas/counsellor.ts'

const Params = z.object({ id: CounsellorIdSchema })
const CounsellorPutSchema = CounsellorSchema.and(z.object({ disrupted: z.array(z.string()) }))

/** Counsellors and their availability: coordinators change them; coordinators and analysts read them. */
const counsellorRoutes: FastifyPluginAsyncZod = async (app) => {
  const { counsellors } = app.store
  const deps = allocationDeps(app.db, app.store)

  app.put(
    '/v1/counsellors/:id',
    {
      onRequest: requireRole('coordinator'),
      schema: {
        operationId: 'putCounsellor', tags: ['counsellors'],
        summary: 'Create or replace a counsellor',
        description: '`disrupted`: the ids of this counsellor\'s booked sessions still to come that no longer fit (an absence, hours, employment); empty when none. GET /v1/disruptions lists them with reasons; POST /v1/allocations {"mode":"repair"} moves them.',
        params: Params,
        body: CounsellorInputSchema,
        response: { 200: CounsellorPutSchema, 201: CounsellorPutSchema, ...problemResponses(400, 401, 403, 415, 422) },
      },
    },
    async (request, reply) => {
      const { created, counsellor } = counsellors.put(request.params.id, request.body)
      return reply.code(created ? 201 : 200).send({ ...counsellor, disrupted: disruptedOf(deps, request.params.id) })
    },
  )

  app.get(
    '/v1/counsellors',
    { onRequest: requireRole('coordinator', 'analyst'), schema: { operationId: 'listCounsellors', tags: ['counsellors'], summary: 'List counsellors', response: { 200: z.object({ counsellors: z.array(CounsellorSchema) }), ...problemResponses(401, 403) } } },
    async () => ({ counsellors: counsellors.list() }),
  )

  app.get(
    '/v1/counsellors/:id',
    { onRequest: requireRole('coordinator', 'analyst'), schema: { operationId: 'getCounsellor', tags: ['counsellors'], summary: 'One counsellor', params: Params, response: { 200: CounsellorSchema, ...problemResponses(400, 401, 403, 404) } } },
    async (request) => {
      const c = counsellors.findById(request.params.id)
      if (!c) throw new NotFound(`no counsellor ${request.params.id}`)
      return c
    },
  )
}
export default counsellorRoutes
