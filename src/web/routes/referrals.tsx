import type { FastifyPluginAsync } from 'fastify'
import { Conflict, Forbidden, NotFound, Validation, type ProblemItem } from '../../errors.ts'
import type { Messages } from '../../i18n/index.ts'
import { decodeCursor, encodeCursor } from '../../schemas/page.ts'
import { ReferralPatchSchema, ReferralStatusSchema, type ReferralOut, type ReferralPatch } from '../../schemas/referral.ts'
import { CSV_COLUMNS, importReferrals, referralCsvTemplate } from '../../services/import.ts'
import { getReferral, intakeReferrals, listReferrals, patchReferral, searchReferrals } from '../../services/referrals.ts'
import { allocationDeps } from '../../services/allocation.ts'
import { bookOption, referralOptions } from '../../services/booking.ts'
import { referralLabels } from '../../services/referrals.ts'
import { createSessionRepository } from '../../store/session-repository.ts'
import { OptionsPage, refusalInWords } from '../views/disruptions.tsx'
import { namesFor } from '../../services/explain.ts'
import { latestPlans } from '../../services/plan.ts'
import { pageContext, personCaller, requirePerson, sendPage } from '../context.ts'
import { parseDateInput, referralFromForm, text, ticked, type FormBody } from '../forms.ts'
import type { FieldErrors } from '../views/components.tsx'
import { NewReferralPage, ReferralDetailPage, ReferralListPage, UploadPage, WithdrawPage, type Explanation, type FormValues } from '../views/referrals.tsx'

const PAGE_SIZE = 100

/**
 * Problem items from the services, as messages next to their fields: a field's own sentence from
 * the catalogue where it has one (in the page language), else the service's words.
 */
export function fieldErrorsOf(items: readonly ProblemItem[], t: Messages, kind: 'invalid' | 'conflict' | 'forbidden'): FieldErrors {
  const out: Record<string, string> = {}
  const own = t.web.fieldErrors as Readonly<Record<string, unknown>>
  for (const item of items) {
    const path = item.path === '' ? 'form' : item.path
    if (out[path]) continue
    out[path] = kind === 'conflict' ? t.web.fieldErrors.conflict(item.message) : kind === 'forbidden' ? t.web.fieldErrors.forbidden : (typeof own[path] === 'string' ? (own[path] as string) : item.message)
  }
  return out
}

/** What a language field may say: a code, or a language's name in the page language. */
function languageCode(raw: string, t: Messages): string {
  const v = raw.trim().toLowerCase()
  const byName = Object.entries(t.web.languages).find(([, name]) => name.toLowerCase() === v)
  return byName ? byName[0] : v
}

/** The advisor's pages (and the coordinator's view of referrals): list, refer one, upload a CSV, read, update, withdraw. */
const referralPages: FastifyPluginAsync = async (app) => {
  const referrals = app.store.referrals
  const sessions = createSessionRepository(app.db)
  const counsellorName = () => {
    const names = new Map(app.store.counsellors.list().map((c) => [c.id, c.name]))
    return (id: string) => names.get(id) ?? id
  }

  app.get('/referrals', { preHandler: requirePerson('municipality', 'coordinator') }, async (request, reply) => {
    const q = request.query as { status?: string; q?: string; cursor?: string; notice?: string }
    const ctx = pageContext(request, reply)
    const caller = personCaller(request)
    const status = ReferralStatusSchema.safeParse(q.status).data
    const notice = q.notice === 'withdrawn' ? ctx.t.web.referral.withdrawn : undefined
    if (q.q && q.q.trim() !== '') {
      const found = searchReferrals(referrals, caller, q.q).filter((r) => status === undefined || r.status === status)
      return sendPage(reply, ReferralListPage({ ctx, view: { referrals: found, next: null, status, q: q.q, notice } }))
    }
    const after = q.cursor ? decodeCursor('referrals', 1, q.cursor)?.[0] : undefined
    const page = listReferrals(referrals, caller, { status }, { limit: PAGE_SIZE, after }, request.log)
    return sendPage(reply, ReferralListPage({ ctx, view: { referrals: page.items, next: page.next && encodeCursor('referrals', page.next), status, notice } }))
  })

  const newForm = (values: FormValues, municipalityField: boolean, errors?: FieldErrors) => (request: Parameters<typeof pageContext>[0], reply: Parameters<typeof pageContext>[1], status = 200) =>
    sendPage(reply, NewReferralPage({ ctx: pageContext(request, reply), values, errors, municipalityField }), status)

  app.get('/referrals/new', { preHandler: requirePerson('municipality', 'coordinator') }, async (request, reply) => {
    const p = request.person!
    return newForm({ interpreter: true, 'advisor.name': p.role === 'municipality' ? p.name : undefined, 'advisor.email': p.role === 'municipality' ? p.email : undefined }, p.role === 'coordinator')(request, reply)
  })

  app.post('/referrals/new', { preHandler: requirePerson('municipality', 'coordinator') }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody
    const caller = personCaller(request)
    const t = pageContext(request, reply).t
    const municipality = caller.role === 'municipality' ? caller.municipality : text(body, 'municipality')
    const item = referralFromForm({ ...body, language: languageCode(text(body, 'language'), t) }, municipality)
    const values: FormValues = Object.fromEntries(Object.entries(body).filter(([k]) => k !== '_csrf').map(([k, v]) => [k, typeof v === 'string' ? v : undefined]))
    const shown = { ...values, interpreter: ticked(body, 'interpreter'), threatenedIndustry: ticked(body, 'threatenedIndustry'), competenceMappingDone: ticked(body, 'competenceMappingDone'), advisorConsent: ticked(body, 'advisorConsent'), groupMeetingDone: ticked(body, 'groupMeetingDone') }
    try {
      const result = intakeReferrals(referrals, caller, [item])
      return reply.redirect(`/referrals/${result.ids[0]}?notice=${result.created > 0 ? 'created' : 'updated'}`, 303)
    } catch (err) {
      const kind = err instanceof Validation ? 'invalid' : err instanceof Conflict ? 'conflict' : err instanceof Forbidden ? 'forbidden' : undefined
      if (!kind) throw err
      const errors = fieldErrorsOf((err as Validation).items, t, kind)
      return newForm(shown, caller.role === 'coordinator', errors)(request, reply, kind === 'conflict' ? 409 : 422)
    }
  })

  app.get('/referrals/upload', { preHandler: requirePerson('municipality', 'coordinator') }, async (request, reply) => sendPage(reply, UploadPage({ ctx: pageContext(request, reply) })))

  app.post('/referrals/upload', { preHandler: requirePerson('municipality', 'coordinator') }, async (request, reply) => {
    const ctx = pageContext(request, reply)
    const t = ctx.t.web.upload
    const file = (request.body as { file?: unknown } | undefined)?.file
    if (!Buffer.isBuffer(file) || file.length === 0) return sendPage(reply, UploadPage({ ctx, fileError: t.noFile }), 422)
    // The same import as `tildeling import`: encoding detected (UTF-8 or Windows-1252), Norwegian
    // headers and dates, every problem with its line and column; nothing stored unless all are valid.
    const outcome = importReferrals(referrals, personCaller(request), file, { format: 'csv', lang: request.lang })
    if (outcome.ok) return sendPage(reply, UploadPage({ ctx, stored: { created: outcome.created, updated: outcome.updated } }))
    const fileWide = outcome.problems.find((p) => p.line === undefined || p.line === 1)
    if (fileWide) return sendPage(reply, UploadPage({ ctx, fileError: t.unreadable(fileWide.message) }), outcome.status)
    // A schema's message (English) gives way to the field's own sentence in the page language.
    const own = ctx.t.web.fieldErrors as Readonly<Record<string, unknown>>
    const fieldOf = (column: string | undefined) => CSV_COLUMNS.find((c) => c.field === column || c.nb.some((h) => h === column?.trim().toLowerCase()))?.field
    const errors = outcome.problems.map((p) => {
      const sentence = own[fieldOf(p.column) ?? '']
      return { row: p.line ?? 0, column: p.column ?? '–', message: typeof sentence === 'string' && /must|expected|invalid/i.test(p.message) ? sentence : p.message }
    })
    return sendPage(reply, UploadPage({ ctx, errors }), outcome.status)
  })

  app.get('/referrals/template.csv', { preHandler: requirePerson('municipality', 'coordinator') }, async (request, reply) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${request.lang === 'nb' ? 'mal-henvisninger' : 'referrals-template'}.csv"`).send(referralCsvTemplate(request.lang)),
  )

  const explanationOf = (r: ReferralOut): Explanation | undefined => (r as ReferralOut & { plan?: Explanation }).plan

  app.get('/referrals/:id', { preHandler: requirePerson('municipality', 'coordinator') }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const ctx = pageContext(request, reply)
    const caller = personCaller(request)
    // The plan as the latest run left it, explained in the page language (the API's `plan`).
    const r = getReferral(referrals, caller, id, request.log, latestPlans(deps.allocations, ctx.lang, namesFor(caller, referrals)))
    const notice = (request.query as { notice?: string }).notice
    const noticeText = notice === 'created' ? ctx.t.web.referral.created : notice === 'updated' ? ctx.t.web.referral.updated : notice === 'booked' ? ctx.t.web.options.booked : undefined
    return sendPage(reply, ReferralDetailPage({ ctx, r, counsellorName: counsellorName(), explanation: explanationOf(r), notice: noticeText }))
  })

  app.post('/referrals/:id', { preHandler: requirePerson('municipality', 'coordinator') }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const body = (request.body ?? {}) as FormBody
    const ctx = pageContext(request, reply)
    const caller = personCaller(request)
    const before = getReferral(referrals, caller, id, request.log)
    const until = text(body, 'deferredUntil')
    const reason = text(body, 'deferralReason')
    const patch: Record<string, unknown> = {}
    if (ticked(body, 'competenceMappingDone') !== before.competenceMappingDone) patch.competenceMappingDone = ticked(body, 'competenceMappingDone')
    if (ticked(body, 'advisorConsent') !== before.advisorConsent) patch.advisorConsent = ticked(body, 'advisorConsent')
    if (before.track === 'ukraine' && ticked(body, 'groupMeetingDone') !== before.groupMeetingDone) patch.groupMeetingDone = ticked(body, 'groupMeetingDone')
    const errors: Record<string, string> = {}
    if (until === '' && reason === '') {
      if (before.deferredUntil !== undefined) Object.assign(patch, { deferredUntil: null, deferralReason: null })
    } else if (until === '' || reason === '') {
      errors[until === '' ? 'deferredUntil' : 'deferralReason'] = ctx.t.web.fieldErrors.deferralPair
    } else if (parseDateInput(until) !== before.deferredUntil || reason !== before.deferralReason) {
      Object.assign(patch, { deferredUntil: parseDateInput(until), deferralReason: reason })
    }
    const again = (errs: FieldErrors, status: number) =>
      sendPage(reply, ReferralDetailPage({ ctx, r: before, counsellorName: counsellorName(), explanation: explanationOf(before), errors: errs, values: { deferredUntil: until, deferralReason: reason, competenceMappingDone: ticked(body, 'competenceMappingDone'), advisorConsent: ticked(body, 'advisorConsent'), groupMeetingDone: ticked(body, 'groupMeetingDone') } }), status)
    if (Object.keys(errors).length > 0) return again(errors, 422)
    if (Object.keys(patch).length === 0) return reply.redirect(`/referrals/${id}?notice=updated`, 303)
    const parsed = ReferralPatchSchema.safeParse(patch)
    if (!parsed.success) return again(fieldErrorsOf(parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })), ctx.t, 'invalid'), 422)
    try {
      patchReferral({ referrals, sessions }, caller, id, parsed.data as ReferralPatch)
    } catch (err) {
      if (err instanceof Conflict) return again({ deferredUntil: ctx.t.web.fieldErrors.deferralClash }, 409)
      if (err instanceof Validation) return again(fieldErrorsOf(err.items, ctx.t, 'invalid'), 422)
      throw err
    }
    return reply.redirect(`/referrals/${id}?notice=updated`, 303)
  })

  const deps = allocationDeps(app.db, app.store)
  const optionsPage = (id: string, error?: string) => async (request: Parameters<typeof pageContext>[0], reply: Parameters<typeof pageContext>[1], status = 200) => {
    const caller = personCaller(request)
    const r = getReferral(referrals, caller, id, request.log)
    const ctx = pageContext(request, reply)
    const found = referralOptions(deps, caller, id, 5, ctx.lang)
    const labels = referralLabels(referrals, caller, found.options.flatMap((o) => o.displaces))
    return sendPage(reply, OptionsPage({ ctx, referralId: id, label: r.externalRef ?? id, found, labels, counsellorName: counsellorName(), error }), status)
  }
  app.get('/referrals/:id/options', { preHandler: requirePerson('municipality', 'coordinator') }, async (request, reply) => optionsPage((request.params as { id: string }).id)(request, reply))

  app.post('/referrals/:id/book', { preHandler: requirePerson('coordinator') }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const body = (request.body ?? {}) as FormBody
    try {
      bookOption(deps, personCaller(request), id, { counsellorId: text(body, 'counsellorId'), start: text(body, 'start') })
    } catch (err) {
      if (err instanceof Conflict) return optionsPage(id, refusalInWords(pageContext(request, reply), err.message))(request, reply, 409)
      throw err
    }
    return reply.redirect(`/referrals/${id}?notice=booked`, 303)
  })

  const comingSessions = (r: ReferralOut) => r.sessions.filter((s) => Date.parse(s.start) > Date.now()).sort((a, b) => a.start.localeCompare(b.start))

  app.get('/referrals/:id/withdraw', { preHandler: requirePerson('municipality', 'coordinator') }, async (request, reply) => {
    const r = getReferral(referrals, personCaller(request), (request.params as { id: string }).id, request.log)
    if (r.status === 'withdrawn') return reply.redirect(`/referrals/${r.id}`, 303)
    return sendPage(reply, WithdrawPage({ ctx: pageContext(request, reply), r, coming: comingSessions(r) }))
  })

  app.post('/referrals/:id/withdraw', { preHandler: requirePerson('municipality', 'coordinator') }, async (request, reply) => {
    const { id } = request.params as { id: string }
    try {
      patchReferral({ referrals, sessions }, personCaller(request), id, { withdrawn: true })
    } catch (err) {
      // Withdrawn already (a second click): the referral's page says so.
      if (err instanceof Conflict) return reply.redirect(`/referrals/${id}`, 303)
      if (err instanceof NotFound) throw err
      throw err
    }
    return reply.redirect('/referrals?notice=withdrawn', 303)
  })
}
export default referralPages
