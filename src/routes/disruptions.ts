import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { DISRUPTION_REASONS } from '../../solver/disruptions.ts'
import { requireRole } from '../auth/index.ts'
import { IsoDateTimeSchema } from '../schemas/common.ts'
import { problemResponses } from '../schemas/problem.ts'
import { allocationDeps } from '../services/allocation.ts'
import { listDisruptions } from '../services/disruptions.ts'

export const DisruptionSchema = z.object({
  sessionId: z.string(),
  referralIds: z.array(z.string()),
  counsellorId: z.string(),
  start: IsoDateTimeSchema,
  reason: z.enum(DISRUPTION_REASONS),
})

/** Booked sessions that no longer fit their inputs. Coordinators only. */
const disruptionRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = allocationDeps(app.db, app.store)
  app.get(
    '/v1/disruptions',
    {
      onRequest: requireRole('coordinator'),
      schema: {
        operationId: 'listDisruptions', tags: ['allocations'],
        summary: 'Booked sessions still to come that no longer fit, in start order, with the reason',
        description:
          'Reasons: counsellor-absent, outside-hours, not-employed, centre-closed, programme-ended, deferred. No run keeps these bookings as they are: POST /v1/allocations with {"mode":"repair"} proposes moving exactly these; a session repaired or cancelled leaves the list.',
        response: { 200: z.object({ disruptions: z.array(DisruptionSchema) }), ...problemResponses(401, 403) },
      },
    },
    async () => ({ disruptions: listDisruptions(deps) }),
  )
}
export default disruptionRoutes
