import type { FastifyPluginAsync } from 'fastify'
import { addDays, isWorkingDay } from '../../../solver/calendar.ts'
import { todayInOslo } from '../../clock.ts'
import { Conflict, NotFound, Unavailable, Validation } from '../../errors.ts'
import { IsoDateSchema } from '../../schemas/common.ts'
import { CounsellorIdSchema, CounsellorInputSchema, type CounsellorWire } from '../../schemas/counsellor.ts'
import { listAudit } from '../../services/audit.ts'
import { allocationDeps, commitAllocation, getAllocation, listAllocations, proposeInWorker } from '../../services/allocation.ts'
import { disruptedOf, listDisruptions, proposeRepair } from '../../services/disruptions.ts'
import { namesFor, renderProposal } from '../../services/explain.ts'
import { moveOptions, moveSession } from '../../services/booking.ts'
import { referralLabels } from '../../services/referrals.ts'
import { cancelSession, listSessions } from '../../services/sessions.ts'
import { toWireSession } from '../../store/session-repository.ts'
import { pageContext, personCaller, requirePerson, sendPage } from '../context.ts'
import { parseDateInput, showDateInput, text, type FormBody } from '../forms.ts'
import type { FieldErrors } from '../views/components.tsx'
import { DisruptionsPage, MovedPage, OptionsPage, refusalInWords } from '../views/disruptions.tsx'
import { InterpreterOrdersPage } from '../views/interpreter-orders.tsx'
import { interpreterOrdersCsv, listInterpreterOrders, markCancelled, markOrdered } from '../../services/interpreter-orders.ts'
import { createInterpreterOrderRepository } from '../../store/interpreter-order-repository.ts'
import { AllocationsPage, AuditPage, BoardPage, CancelPage, CounsellorFormPage, CounsellorsPage, NEW_ABSENCE_ROWS, ReviewPage } from '../views/coordinator.tsx'
import { fieldErrorsOf } from './referrals.tsx'

/** The Monday of the week a date falls in. */
function mondayOf(date: string): string {
  const weekday = (new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7
  return addDays(date, -weekday)
}

/** A counsellor as the form shows it: one field per value, weekly hours by weekday, absences numbered. */
function counsellorValues(c: CounsellorWire | undefined): Record<string, string> {
  if (!c) return {}
  const v: Record<string, string> = {
    name: c.name,
    municipalities: c.municipalities.join(', '),
    maxSessionsPerDay: c.maxSessionsPerDay === undefined ? '' : String(c.maxSessionsPerDay),
    employedFrom: showDateInput(c.employedFrom),
    employedUntil: showDateInput(c.employedUntil),
  }
  for (const w of c.weekly) Object.assign(v, { [`w${w.weekday}.start`]: w.start, [`w${w.weekday}.end`]: w.end })
  c.absences.forEach((a, i) => Object.assign(v, { [`a${i}.from`]: showDateInput(a.from), [`a${i}.to`]: showDateInput(a.to), [`a${i}.reason`]: a.reason }))
  return v
}

/**
 * The form as the API's counsellor, and where each array item's fields stand on the form (so an
 * error on `weekly.2.end` lands on Wednesday's end field).
 */
function counsellorFromForm(body: FormBody, absenceRows: number): { input: Record<string, unknown>; fieldOf: (path: string) => string } {
  const weekly: { weekday: number; start: string; end: string }[] = []
  const weekdayAt: number[] = []
  for (let d = 1; d <= 7; d++) {
    const start = text(body, `w${d}.start`).replace('.', ':')
    const end = text(body, `w${d}.end`).replace('.', ':')
    if (start === '' && end === '') continue
    weekly.push({ weekday: d, start, end })
    weekdayAt.push(d)
  }
  const absences: { from: string; to: string; reason: string }[] = []
  const rowAt: number[] = []
  for (let i = 0; i < absenceRows; i++) {
    const from = text(body, `a${i}.from`)
    const to = text(body, `a${i}.to`)
    const reason = text(body, `a${i}.reason`)
    if (from === '' && to === '' && reason === '') continue
    absences.push({ from: parseDateInput(from), to: parseDateInput(to), reason })
    rowAt.push(i)
  }
  const max = text(body, 'maxSessionsPerDay')
  const input = {
    name: text(body, 'name'),
    municipalities: text(body, 'municipalities').split(/[\s,;]+/).filter(Boolean),
    weekly,
    absences,
    ...(text(body, 'employedFrom') && { employedFrom: parseDateInput(text(body, 'employedFrom')) }),
    ...(text(body, 'employedUntil') && { employedUntil: parseDateInput(text(body, 'employedUntil')) }),
    ...(max !== '' && { maxSessionsPerDay: /^\d+$/.test(max) ? Number(max) : max }),
  }
  const fieldOf = (path: string) => {
    const [head, index, field] = path.split('.')
    if (head === 'weekly' && index !== undefined) return `w${weekdayAt[Number(index)] ?? 1}.${field === 'weekday' || !field ? 'start' : field}`
    if (head === 'absences' && index !== undefined) return `a${rowAt[Number(index)] ?? 0}.${field ?? 'from'}`
    if (head === 'municipalities') return 'municipalities'
    return path
  }
  return { input, fieldOf }
}

/** The coordinator's pages: the week board, allocations (propose, review, commit), cancelling, counsellors, the audit trail. */
const coordinatorRoutes: FastifyPluginAsync = async (app) => {
  const deps = allocationDeps(app.db, app.store)
  const only = { preHandler: requirePerson('coordinator') }
  const counsellorName = () => {
    const names = new Map(app.store.counsellors.list().map((c) => [c.id, c.name]))
    return (id: string) => names.get(id) ?? id
  }
  const idsOf = (sessions: readonly { kind: string; referralId?: string; referralIds?: readonly string[] }[]) => sessions.flatMap((s) => (s.kind === 'group' ? [...(s.referralIds ?? [])] : [s.referralId ?? '']))

  app.get('/board', only, async (request, reply) => {
    const week = (request.query as { week?: string }).week
    const monday = mondayOf(week && /^\d{4}-\d{2}-\d{2}$/.test(week) ? week : todayInOslo())
    const sunday = addDays(monday, 6)
    const caller = personCaller(request)
    const sessions = listSessions(deps.sessions, caller, { from: monday, to: sunday }, { limit: 5000 }).items as (ReturnType<typeof toWireSession>)[]
    const weekend = [addDays(monday, 5), addDays(monday, 6)].filter((d) => sessions.some((s) => s.start.slice(0, 10) === d))
    const days = [0, 1, 2, 3, 4].map((i) => addDays(monday, i)).concat(weekend).map((date) => ({ date, open: isWorkingDay(date) }))
    const disrupted = new Set(listDisruptions(deps).map((d) => d.sessionId))
    const view = { monday, days, counsellors: deps.counsellors.list(), sessions, labels: referralLabels(deps.referrals, caller, idsOf(sessions)), disrupted }
    return sendPage(reply, BoardPage({ ctx: pageContext(request, reply), view, prev: addDays(monday, -7), next: addDays(monday, 7) }))
  })

  app.get('/sessions/:id/cancel', only, async (request, reply) => {
    const stored = deps.sessions.findById((request.params as { id: string }).id)
    if (!stored || stored.status !== 'booked') throw new NotFound('no such booked session')
    const s = toWireSession(stored)
    return sendPage(reply, CancelPage({ ctx: pageContext(request, reply), s, labels: referralLabels(deps.referrals, personCaller(request), idsOf([s])) }))
  })

  app.post('/sessions/:id/cancel', only, async (request, reply) => {
    const stored = deps.sessions.findById((request.params as { id: string }).id)
    if (!stored) throw new NotFound('no such session')
    const s = toWireSession(stored)
    const ctx = pageContext(request, reply)
    const labels = referralLabels(deps.referrals, personCaller(request), idsOf([s]))
    const reason = text((request.body ?? {}) as FormBody, 'reason')
    if (reason === '') return sendPage(reply, CancelPage({ ctx, s, labels, errors: { reason: ctx.t.web.fieldErrors.cancelReason } }), 422)
    const result = cancelSession(deps, stored.id, reason)
    return sendPage(reply, CancelPage({ ctx, s, labels, result }))
  })

  // Moving one session: where it can go (as options are found), then the move itself.
  const movePage = (sessionId: string, error?: string) => async (request: Parameters<typeof pageContext>[0], reply: Parameters<typeof pageContext>[1], status = 200) => {
    const ctx = pageContext(request, reply)
    const caller = personCaller(request)
    const stored = deps.sessions.findById(sessionId)
    if (!stored || stored.status !== 'booked') throw new NotFound('no such booked session')
    const found = moveOptions(deps, caller, sessionId, 5, ctx.lang)
    const labels = referralLabels(deps.referrals, caller, [found.referralId, ...found.options.flatMap((o) => o.displaces)])
    const moving = { sessionId, start: stored.start, counsellorId: stored.counsellorId }
    return sendPage(reply, OptionsPage({ ctx, referralId: found.referralId, label: labels.get(found.referralId) ?? '', found, labels, counsellorName: counsellorName(), error, moving }), status)
  }
  app.get('/sessions/:id/move', only, async (request, reply) => movePage((request.params as { id: string }).id)(request, reply))

  app.post('/sessions/:id/move', only, async (request, reply) => {
    const { id } = request.params as { id: string }
    const body = (request.body ?? {}) as FormBody
    const ctx = pageContext(request, reply)
    try {
      const moved = moveSession(deps, personCaller(request), id, { counsellorId: text(body, 'counsellorId'), start: text(body, 'start') })
      const label = referralLabels(deps.referrals, personCaller(request), deps.sessions.findById(id)?.referrals.map((r) => r.id) ?? []).values().next().value ?? ''
      return sendPage(reply, MovedPage({ ctx, label, moved, counsellorName: counsellorName() }))
    } catch (err) {
      if (!(err instanceof Conflict)) throw err
      return movePage(id, refusalInWords(ctx, err.message))(request, reply, 409)
    }
  })

  app.get('/allocations', only, async (request, reply) => {
    const runs = listAllocations(deps, {}, { limit: 20 }).items
    return sendPage(reply, AllocationsPage({ ctx: pageContext(request, reply), runs }))
  })

  app.post('/allocations', only, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody
    const runDate = text(body, 'runDate') === '' ? undefined : parseDateInput(text(body, 'runDate'))
    const horizonWeeks = Number(text(body, 'horizonWeeks') || '4')
    try {
      if (runDate !== undefined && !IsoDateSchema.safeParse(runDate).success) throw new Validation('not a date', [{ path: 'runDate', message: 'not a date' }])
      // The same worker as POST /v1/allocations: one run at a time, off the event loop.
      const p = await proposeInWorker(deps, { runDate, horizonWeeks })
      return reply.redirect(`/allocations/${p.id}`, 303)
    } catch (err) {
      if (!(err instanceof Validation || err instanceof Unavailable)) throw err
      const ctx = pageContext(request, reply)
      const runs = listAllocations(deps, {}, { limit: 20 }).items
      const errors: FieldErrors = { runDate: err instanceof Validation ? ctx.t.web.fieldErrors.runDate : ctx.t.web.fieldErrors.busy }
      return sendPage(reply, AllocationsPage({ ctx, runs, errors, values: { runDate: text(body, 'runDate'), horizonWeeks: String(horizonWeeks) } }), err instanceof Validation ? 422 : 503)
    }
  })

  const review = (id: string, notice?: string, error?: string) => async (request: Parameters<typeof pageContext>[0], reply: Parameters<typeof pageContext>[1], status = 200) => {
    const ctx = pageContext(request, reply)
    // The same rendering as the API: every detail in the page language, other referrals by case reference.
    const p = renderProposal(getAllocation(deps, id), ctx.lang, namesFor(personCaller(request), deps.referrals))
    const ids = [...idsOf(p.sessions), ...p.unassigned.map((u) => u.referralId), ...p.deadlineBreaches.map((b) => b.referralId)]
    return sendPage(reply, ReviewPage({ ctx, p, labels: referralLabels(deps.referrals, personCaller(request), ids), counsellorName: counsellorName(), notice, error }), status)
  }

  app.get('/allocations/:id', only, async (request, reply) => {
    const { id } = request.params as { id: string }
    const committed = (request.query as { notice?: string }).notice === 'committed'
    return review(id, committed ? pageContext(request, reply).t.web.review.committed : undefined)(request, reply)
  })

  app.post('/allocations/:id/commit', only, async (request, reply) => {
    const { id } = request.params as { id: string }
    try {
      commitAllocation(deps, id)
    } catch (err) {
      if (err instanceof Conflict) return review(id, undefined, err.message)(request, reply, 409)
      throw err
    }
    return reply.redirect(`/allocations/${id}?notice=committed`, 303)
  })

  app.get('/counsellors', only, async (request, reply) => {
    const ctx = pageContext(request, reply)
    const saved = (request.query as { saved?: string }).saved
    return sendPage(reply, CounsellorsPage({ ctx, counsellors: deps.counsellors.list(), notice: saved ? ctx.t.web.counsellors.saved(saved) : undefined }))
  })

  app.get('/counsellors/new', only, async (request, reply) =>
    sendPage(reply, CounsellorFormPage({ ctx: pageContext(request, reply), values: {}, absences: NEW_ABSENCE_ROWS, isNew: true })),
  )

  app.get('/counsellors/:id', only, async (request, reply) => {
    const { id } = request.params as { id: string }
    const c = deps.counsellors.findById(id)
    if (!c) throw new NotFound(`no counsellor ${id}`)
    return sendPage(reply, CounsellorFormPage({ ctx: pageContext(request, reply), id, values: counsellorValues(c), absences: c.absences.length + NEW_ABSENCE_ROWS, isNew: false }))
  })

  const saveCounsellor = (isNew: boolean) => async (request: Parameters<typeof pageContext>[0], reply: Parameters<typeof pageContext>[1]) => {
    const body = (request.body ?? {}) as FormBody
    const ctx = pageContext(request, reply)
    const id = isNew ? text(body, 'id') : (request.params as { id: string }).id
    const existing = isNew ? undefined : deps.counsellors.findById(id)
    if (!isNew && !existing) throw new NotFound(`no counsellor ${id}`)
    const rows = (existing?.absences.length ?? 0) + NEW_ABSENCE_ROWS
    const { input, fieldOf } = counsellorFromForm(body, rows)
    const values = Object.fromEntries(Object.entries(body).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>
    const errors: Record<string, string> = {}
    if (isNew) {
      const idOk = CounsellorIdSchema.safeParse(id)
      if (!idOk.success) errors.id = ctx.t.web.fieldErrors.counsellorId
      else if (deps.counsellors.findById(id)) errors.id = ctx.t.web.fieldErrors.counsellorIdTaken
    }
    const parsed = CounsellorInputSchema.safeParse(input)
    if (!parsed.success) Object.assign(errors, fieldErrorsOf(parsed.error.issues.map((i) => ({ path: fieldOf(i.path.map(String).join('.')), message: i.message })), ctx.t, 'invalid'))
    if (Object.keys(errors).length > 0 || !parsed.success) {
      return sendPage(reply, CounsellorFormPage({ ctx, id, values, absences: rows, errors, isNew }), 422)
    }
    deps.counsellors.put(id, parsed.data)
    const disrupted = disruptedOf(deps, id)
    if (disrupted.length > 0) return sendPage(reply, CounsellorFormPage({ ctx, id, values: counsellorValues(deps.counsellors.findById(id)), absences: parsed.data.absences.length + NEW_ABSENCE_ROWS, isNew: false, disrupted }))
    return reply.redirect(`/counsellors?saved=${encodeURIComponent(parsed.data.name)}`, 303)
  }
  app.post('/counsellors/new', only, saveCounsellor(true))
  app.post('/counsellors/:id', only, saveCounsellor(false))

  app.get('/disruptions', only, async (request, reply) => {
    const list = listDisruptions(deps)
    const labels = referralLabels(deps.referrals, personCaller(request), list.flatMap((d) => d.referralIds))
    return sendPage(reply, DisruptionsPage({ ctx: pageContext(request, reply), list, labels, counsellorName: counsellorName() }))
  })

  app.post('/disruptions/repair', only, async (request, reply) => reply.redirect(`/allocations/${(await proposeRepair(deps)).id}`, 303))

  const orderDeps = { orders: createInterpreterOrderRepository(app.db), settings: deps.settings }
  const orderRange = (q: { from?: string; to?: string }) => {
    const d = (v: string | undefined) => (v && v.trim() !== '' ? parseDateInput(v) : undefined)
    const from = d(q.from)
    const to = d(q.to)
    return { from: from && /^\d{4}-\d{2}-\d{2}$/.test(from) ? from : undefined, to: to && /^\d{4}-\d{2}-\d{2}$/.test(to) ? to : undefined }
  }
  app.get('/interpreter-orders', only, async (request, reply) => {
    const q = request.query as { from?: string; to?: string; marked?: string }
    const ctx = pageContext(request, reply)
    const orders = listInterpreterOrders(orderDeps, personCaller(request), orderRange(q))
    return sendPage(reply, InterpreterOrdersPage({ ctx, orders, values: { from: q.from ?? '', to: q.to ?? '' }, notice: q.marked ? ctx.t.web.interpreterOrders.marked : undefined }))
  })
  app.get('/interpreter-orders.csv', only, async (request, reply) => {
    const orders = listInterpreterOrders(orderDeps, personCaller(request), orderRange(request.query as { from?: string; to?: string }))
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="tolkebestillinger.csv"').send(interpreterOrdersCsv(orders, request.lang))
  })
  app.post('/interpreter-orders/:id/ordered', only, async (request, reply) => {
    markOrdered(orderDeps, personCaller(request), (request.params as { id: string }).id)
    return reply.redirect('/interpreter-orders?marked=1', 303)
  })
  app.post('/interpreter-orders/:id/cancelled', only, async (request, reply) => {
    markCancelled(orderDeps, personCaller(request), (request.params as { id: string }).id)
    return reply.redirect('/interpreter-orders?marked=1', 303)
  })

  app.get('/audit', only, async (request, reply) => {
    const referralId = (request.query as { referralId?: string }).referralId?.trim() || undefined
    const entries = listAudit(app.store.referrals.audit, { referralId }, { limit: 200 }).items
    return sendPage(reply, AuditPage({ ctx: pageContext(request, reply), entries, referralId }))
  })
}
export default coordinatorRoutes
