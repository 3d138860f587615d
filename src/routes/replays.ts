import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { daysBetween } from '../../solver/calendar.ts'
import { requireRole } from '../auth/index.ts'
import { Validation } from '../errors.ts'
import { BUILT_IN_POLICIES, scenarioPolicy } from '../replay/policies.ts'
import { replayPeriod, simulate } from '../replay/simulate.ts'
import { problemResponses } from '../schemas/problem.ts'
import { MAX_REPLAY_REFERRALS, ReplayBodySchema, ReplayQuerySchema, ReplayResultSchema } from '../schemas/replay.ts'

/** The request runs the whole replay: its length is bounded as well as its size. */
const MAX_REPLAY_DAYS = 3 * 366

/** Replays for analysts: the engine of `tildeling replay` on a posted scenario; aggregates only. */
const replayRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/replays',
    {
      onRequest: requireRole('analyst', 'coordinator'),
      // Refuse an oversized scenario before validating 20,000+ items one by one.
      preValidation: async (request) => {
        const referrals = (request.body as { referrals?: unknown } | null)?.referrals
        if (Array.isArray(referrals) && referrals.length > MAX_REPLAY_REFERRALS) {
          throw new Validation(`a replay takes at most ${MAX_REPLAY_REFERRALS.toLocaleString('en')} referrals; this scenario has ${referrals.length}`, [
            { path: 'referrals', message: `at most ${MAX_REPLAY_REFERRALS} referrals` },
          ])
        }
      },
      schema: {
        tags: ['replays'],
        summary: 'Replay a scenario week by week under one or more built-in policies; figures only (participant data is ignored)',
        querystring: ReplayQuerySchema,
        body: ReplayBodySchema,
        response: { 200: ReplayResultSchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request) => {
      const scenario = request.body
      const { from, to } = replayPeriod(scenario)
      if (daysBetween(from, to) > MAX_REPLAY_DAYS) {
        throw new Validation(`a replay covers at most three years; this one runs ${from} to ${to}`, [{ path: 'to', message: 'at most three years after from' }])
      }
      const policies = request.query.policy ? request.query.policy.split(',').map((p) => BUILT_IN_POLICIES[p]!) : [scenarioPolicy(scenario.policy !== undefined)]
      const runs = policies.map((p) => simulate(scenario, p, { seed: request.query.seed }).metrics)
      return { scenario: scenario.name, policies: runs }
    },
  )
}
export default replayRoutes
