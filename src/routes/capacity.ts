import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireRole } from '../auth/index.ts'
import { problemResponses } from '../schemas/problem.ts'
import { CapacityQuerySchema, CapacityTableSchema } from '../schemas/replay.ts'
import { allocationDeps } from '../services/allocation.ts'
import { centreCapacity } from '../services/capacity.ts'

/** The centre's capacity against its open referrals, week by week (a year at most). */
const capacityRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = allocationDeps(app.db, app.store)
  app.get(
    '/v1/capacity',
    {
      onRequest: requireRole('coordinator', 'analyst'),
      schema: {
        operationId: 'getCapacity', tags: ['capacity'],
        summary: 'Counsellor-hours needed per week for every open referral to be seen by its target date, against hours available',
        querystring: CapacityQuerySchema,
        response: { 200: CapacityTableSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => centreCapacity(deps, request.query),
  )
}
export default capacityRoutes
