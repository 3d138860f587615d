import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { daysBetween } from '../../solver/calendar.ts'
import { requireRole } from '../auth/index.ts'
import { Unavailable, Validation } from '../errors.ts'
import { replayPeriod } from '../replay/simulate.ts'
import { createReplayPool, REPLAY_POOL_DEFAULTS, type ReplayPoolOptions } from '../replay/worker.ts'
import { problemResponses } from '../schemas/problem.ts'
import { MAX_REPLAY_REFERRALS, ReplayBodySchema, ReplayQuerySchema, ReplayResultSchema, type ReplayBody } from '../schemas/replay.ts'

/** A replay is bounded in length as well as size: past that it is a batch job for `tildeling replay`. */
const MAX_REPLAY_DAYS = 3 * 366

/** What a client is told to wait when every replay slot is taken: a typical replay's length. */
const BUSY_RETRY_AFTER_SECONDS = 15

/** The scenario as the engine needs it: participants and advisors stay in this thread. */
function pseudonymised(scenario: ReplayBody): ReplayBody {
  return { ...scenario, referrals: scenario.referrals.map(({ participant: _p, advisor: _a, ...r }) => r) }
}

/**
 * Replays for analysts: the engine of `tildeling replay` on a posted scenario; aggregates only.
 * Each replay computes in a worker thread (src/replay/worker.ts) so this server keeps answering;
 * options default to REPLAY_POOL_DEFAULTS (one replay at a time, two minutes each).
 */
const replayRoutes: FastifyPluginAsyncZod<ReplayPoolOptions> = async (app, options) => {
  const pool = createReplayPool(options)
  const limitSeconds = (options.timeoutMs ?? REPLAY_POOL_DEFAULTS.timeoutMs) / 1000
  // Closing the server stops running replays rather than waiting minutes for them: preClose runs
  // before Fastify waits for in-flight requests (onClose would run only after the replay ended).
  app.addHook('preClose', async () => pool.close())

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
        operationId: 'runReplay', tags: ['replays'],
        summary: 'Replay a scenario week by week under one or more built-in policies; figures only (participant data is ignored)',
        description: `The replay computes in a worker thread, one at a time: while one runs, another request gets 503 with Retry-After. A replay that runs longer than ${limitSeconds} s is stopped and answered with 503; replay a shorter period, fewer policies at once, or use \`tildeling replay\`.`,
        querystring: ReplayQuerySchema,
        body: ReplayBodySchema,
        response: { 200: ReplayResultSchema, ...problemResponses(400, 401, 403, 413, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      const scenario = request.body
      const { from, to } = replayPeriod(scenario)
      if (daysBetween(from, to) > MAX_REPLAY_DAYS) {
        throw new Validation(`a replay covers at most three years; this one runs ${from} to ${to}`, [{ path: 'to', message: 'at most three years after from' }])
      }
      // A client that hangs up does not keep a core busy for nothing.
      const gone = new AbortController()
      reply.raw.once('close', () => {
        if (!reply.raw.writableEnded) gone.abort()
      })
      const policies = request.query.policy?.split(',') ?? []
      const outcome = await pool.run({ scenario: pseudonymised(scenario), policies, seed: request.query.seed }, gone.signal)
      if (outcome.ok) return outcome.result
      switch (outcome.why) {
        case 'busy':
          reply.header('retry-after', String(BUSY_RETRY_AFTER_SECONDS))
          throw new Unavailable(`another replay is running (at most ${outcome.running} at a time); try again in ${BUSY_RETRY_AFTER_SECONDS} seconds`)
        case 'timeout':
          throw new Unavailable(
            `the replay ran past the limit of ${outcome.limitMs / 1000} s and was stopped; replay a shorter period or fewer policies at once, or run it with \`tildeling replay\``,
          )
        case 'aborted':
          throw new Unavailable('the replay was stopped: the server is closing or the client went away')
        case 'failed':
          throw outcome.error
      }
    },
  )
}
export default replayRoutes
