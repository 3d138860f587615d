import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { callerOf, requireRole } from '../auth/index.ts'
import { langFromAcceptLanguage } from '../i18n/index.ts'
import { IsoDateSchema } from '../schemas/common.ts'
import { problemResponses } from '../schemas/problem.ts'
import { interpreterOrdersCsv, listInterpreterOrders, markCancelled, markOrdered } from '../services/interpreter-orders.ts'
import { createInterpreterOrderRepository } from '../store/interpreter-order-repository.ts'
import { createSettingsRepository } from '../store/settings-repository.ts'

const OrderSchema = z.object({
  sessionId: z.string(),
  language: z.string().nullable(),
  date: z.string().describe('the session\'s date (Oslo)'),
  start: z.string(),
  end: z.string(),
  minutes: z.number().int(),
  orderBy: z.string().describe('the working day by which to order the interpreter'),
  cancellationDeadline: z.string().describe('cancelling after this is billed, by the service\'s terms'),
  service: z.string().nullable().describe('the interpreter service for the language (policy interpreterServices)'),
  status: z.enum(['to-order', 'ordered', 'to-cancel']),
})
const Params = z.object({ sessionId: z.string().uuid() })

/** The list the centre orders and cancels interpreters from (coordinator). */
const interpreterOrderRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = { orders: createInterpreterOrderRepository(app.db), settings: createSettingsRepository(app.db) }

  app.get(
    '/v1/interpreter-orders',
    {
      onRequest: requireRole('coordinator'),
      schema: {
        operationId: 'listInterpreterOrders', tags: ['interpreter orders'],
        summary: 'Interpreter orders: one line per interpreted session (a moved one that was ordered has a to-cancel and a to-order line)',
        description: '`format=csv` gives the list for Excel: UTF-8 with BOM, semicolons, a header row in the Accept-Language, times as Oslo wall clock.',
        querystring: z.object({ from: IsoDateSchema.optional().describe('default today'), to: IsoDateSchema.optional(), format: z.enum(['json', 'csv']).default('json') }),
        response: {
          200: { description: 'JSON or CSV', content: { 'application/json': { schema: z.object({ orders: z.array(OrderSchema) }) }, 'text/csv': { schema: z.string() } } },
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const { format, ...range } = request.query
      const orders = listInterpreterOrders(deps, callerOf(request), range)
      if (format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="tolkebestillinger.csv"')
          .serializer((body: unknown) => body as string)
          .send(interpreterOrdersCsv(orders, langFromAcceptLanguage(request.headers['accept-language'])))
      }
      return reply.send({ orders })
    },
  )

  app.post(
    '/v1/interpreter-orders/:sessionId/ordered',
    {
      onRequest: requireRole('coordinator'),
      schema: { operationId: 'markInterpreterOrdered', tags: ['interpreter orders'], summary: 'Mark the interpreter ordered for the session as booked now', params: Params, response: { 200: OrderSchema, ...problemResponses(400, 401, 403, 404, 409) } },
    },
    async (request) => markOrdered(deps, callerOf(request), request.params.sessionId),
  )

  app.post(
    '/v1/interpreter-orders/:sessionId/cancelled',
    {
      onRequest: requireRole('coordinator'),
      schema: { operationId: 'markInterpreterOrderCancelled', tags: ['interpreter orders'], summary: 'Mark the open order cancelled with the interpreter service (a to-cancel line goes away)', params: Params, response: { 204: z.null(), ...problemResponses(400, 401, 403, 404, 409) } },
    },
    async (request, reply) => {
      markCancelled(deps, callerOf(request), request.params.sessionId)
      return reply.code(204).send(null)
    },
  )
}
export default interpreterOrderRoutes
