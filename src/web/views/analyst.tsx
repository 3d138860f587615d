import { formatDate, formatDateTime } from '../../i18n/format.ts'
import type { CapacityTable } from '../../replay/capacity.ts'
import type { ReplayJobState } from '../../services/replay-jobs.ts'
import type { PageContext } from '../context.ts'
import { Alert, Button, Checkbox, Csrf, ErrorSummary, Field, type FieldErrors, Radios } from './components.tsx'
import { Layout, PageTitle } from './layout.tsx'

export const POLICIES = ['optimised', 'fifo', 'edf', 'corona-2020'] as const

const pct = (v: number | null, lang: string) => (v === null ? '–' : `${(v * 100).toLocaleString(lang === 'nb' ? 'nb-NO' : 'en-GB', { maximumFractionDigits: 1 })} %`)
const num = (v: number | null, lang: string) => (v === null ? '–' : v.toLocaleString(lang === 'nb' ? 'nb-NO' : 'en-GB', { maximumFractionDigits: 1 }))

export function ReplayFormPage({ ctx, fixtures, errors = {}, values = {} }: { ctx: PageContext; fixtures: readonly { file: string; name: string }[]; errors?: FieldErrors; values?: { fixture?: string; policies?: readonly string[] } }) {
  const t = ctx.t.web.replay
  return (
    <Layout ctx={ctx} title={t.title}>
      <PageTitle>{t.title}</PageTitle>
      <p class="ds-paragraph">{t.intro}</p>
      <ErrorSummary ctx={ctx} errors={errors} fieldIds={{ policies: 'f-policy-optimised', fixture: 'f-fixture' }} />
      <form method="post" action="/replay" enctype="multipart/form-data" class="app-form">
        <Csrf ctx={ctx} />
        <Radios name="fixture" legend={t.scenario} value={values.fixture ?? fixtures[0]?.file} errors={errors} options={[...fixtures.map((f) => ({ value: f.file, label: f.name })), { value: 'upload', label: t.upload }]} />
        <div class="ds-field">
          <label class="ds-label" for="f-scenario">
            {t.file}
          </label>
          <div data-field="description" id="f-scenario-hint">
            {t.fileHint}
          </div>
          <input class="ds-input" type="file" id="f-scenario" name="scenario" accept=".json,application/json" aria-describedby={errors.scenario ? 'f-scenario-hint f-scenario-error' : 'f-scenario-hint'} aria-invalid={errors.scenario ? 'true' : undefined} />
          {errors.scenario && (
            <div class="ds-validation-message" data-field="validation" id="f-scenario-error">
              {errors.scenario}
            </div>
          )}
        </div>
        <fieldset class="ds-fieldset" aria-describedby={errors.policies ? 'f-policies-error' : undefined}>
          <legend class="ds-label">{t.policies}</legend>
          {POLICIES.map((p) => (
            <Checkbox name="policy" id={`f-policy-${p}`} value={p} label={t.policy[p]} checked={(values.policies ?? ['optimised', 'fifo']).includes(p)} />
          ))}
          {errors.policies && (
            <div class="ds-validation-message" data-field="validation" id="f-policies-error">
              {errors.policies}
            </div>
          )}
        </fieldset>
        <div class="app-actions">
          <Button>{t.run}</Button>
        </div>
      </form>
    </Layout>
  )
}

/** The part of the result page that htmx refreshes while the replay runs. */
export function ReplayStatus({ ctx, id, job }: { ctx: PageContext; id: string; job: ReplayJobState }) {
  const t = ctx.t.web.replay
  if (job.status === 'running') {
    return (
      <div id="replay-status" hx-get={`/replay/${id}/status`} hx-trigger="every 2s" hx-swap="outerHTML">
        <div role="status" class="app-actions">
          <span class="ds-spinner" aria-hidden="true"></span>
          <span>{t.running(formatDateTime(job.startedAt, ctx.lang))}</span>
        </div>
        <noscript>
          <p class="ds-paragraph">
            <a class="ds-link" href={`/replay/${id}`}>
              {t.refresh}
            </a>
          </p>
        </noscript>
      </div>
    )
  }
  if (job.status === 'failed') {
    return (
      <div id="replay-status">
        <Alert color="danger" heading={t.failedHeading}>
          <p class="ds-paragraph">{t.failed[job.why]}</p>
        </Alert>
      </div>
    )
  }
  const runs = job.result.policies
  const row = (label: string, f: (m: (typeof runs)[number]) => string) => (
    <tr>
      <th scope="row">{label}</th>
      {runs.map((m) => (
        <td>{f(m)}</td>
      ))}
    </tr>
  )
  const r = t.rows
  return (
    <div id="replay-status">
      <div role="status">
        <p class="ds-paragraph">{t.done}</p>
      </div>
      <div class="app-table-wrap">
        <table class="ds-table" data-border="true">
          <caption>{t.caption(job.scenario, formatDate(runs[0]?.from ?? '', ctx.lang), formatDate(runs[0]?.to ?? '', ctx.lang))}</caption>
          <thead>
            <tr>
              <th scope="col">{r.measure}</th>
              {runs.map((m) => (
                <th scope="col">{t.policy[m.policy as keyof typeof t.policy] ?? m.policy}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {row(r.referrals, (m) => String(m.accounts.referrals))}
            {row(r.withinDeadline, (m) => `${pct(m.ordinary.share, ctx.lang)} (${m.ordinary.withinDeadline} / ${m.ordinary.decided})`)}
            {row(r.withinTarget, (m) => `${pct(m.target.share, ctx.lang)} (${m.target.withinTarget} / ${m.target.decided})`)}
            {row(r.median, (m) => num(m.daysToFirstSession.median, ctx.lang))}
            {row(r.p90, (m) => num(m.daysToFirstSession.p90, ctx.lang))}
            {row(r.utilisation, (m) => pct(m.utilisation, ctx.lang))}
            {row(r.sessionsHeld, (m) => String(m.sessionsHeld))}
            {row(r.lateCancellations, (m) => String(m.lateCancellations))}
            {row(r.pending, (m) => String(m.accounts.pending))}
          </tbody>
        </table>
      </div>
      {(['backlog', 'within-deadline', 'within-target'] as const).map((chart) => (
        <figure>
          <img class="app-chart" src={`/replay/${id}/${chart}.svg`} alt={t.chartAlt[chart]} width={720} height={340} />
          <figcaption class="ds-paragraph" data-size="sm">
            {t.chartCaption[chart]}
          </figcaption>
        </figure>
      ))}
      <div class="app-table-wrap">
        <table class="ds-table" data-border="true">
          <caption>{t.backlogCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{r.week}</th>
              {runs.map((m) => (
                <th scope="col">{t.policy[m.policy as keyof typeof t.policy] ?? m.policy}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(runs[0]?.weeks ?? []).map((w, i) => (
              <tr>
                <th scope="row">{formatDate(w.week, ctx.lang)}</th>
                {runs.map((m) => (
                  <td>{m.weeks[i]?.backlog ?? '–'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}

export function ReplayResultPage({ ctx, id, job }: { ctx: PageContext; id: string; job: ReplayJobState }) {
  const t = ctx.t.web.replay
  return (
    <Layout ctx={ctx} title={t.resultTitle(job.scenario)} wide>
      <PageTitle>{t.resultTitle(job.scenario)}</PageTitle>
      <ReplayStatus ctx={ctx} id={id} job={job} />
      <p class="ds-paragraph">
        <a class="ds-link" href="/replay">
          {t.again}
        </a>
      </p>
    </Layout>
  )
}

export function CapacityPage({ ctx, table, errors = {}, values = {} }: { ctx: PageContext; table?: CapacityTable; errors?: FieldErrors; values?: Record<string, string> }) {
  const t = ctx.t.web.capacity
  return (
    <Layout ctx={ctx} title={t.title} wide>
      <PageTitle>{t.title}</PageTitle>
      <p class="ds-paragraph">{t.intro}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="get" action="/capacity" class="app-row" novalidate>
        <Field name="from" label={t.from} hint={ctx.t.web.form.dateHint} value={values.from} errors={errors} width="short" />
        <Field name="to" label={t.to} hint={ctx.t.web.form.dateHint} value={values.to} errors={errors} width="short" />
        <Button variant="secondary">{t.show}</Button>
      </form>
      {table && (
        <>
          <ul class="app-stats">
            <li>
              <strong>{num(table.neededHours, ctx.lang)}</strong>
              {t.needed}
            </li>
            <li>
              <strong>{num(table.availableHours, ctx.lang)}</strong>
              {t.available}
            </li>
            <li>
              <strong>{num(table.peakShortfallHours, ctx.lang)}</strong>
              {t.shortfall}
            </li>
            <li>
              <strong>{table.missingCounsellorDays}</strong>
              {t.missingDays}
            </li>
          </ul>
          {table.worstWindow && (
            <Alert color="warning" heading={t.worstHeading}>
              <p class="ds-paragraph">{t.worst(formatDate(table.worstWindow.from, ctx.lang), formatDate(table.worstWindow.to, ctx.lang), num(table.worstWindow.neededHours, ctx.lang), num(table.worstWindow.availableHours, ctx.lang))}</p>
            </Alert>
          )}
          <div class="app-table-wrap">
            <table class="ds-table" data-border="true">
              <caption>{t.caption(formatDate(table.from, ctx.lang), formatDate(table.to, ctx.lang))}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.col.week}</th>
                  <th scope="col">{t.col.due}</th>
                  <th scope="col">{t.col.needed}</th>
                  <th scope="col">{t.col.available}</th>
                  <th scope="col">{t.col.shortfall}</th>
                </tr>
              </thead>
              <tbody>
                {table.weeks.map((w) => (
                  <tr>
                    <th scope="row">{formatDate(w.week, ctx.lang)}</th>
                    <td>{w.due}</td>
                    <td>{num(w.neededHours, ctx.lang)}</td>
                    <td>{num(w.availableHours, ctx.lang)}</td>
                    <td>{num(w.shortfallHours, ctx.lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Layout>
  )
}
