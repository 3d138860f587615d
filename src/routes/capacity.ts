import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { addDays } from '../../solver/calendar.ts'
import { resolvePolicy } from '../../solver/policy.ts'
import { requireRole } from '../auth/index.ts'
import { todayInOslo } from '../clock.ts'
import { BadRequest } from '../errors.ts'
import { capacityTable } from '../replay/capacity.ts'
import { problemResponses } from '../schemas/problem.ts'
import { CapacityQuerySchema, CapacityTableSchema } from '../schemas/replay.ts'
import { allocationDeps, loadProblem } from '../services/allocation.ts'

/** The centre's capacity against its open referrals, week by week (a year at most). */
const capacityRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = allocationDeps(app.db, app.store)
  app.get(
    '/v1/capacity',
    {
      onRequest: requireRole('coordinator', 'analyst'),
      schema: {
        tags: ['capacity'],
        summary: 'Counsellor-hours needed per week for every open referral to be seen by its target date, against hours available',
        querystring: CapacityQuerySchema,
        response: { 200: CapacityTableSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const from = request.query.from ?? todayInOslo()
      const to = request.query.to ?? addDays(from, 12 * 7 - 1)
      if (to < from) throw new BadRequest('to must be on or after from')
      if (to > addDays(from, 366)) throw new BadRequest('a capacity table covers a year at most')
      const problem = loadProblem(deps, from, 1)
      // A referral whose first session was held before `from` needs no more first-session hours.
      const seen = new Set(problem.pinned.flatMap((s) => (s.kind === 'individual' && s.start.slice(0, 10) < from ? [s.referralId] : [])))
      const policyInput = deps.settings.policyInput()
      return capacityTable({
        referrals: problem.referrals.filter((r) => !seen.has(r.id)),
        counsellors: problem.counsellors,
        policyOn: (d) => resolvePolicy(policyInput, d),
        from,
        to,
      })
    },
  )
}
export default capacityRoutes
