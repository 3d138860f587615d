import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { callerOf, requireRole } from '../auth/index.ts'
import { NotFound } from '../errors.ts'
import { CancelBodySchema, CancelResultSchema, SessionQuerySchema, StoredSessionListSchema } from '../schemas/allocation.ts'
import { CounsellorIdSchema } from '../schemas/counsellor.ts'
import { encodeCursor } from '../schemas/page.ts'
import { problemResponses } from '../schemas/problem.ts'
import { calendarIcs } from '../services/calendar-ics.ts'
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
        tags: ['sessions'],
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
        tags: ['sessions'],
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

  app.get(
    '/v1/counsellors/:id/calendar.ics',
    {
      onRequest: requireRole('coordinator'),
      schema: {
        tags: ['sessions'],
        summary: "The counsellor's booked sessions as iCalendar (RFC 5545); referral ids and municipality only, no names",
        params: z.object({ id: CounsellorIdSchema }),
        response: { 200: { description: 'text/calendar', content: { 'text/calendar': { schema: z.string() } } }, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      if (!app.store.counsellors.findById(id)) throw new NotFound(`no counsellor ${id}`)
      const ics = calendarIcs(id, sessions.list({ status: 'booked', counsellorId: id }))
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="${id}.ics"`)
        .serializer((body: unknown) => body as string)
        .send(ics)
    },
  )
}
export default sessionRoutes
