import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyPluginAsync } from 'fastify'
import { BadRequest } from '../../errors.ts'
import { IsoDateSchema } from '../../schemas/common.ts'
import { ReplayBodySchema } from '../../schemas/replay.ts'
import { allocationDeps } from '../../services/allocation.ts'
import { centreCapacity } from '../../services/capacity.ts'
import { createReplayJobs } from '../../services/replay-jobs.ts'
import { pageContext, requirePerson, sendPage } from '../context.ts'
import { parseDateInput, text, type FormBody } from '../forms.ts'
import { CapacityPage, POLICIES, ReplayFormPage, ReplayResultPage, ReplayStatus } from '../views/analyst.tsx'

const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures')
/** The bundled scenarios an analyst can replay without a file of their own. */
const BUNDLED = ['trondelag-2020.json', 'telemark-ukraine-2023.json', 'demo-centre.json'] as const

function bundled(file: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, file), 'utf8'))
}

/** The analyst's pages: replay a scenario under chosen policies, and the capacity view. */
const analystRoutes: FastifyPluginAsync = async (app) => {
  const jobs = createReplayJobs()
  app.addHook('onClose', async () => jobs.close())
  const deps = allocationDeps(app.db, app.store)
  const fixtures = BUNDLED.map((file) => ({ file, name: String((bundled(file) as { name?: string }).name ?? file) }))
  const only = { preHandler: requirePerson('analyst', 'coordinator') }

  app.get('/replay', only, async (request, reply) => sendPage(reply, ReplayFormPage({ ctx: pageContext(request, reply), fixtures })))

  app.post('/replay', only, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody & { scenario?: unknown; policy?: unknown }
    const ctx = pageContext(request, reply)
    const t = ctx.t.web.replay
    const chosen = text(body, 'fixture')
    const policies = (Array.isArray(body.policy) ? body.policy : [body.policy]).filter((p): p is string => typeof p === 'string' && (POLICIES as readonly string[]).includes(p))
    const errors: Record<string, string> = {}
    if (policies.length === 0) errors.policies = t.noPolicy
    let raw: unknown
    if (chosen === 'upload') {
      const file = body.scenario
      if (!Buffer.isBuffer(file) || file.length === 0) errors.scenario = t.noFile
      else {
        try {
          raw = JSON.parse(file.toString('utf8').replace(/^\uFEFF/, ''))
        } catch {
          errors.scenario = t.notJson
        }
      }
    } else if ((BUNDLED as readonly string[]).includes(chosen)) raw = bundled(chosen)
    else errors.fixture = t.noScenario
    const parsed = raw === undefined ? undefined : ReplayBodySchema.safeParse(raw)
    if (parsed && !parsed.success) errors.scenario = t.invalid(parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
    if (Object.keys(errors).length > 0 || !parsed?.success) return sendPage(reply, ReplayFormPage({ ctx, fixtures, errors, values: { fixture: chosen, policies } }), 422)
    const id = jobs.start(parsed.data, policies, request.person!.id)
    return reply.redirect(`/replay/${id}`, 303)
  })

  const job = (request: { params: unknown; person: { id: string } | null }) => {
    const { id } = request.params as { id: string }
    const state = jobs.get(id, request.person!.id)
    if (!state) {
      const err = new Error('no such replay') as Error & { statusCode: number }
      err.statusCode = 404
      throw err
    }
    return { id, state }
  }

  app.get('/replay/:id', only, async (request, reply) => {
    const { id, state } = job(request)
    return sendPage(reply, ReplayResultPage({ ctx: pageContext(request, reply), id, job: state }))
  })

  // The fragment htmx polls while the replay runs.
  app.get('/replay/:id/status', only, async (request, reply) => {
    const { id, state } = job(request)
    const { render } = await import('preact-render-to-string')
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(render(ReplayStatus({ ctx: pageContext(request, reply), id, job: state })))
  })

  const CHARTS = { backlog: 'backlog', 'within-deadline': 'withinDeadlineShareToDate', 'within-target': 'withinTargetShareToDate' } as const
  app.get('/replay/:id/:chart', only, async (request, reply) => {
    const { state } = job(request)
    const name = (request.params as { chart: string }).chart.replace(/\.svg$/, '') as keyof typeof CHARTS
    if (!(name in CHARTS) || state.status !== 'done') throw new BadRequest('no such chart')
    const svg = await jobs.chart(state, CHARTS[name], pageContext(request, reply).lang)
    return reply.type('image/svg+xml').send(svg)
  })

  app.get('/capacity', only, async (request, reply) => {
    const q = request.query as { from?: string; to?: string }
    const ctx = pageContext(request, reply)
    const values = { from: q.from ?? '', to: q.to ?? '' }
    const date = (v: string | undefined) => (v && v.trim() !== '' ? parseDateInput(v) : undefined)
    const errors: Record<string, string> = {}
    for (const k of ['from', 'to'] as const) if (date(q[k]) !== undefined && !IsoDateSchema.safeParse(date(q[k])).success) errors[k] = ctx.t.web.fieldErrors.date
    if (Object.keys(errors).length > 0) return sendPage(reply, CapacityPage({ ctx, errors, values }), 422)
    try {
      return sendPage(reply, CapacityPage({ ctx, table: centreCapacity(deps, { from: date(q.from), to: date(q.to) }), values }))
    } catch (err) {
      if (err instanceof BadRequest) return sendPage(reply, CapacityPage({ ctx, errors: { to: ctx.t.web.fieldErrors.capacityRange }, values }), 422)
      throw err
    }
  })
}
export default analystRoutes
