import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { requireRole } from '../auth/index.ts'
import { NotFound } from '../errors.ts'
import { problemResponses } from '../schemas/problem.ts'
import { CounsellorIdSchema, CounsellorInputSchema, CounsellorSchema } from '../schemas/counsellor.ts'

const Params = z.object({ id: CounsellorIdSchema })

/** Counsellors and their availability: coordinators change them; coordinators and analysts read them. */
const counsellorRoutes: FastifyPluginAsyncZod = async (app) => {
  const { counsellors } = app.store

  app.put(
    '/v1/counsellors/:id',
    {
      onRequest: requireRole('coordinator'),
      schema: { tags: ['counsellors'], summary: 'Create or replace a counsellor', params: Params, body: CounsellorInputSchema, response: { 200: CounsellorSchema, 201: CounsellorSchema, ...problemResponses(400, 401, 403, 415, 422) } },
    },
    async (request, reply) => {
      const { created, counsellor } = counsellors.put(request.params.id, request.body)
      return reply.code(created ? 201 : 200).send(counsellor)
    },
  )

  app.get(
    '/v1/counsellors',
    { onRequest: requireRole('coordinator', 'analyst'), schema: { tags: ['counsellors'], summary: 'List counsellors', response: { 200: z.object({ counsellors: z.array(CounsellorSchema) }), ...problemResponses(401, 403) } } },
    async () => ({ counsellors: counsellors.list() }),
  )

  app.get(
    '/v1/counsellors/:id',
    { onRequest: requireRole('coordinator', 'analyst'), schema: { tags: ['counsellors'], summary: 'One counsellor', params: Params, response: { 200: CounsellorSchema, ...problemResponses(400, 401, 403, 404) } } },
    async (request) => {
      const c = counsellors.findById(request.params.id)
      if (!c) throw new NotFound(`no counsellor ${request.params.id}`)
      return c
    },
  )
}
export default counsellorRoutes
