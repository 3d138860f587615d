import { z } from 'zod'
import { EVENT_TYPES } from '../store/outbox-repository.ts'
import { pageQuery } from './page.ts'

export const EventTypeSchema = z.enum(EVENT_TYPES)

export const WebhookInputSchema = z.object({
  url: z.string().min(1).max(2000).describe('where deliveries are POSTed: https, or http for a loopback host'),
  events: z.array(EventTypeSchema).min(1).describe('the event types to receive'),
})
export type WebhookInput = z.infer<typeof WebhookInputSchema>

export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(EventTypeSchema),
  municipality: z.string().nullable().describe('the municipality whose referrals it hears about; null: the whole centre'),
  createdAt: z.string(),
})

export const WebhookCreatedSchema = WebhookSchema.extend({
  secret: z.string().describe('the HMAC-SHA256 key of X-Tildeling-Signature; shown only now'),
})

export const DeliverySchema = z.object({
  id: z.number().int(),
  eventId: z.string().describe('the delivered body\'s `id`: the same on every retry, for deduplication'),
  type: EventTypeSchema,
  occurredAt: z.string(),
  status: z.enum(['pending', 'delivered', 'failed', 'skipped']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastStatus: z.number().int().nullable().describe('the HTTP status of the last attempt'),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
})

export const DeliveryListSchema = z.object({ deliveries: z.array(DeliverySchema), nextCursor: z.string().nullable() })
export const DeliveryQuerySchema = z.object(pageQuery('deliveries', 1))
