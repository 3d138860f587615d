import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { requireRole } from '../auth/index.ts'
import { IsoDateSchema } from '../schemas/common.ts'
import { encodeCursor, pageQuery } from '../schemas/page.ts'
import { problemResponses } from '../schemas/problem.ts'
import { listAudit } from '../services/audit.ts'

const AuditQuerySchema = z.object({
  referralId: z.string().uuid().optional().describe('only this referral'),
  from: IsoDateSchema.optional().describe('from this date (Oslo), inclusive'),
  to: IsoDateSchema.optional().describe('up to this date (Oslo), inclusive'),
  ...pageQuery('audit', 1),
})

const AuditEntrySchema = z.object({
  at: z.string().describe('when (UTC, ISO 8601)'),
  actor: z.string().describe("the account's e-mail or the API key's id"),
  role: z.string(),
  action: z.enum(['read', 'write', 'update', 'withdraw']).describe('read: personal data shown; write: posted in a batch; update: a PATCH; withdraw'),
  referralId: z.string(),
})

/** The audit trail of personal data, for the coordinator: newest first, a page at a time. */
const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/audit',
    {
      onRequest: requireRole('coordinator'),
      schema: {
        operationId: 'listAudit', tags: ['audit'],
        summary: "Who read or changed a referral's personal data, and when (newest first)",
        description: 'Every read that showed a name, DUF number, advisor or case reference, and every change, by a person or a key. The entries hold ids and roles, never the personal data itself.',
        querystring: AuditQuerySchema,
        response: { 200: z.object({ entries: z.array(AuditEntrySchema), nextCursor: z.string().nullable() }), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query
      const page = listAudit(app.store.referrals.audit, filter, { limit, after: cursor?.[0] })
      return { entries: page.items, nextCursor: page.next && encodeCursor('audit', page.next) }
    },
  )
}
export default auditRoutes
