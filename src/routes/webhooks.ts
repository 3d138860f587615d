import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { callerOf, requireRole } from '../auth/index.ts'
import { encodeCursor } from '../schemas/page.ts'
import { problemResponses } from '../schemas/problem.ts'
import { DeliveryListSchema, DeliveryQuerySchema, WebhookCreatedSchema, WebhookInputSchema, WebhookSchema } from '../schemas/webhook.ts'
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, webhookDeliveries } from '../services/notifications/webhooks.ts'
import { createOutboxRepository } from '../store/outbox-repository.ts'

const Params = z.object({ id: z.string().uuid() })

/** Webhooks: a municipality subscribes to its own referrals' events, a coordinator to the centre's. */
const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const outbox = createOutboxRepository(app.db)
  const who = requireRole('coordinator', 'municipality')

  app.post(
    '/v1/webhooks',
    {
      onRequest: who,
      schema: {
        operationId: 'createWebhook', tags: ['webhooks'],
        summary: 'Subscribe a URL to events (a municipality key: its own referrals only)',
        description:
          'Each delivery is a POST of `{ id, type, occurredAt, data }` with `X-Tildeling-Signature: sha256=<lowercase hex HMAC-SHA256 of the raw body, keyed with secret>`. At least once: retried with back-off (5 s, 10 s, 20 s, ... up to hourly) for 48 hours until a 2xx; deduplicate by `id`. One event per session; `data.sessionId` names it, `data.sequence` orders changes to it. No names or DUF numbers.',
        body: WebhookInputSchema,
        response: { 201: WebhookCreatedSchema, ...problemResponses(401, 403, 415, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await createWebhook(outbox, callerOf(request), request.body, app.notifications)),
  )

  app.get(
    '/v1/webhooks',
    { onRequest: who, schema: { operationId: 'listWebhooks', tags: ['webhooks'], summary: 'The webhooks this key may see', response: { 200: z.object({ webhooks: z.array(WebhookSchema) }), ...problemResponses(401, 403) } } },
    async (request) => ({ webhooks: listWebhooks(outbox, callerOf(request)) }),
  )

  app.get(
    '/v1/webhooks/:id',
    { onRequest: who, schema: { operationId: 'getWebhook', tags: ['webhooks'], summary: 'One webhook (without its secret)', params: Params, response: { 200: WebhookSchema, ...problemResponses(400, 401, 403, 404) } } },
    async (request) => getWebhook(outbox, callerOf(request), request.params.id),
  )

  app.delete(
    '/v1/webhooks/:id',
    { onRequest: who, schema: { operationId: 'deleteWebhook', tags: ['webhooks'], summary: 'Stop a webhook; its pending deliveries are dropped', params: Params, response: { 204: z.null(), ...problemResponses(400, 401, 403, 404) } } },
    async (request, reply) => {
      deleteWebhook(outbox, callerOf(request), request.params.id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      onRequest: who,
      schema: {
        operationId: 'listWebhookDeliveries', tags: ['webhooks'],
        summary: 'The delivery log of a webhook, newest first: status, attempts, last HTTP status, next attempt',
        params: Params,
        querystring: DeliveryQuerySchema,
        response: { 200: DeliveryListSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query
      const page = webhookDeliveries(outbox, callerOf(request), request.params.id, { limit, before: cursor ? Number(cursor[0]) : undefined })
      return { deliveries: page.items, nextCursor: page.next === null ? null : encodeCursor('deliveries', [String(page.next)]) }
    },
  )
}
export default webhookRoutes
