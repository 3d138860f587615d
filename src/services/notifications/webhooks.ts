import { randomBytes } from 'node:crypto'
import { actorOf, type Caller } from '../../auth/caller.ts'
import { Forbidden, NotFound, Validation } from '../../errors.ts'
import type { WebhookInput } from '../../schemas/webhook.ts'
import type { DeliveryLogEntry, OutboxRepository, Webhook } from '../../store/outbox-repository.ts'
import { destinationProblem, type Allowances } from './destination.ts'

export type PublicWebhook = Omit<Webhook, 'secret'>
const publicView = ({ secret: _s, ...w }: Webhook): PublicWebhook => w

function mayManage(caller: Caller): asserts caller is Extract<Caller, { role: 'coordinator' | 'municipality' }> {
  if (caller.role === 'analyst') throw new Forbidden('webhooks need a coordinator or municipality key; yours is an analyst key')
}

/**
 * Register a webhook: a municipality's hears about its own referrals only, a coordinator's about
 * the whole centre. The URL must be https (http for loopback), and its host must not resolve into
 * a private network unless the operator allows it. The secret is returned once.
 */
export async function createWebhook(outbox: OutboxRepository, caller: Caller, input: WebhookInput, allow: Allowances, now = new Date()): Promise<Webhook> {
  mayManage(caller)
  const problem = await destinationProblem(input.url, allow)
  if (problem) throw new Validation(`the webhook URL cannot be used: ${problem}`, [{ path: 'url', message: problem }])
  return outbox.createWebhook(
    {
      url: input.url,
      events: input.events,
      secret: `whsec_${randomBytes(32).toString('base64url')}`,
      municipality: caller.role === 'municipality' ? caller.municipality : null,
      createdBy: actorOf(caller),
    },
    now,
  )
}

/** A webhook this caller may see; another municipality's does not exist for it. */
function visibleWebhook(outbox: OutboxRepository, caller: Caller, id: string): Webhook {
  mayManage(caller)
  const w = outbox.findWebhook(id)
  if (!w || (caller.role === 'municipality' && w.municipality !== caller.municipality)) throw new NotFound(`no webhook ${id}`)
  return w
}

export function listWebhooks(outbox: OutboxRepository, caller: Caller): PublicWebhook[] {
  mayManage(caller)
  return outbox.listWebhooks(caller.role === 'municipality' ? caller.municipality : null).map(publicView)
}

export function getWebhook(outbox: OutboxRepository, caller: Caller, id: string): PublicWebhook {
  return publicView(visibleWebhook(outbox, caller, id))
}

/** Stop a webhook; its pending deliveries are dropped (skipped). */
export function deleteWebhook(outbox: OutboxRepository, caller: Caller, id: string): void {
  visibleWebhook(outbox, caller, id)
  outbox.deleteWebhook(id)
}

/** The delivery log of one webhook, newest first, a page at a time. */
export function webhookDeliveries(outbox: OutboxRepository, caller: Caller, id: string, page: { limit: number; before?: number | undefined }): { items: DeliveryLogEntry[]; next: number | null } {
  visibleWebhook(outbox, caller, id)
  const rows = outbox.deliveries(id, { limit: page.limit + 1, before: page.before })
  const items = rows.slice(0, page.limit)
  return { items, next: rows.length > page.limit ? (items[items.length - 1]?.id ?? null) : null }
}
