import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { Unavailable } from '../errors.ts'
import { problemResponses } from '../schemas/problem.ts'
import { stateVersion } from '../store/state.ts'

const HealthSchema = z.object({ status: z.literal('ok'), database: z.literal('ok'), stateVersion: z.number().int() })

/** GET /health: open (no key), for load balancers; it reads the database, so a broken store shows. */
const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/health', { schema: { operationId: 'getHealth', tags: ['health'], summary: 'Whether the service is up and its database readable (open, no key; for load balancers)', security: [], response: { 200: HealthSchema, ...problemResponses(503) } } }, async (request) => {
    try {
      return { status: 'ok' as const, database: 'ok' as const, stateVersion: stateVersion(app.db) }
    } catch (err) {
      request.log.error({ err }, 'health check: database unreadable')
      throw new Unavailable('the database cannot be read')
    }
  })
}
export default healthRoutes
