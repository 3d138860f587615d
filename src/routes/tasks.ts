import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { callerOf, requireRole } from '../auth/index.ts'
import { IsoDateSchema } from '../schemas/common.ts'
import { CounsellorIdSchema } from '../schemas/counsellor.ts'
import { problemResponses } from '../schemas/problem.ts'
import { listTasks, markTaskDone, TASK_KINDS, type Task } from '../services/tasks.ts'
import { createSettingsRepository } from '../store/settings-repository.ts'
import { createTaskRepository } from '../store/task-repository.ts'

const TaskSchema = z.object({
  id: z.string().describe('`<sessionId>:<kind>`; stays the same when the session moves'),
  kind: z.enum(TASK_KINDS).describe('note: the counsellor registers the note in IMDi-nett after an ordinary session; participant-overview: the participant sends an overview of education, work and goal before a ukraine session'),
  referralId: z.string(),
  sessionId: z.string(),
  dueOn: z.string().describe('note: noteDueDays (policy in force on the session date) after the session; overview: 2 working days before it, counted as interpreterOrderBy is'),
  doneAt: z.string().optional().describe('when it was first marked done'),
})

/** Only the contract's fields: the page shows more of the session, the API names it by id. */
const wire = (t: Task): z.infer<typeof TaskSchema> => ({ id: t.id, kind: t.kind, referralId: t.referralId, sessionId: t.sessionId, dueOn: t.dueOn, ...(t.doneAt !== undefined && { doneAt: t.doneAt }) })

/** Tasks that follow from booked sessions: the coordinator's, and a municipality's for its own referrals. */
const taskRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = { tasks: createTaskRepository(app.db), settings: createSettingsRepository(app.db) }

  app.get(
    '/v1/tasks',
    {
      onRequest: requireRole('coordinator', 'municipality'),
      schema: {
        operationId: 'listTasks', tags: ['tasks'],
        summary: 'Tasks of booked sessions by due date (a municipality: those of its own referrals); a cancelled session has none',
        querystring: z.object({
          counsellorId: CounsellorIdSchema.optional().describe("only the tasks of this counsellor's sessions"),
          dueBefore: IsoDateSchema.optional().describe('only tasks due earlier than this date'),
        }),
        response: { 200: z.object({ tasks: z.array(TaskSchema) }), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => ({ tasks: listTasks(deps, callerOf(request), request.query).map(wire) }),
  )

  app.post(
    '/v1/tasks/:id/done',
    {
      onRequest: requireRole('coordinator', 'municipality'),
      schema: {
        operationId: 'markTaskDone', tags: ['tasks'],
        summary: 'Mark a task done (again: no change, doneAt stays the first time)',
        description: 'A municipality marks its own referrals\' participant overviews as received; the note is the centre\'s, and can be marked only once the session has begun (409 before).',
        params: z.object({ id: z.string().max(100) }),
        response: { 200: TaskSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => wire(markTaskDone(deps, callerOf(request), request.params.id)),
  )
}
export default taskRoutes
