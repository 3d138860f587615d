import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { callerOf, requireRole } from '../auth/index.ts'
import { NotFound, Unauthorized } from '../errors.ts'
import { CancelBodySchema, CancelResultSchema, SessionQuerySchema, StoredSessionListSchema } from '../schemas/allocation.ts'
import { CounsellorIdSchema } from '../schemas/counsellor.ts'
import { encodeCursor } from '../schemas/page.ts'
import { problemResponses } from '../schemas/problem.ts'
import { counsellorFeed } from '../services/calendar-ics.ts'
import { createCalendarRepository } from '../store/calendar-repository.ts'
import { cancelSession, listSessions } from '../services/sessions.ts'
import { createSessionRepository } from '../store/session-repository.ts'
import { createSettingsRepository } from '../store/settings-repository.ts'

/** Booked sessions: list (municipalities see their own), cancel, and a counsellor's calendar. */
const sessionRoutes: FastifyPluginAsyncZod = async (app) => {
  const sessions = createSessionRepository(app.db)
  const settings = createSettingsRepository(app.db)

  app.get(
    '/v1/sessions',
    {
      onRequest: requireRole('coordinator', 'municipality'),
      schema: {
        operationId: 'listSessions', tags: ['sessions'],
        summary: 'Booked sessions, a page at a time in start order (a municipality key sees only those of its own referrals)',
        description: 'Follow `nextCursor` until it is null to read them all; each session appears on exactly one page.',
        querystring: SessionQuerySchema,
        response: { 200: StoredSessionListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query
      const page = listSessions(sessions, callerOf(request), filter, { limit, after: cursor })
      return { sessions: page.items, nextCursor: page.next && encodeCursor('sessions', page.next) }
    },
  )

  app.post(
    '/v1/sessions/:id/cancel',
    {
      onRequest: requireRole('coordinator'),
      schema: {
        operationId: 'cancelSession', tags: ['sessions'],
        summary: 'Cancel a booked session that has not begun; later sessions that depended on it go with it; its referrals go back to pending',
        description:
          'lateCancellation: an interpreted session less than lateCancellationHours ahead. Cancelling a group meeting also cancels its members\' later individual sessions and follow-ups; cancelling a first session its follow-up (alsoCancelled lists them). A session that has begun or been held is a 409.',
        params: z.object({ id: z.string().uuid() }),
        body: CancelBodySchema,
        response: { 200: CancelResultSchema, ...problemResponses(400, 401, 403, 404, 409, 415, 422) },
      },
    },
    async (request) => cancelSession({ sessions, settings }, request.params.id, request.body.reason),
  )

  const calendar = createCalendarRepository(app.db)
  app.post(
    '/v1/counsellors/:id/calendar-token',
    {
      onRequest: requireRole('coordinator'),
      schema: {
        operationId: 'createCalendarToken', tags: ['sessions'],
        summary: "A subscription URL for the counsellor's calendar (Outlook: add calendar from the internet); a new token revokes the old one",
        params: z.object({ id: CounsellorIdSchema }),
        response: { 201: z.object({ token: z.string(), url: z.string() }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      if (!app.store.counsellors.findById(id)) throw new NotFound(`no counsellor ${id}`)
      const token = calendar.issue(id)
      const base = (app.notifications.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '')
      return reply.code(201).send({ token, url: `${base}/v1/counsellors/${encodeURIComponent(id)}/calendar.ics?token=${token}` })
    },
  )
  app.delete(
    '/v1/counsellors/:id/calendar-token',
    {
      onRequest: requireRole('coordinator'),
      schema: { operationId: 'revokeCalendarToken', tags: ['sessions'], summary: "Revoke the counsellor's calendar subscription URL (it answers 401 from now on)", params: z.object({ id: CounsellorIdSchema }), response: { 204: z.null(), ...problemResponses(400, 401, 403, 404) } },
    },
    async (request, reply) => {
      if (!calendar.revoke(request.params.id)) throw new NotFound(`counsellor ${request.params.id} has no calendar token`)
      return reply.code(204).send(null)
    },
  )
  app.get(
    '/v1/counsellors/:id/calendar.ics',
    {
      // With ?token= (a subscription URL, issue 11) the token is the credential; otherwise a coordinator key.
      config: { calendarToken: true },
      onRequest: async (request, reply) => {
        if (request.query && typeof (request.query as { token?: unknown }).token === 'string') return
        await requireRole('coordinator')(request, reply)
      },
      schema: {
        operationId: 'getCounsellorCalendar', tags: ['sessions'],
        summary: "The counsellor's booked sessions as iCalendar (RFC 5545); referral ids and municipality only, no names",
        description: 'Subscribe with `?token=` from POST /v1/counsellors/{id}/calendar-token (no key needed), or fetch with a coordinator key. Cancelled and moved sessions stay in the feed as STATUS:CANCELLED or with a higher SEQUENCE.',
        params: z.object({ id: CounsellorIdSchema }),
        querystring: z.object({ token: z.string().max(200).optional() }),
        response: { 200: { description: 'text/calendar', content: { 'text/calendar': { schema: z.string() } } }, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      const { token } = request.query
      if (token !== undefined && !calendar.verify(id, token)) throw new Unauthorized('the calendar token is not valid (revoked or replaced); ask the coordinator for a new subscription URL')
      if (!app.store.counsellors.findById(id)) throw new NotFound(`no counsellor ${id}`)
      const ics = counsellorFeed({ sessions, calendar }, id)
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="${id}.ics"`)
        .serializer((body: unknown) => body as string)
        .send(ics)
    },
  )
}
export default sessionRoutes
