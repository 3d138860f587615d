import type { FastifyPluginAsync } from 'fastify'
import { todayInOslo } from '../../clock.ts'
import { IsoDateSchema } from '../../schemas/common.ts'
import { referralLabels } from '../../services/referrals.ts'
import { listTasks, markTaskDone, whyNotDone } from '../../services/tasks.ts'
import { createSettingsRepository } from '../../store/settings-repository.ts'
import { createTaskRepository } from '../../store/task-repository.ts'
import { pageContext, personCaller, requirePerson, safeBack, sendPage } from '../context.ts'
import { parseDateInput, text, type FormBody } from '../forms.ts'
import { TasksPage } from '../views/tasks.tsx'

/** How far back the page lists tasks done (the list is for the work at hand; the API gives them all). */
export const DONE_SHOWN_DAYS = 30

/** The tasks page: the coordinator's (all, by counsellor and due date) and a programme advisor's (own referrals), on the API's service. */
const taskPages: FastifyPluginAsync = async (app) => {
  const deps = { tasks: createTaskRepository(app.db), settings: createSettingsRepository(app.db) }
  const who = { preHandler: requirePerson('coordinator', 'municipality') }

  app.get('/tasks', who, async (request, reply) => {
    const q = request.query as { counsellorId?: string; dueBefore?: string; marked?: string }
    const ctx = pageContext(request, reply)
    const caller = personCaller(request)
    const centre = caller.role === 'coordinator'
    const typed = (q.dueBefore ?? '').trim()
    const dueBefore = typed === '' ? undefined : parseDateInput(typed)
    const badDate = dueBefore !== undefined && !IsoDateSchema.safeParse(dueBefore).success
    const counsellorId = centre && q.counsellorId ? q.counsellorId : undefined
    const now = new Date()
    // A date that is no date filters nothing; the page says so at the field. Done tasks: the recent ones.
    const doneSince = new Date(now.getTime() - DONE_SHOWN_DAYS * 86_400_000).toISOString()
    const rows = listTasks(deps, caller, { counsellorId, dueBefore: badDate ? undefined : dueBefore, doneSince }).map((r) => ({ ...r, blocked: whyNotDone(caller, r, now) }))
    const view = {
      rows,
      labels: referralLabels(app.store.referrals, caller, rows.map((r) => r.referralId)),
      counsellors: centre ? app.store.counsellors.list().map((c) => ({ id: c.id, name: c.name })) : undefined,
      values: { counsellorId, dueBefore: typed },
      today: todayInOslo(now),
      doneDays: DONE_SHOWN_DAYS,
    }
    const errors = badDate ? { dueBefore: ctx.t.web.tasks.dueBeforeInvalid } : undefined
    return sendPage(reply, TasksPage({ ctx, view, errors, notice: q.marked ? ctx.t.web.tasks.marked : undefined }), badDate ? 400 : 200)
  })

  app.post('/tasks/:id/done', who, async (request, reply) => {
    markTaskDone(deps, personCaller(request), (request.params as { id: string }).id)
    // Back to the list as it was filtered, with the notice.
    const back = new URL(safeBack(text((request.body ?? {}) as FormBody, 'back')), 'http://page')
    if (back.pathname !== '/tasks') back.search = ''
    back.pathname = '/tasks'
    back.searchParams.set('marked', '1')
    return reply.redirect(`${back.pathname}${back.search}`, 303)
  })
}
export default taskPages
