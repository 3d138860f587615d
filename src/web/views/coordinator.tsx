import type { CounsellorWire } from '../../schemas/counsellor.ts'
import type { Session as SolverSession } from '../../../solver/types.ts'
import { formatDate, formatDateLong, formatTime } from '../../i18n/format.ts'
import type { ProposalOut } from '../../services/allocation.ts'
import type { AllocationSummary } from '../../store/allocation-repository.ts'
import type { PageContext } from '../context.ts'
import { Alert, Button, Csrf, ErrorSummary, Field, type FieldErrors, Select, Tag, TextArea } from './components.tsx'
import { Layout, PageTitle } from './layout.tsx'

type Session = SolverSession & { readonly id?: string | undefined }
type Change = { readonly sessionId: string; readonly from: { counsellorId: string; start: string }; readonly to: { counsellorId: string; start: string } | null; readonly interpreterReorder: boolean; readonly lateCancellation: boolean }
/** Referral id -> what the page shows for it (the municipality's case reference). */
export type Labels = ReadonlyMap<string, string>

const hm = (iso: string, ctx: PageContext) => formatTime(iso, ctx.lang).replace(/^kl\. /, '')

function ReferralRefs({ s, labels }: { s: Session; labels: Labels }) {
  const ids = s.kind === 'group' ? s.referralIds : [s.referralId]
  return (
    <>
      {ids.map((id, i) => (
        <>
          {i > 0 && ', '}
          <a class="ds-link" href={`/referrals/${id}`}>
            {labels.get(id) ?? id}
          </a>
        </>
      ))}
    </>
  )
}

export type BoardDay = { readonly date: string; readonly open: boolean }
export type BoardView = {
  readonly monday: string
  readonly days: readonly BoardDay[]
  readonly counsellors: readonly CounsellorWire[]
  readonly sessions: readonly (Session & { id: string })[]
  readonly labels: Labels
  readonly disrupted: ReadonlySet<string>
}

export function BoardPage({ ctx, view, prev, next }: { ctx: PageContext; view: BoardView; prev: string; next: string }) {
  const t = ctx.t.web.board
  const absent = (c: CounsellorWire, date: string) => c.absences.find((a) => a.from <= date && date <= a.to)
  return (
    <Layout ctx={ctx} title={t.title} wide>
      <PageTitle>{t.title}</PageTitle>
      <nav aria-label={t.weekNav} class="app-actions">
        <a class="ds-link" href={`/board?week=${prev}`}>
          {t.prev}
        </a>
        <span>{t.weekOf(formatDate(view.monday, ctx.lang))}</span>
        <a class="ds-link" href={`/board?week=${next}`}>
          {t.next}
        </a>
      </nav>
      {view.disrupted.size > 0 && (
        <Alert color="danger" heading={t.disruptedHeading(view.disrupted.size)}>
          <p class="ds-paragraph">
            <a class="ds-link" href="/disruptions">
              {t.disruptedLink}
            </a>
          </p>
        </Alert>
      )}
      <p class="ds-paragraph" data-size="sm">
        {t.legend}
      </p>
      <div class="app-table-wrap">
        <table class="ds-table app-board" data-border="true">
          <caption>{t.caption(formatDate(view.monday, ctx.lang))}</caption>
          <thead>
            <tr>
              <th scope="col">{t.counsellor}</th>
              {view.days.map((d) => (
                <th scope="col">{formatDateLong(d.date, ctx.lang)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {view.counsellors.map((c) => (
              <tr>
                <th scope="row">
                  <a class="ds-link" href={`/counsellors/${encodeURIComponent(c.id)}`}>
                    {c.name}
                  </a>
                </th>
                {view.days.map((d) => {
                  const away = absent(c, d.date)
                  const here = view.sessions.filter((s) => s.counsellorId === c.id && s.start.slice(0, 10) === d.date)
                  return (
                    <td>
                      {!d.open && <p class="app-muted">{t.closed}</p>}
                      {away && <Tag color="warning">{ctx.t.web.absence[away.reason]}</Tag>}
                      <ul>
                        {here.map((s) => (
                          <li class="app-session" data-kind={s.kind} data-disrupted={view.disrupted.has(s.id) ? 'true' : undefined}>
                            <strong>{`${hm(s.start, ctx)}–${hm(s.end, ctx)}`}</strong> {s.kind === 'group' ? <Tag color="warning">{ctx.t.web.sessionKind.group}</Tag> : ctx.t.web.sessionKind[s.kind]}
                            {view.disrupted.has(s.id) && <Tag color="danger">{t.disrupted}</Tag>}
                            <br />
                            <ReferralRefs s={s} labels={view.labels} />
                            {s.interpreterOrderBy && (
                              <>
                                <br />
                                <span class="app-muted">{t.orderBy(formatDate(s.interpreterOrderBy.slice(0, 10), ctx.lang))}</span>
                              </>
                            )}
                            <br />
                            <a class="ds-link" href={`/sessions/${s.id}/cancel`}>
                              {t.cancel}
                              <span class="ds-sr-only">{` ${hm(s.start, ctx)} ${formatDate(d.date, ctx.lang)}`}</span>
                            </a>
                            {s.kind !== 'group' && (
                              <>
                                {' · '}
                                <a class="ds-link" href={`/sessions/${s.id}/move`}>
                                  {t.move}
                                  <span class="ds-sr-only">{` ${hm(s.start, ctx)} ${formatDate(d.date, ctx.lang)}`}</span>
                                </a>
                              </>
                            )}
                          </li>
                        ))}
                      </ul>
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  )
}

export function CancelPage({ ctx, s, labels, errors = {}, result }: { ctx: PageContext; s: Session & { id: string }; labels: Labels; errors?: FieldErrors; result?: { lateCancellation: boolean; alsoCancelled: readonly { start: string; kind: string }[] } }) {
  const t = ctx.t.web.cancel
  const when = `${formatDateLong(s.start.slice(0, 10), ctx.lang)}, ${formatTime(s.start, ctx.lang)}`
  if (result) {
    return (
      <Layout ctx={ctx} title={t.doneTitle}>
        <PageTitle>{t.doneTitle}</PageTitle>
        <Alert color={result.lateCancellation ? 'warning' : 'success'} heading={result.lateCancellation ? t.lateHeading : t.notLateHeading}>
          <p class="ds-paragraph">{result.lateCancellation ? t.late : t.notLate}</p>
          {result.alsoCancelled.length > 0 && (
            <>
              <p class="ds-paragraph">{t.also(result.alsoCancelled.length)}</p>
              <ul class="ds-list">
                {result.alsoCancelled.map((d) => (
                  <li>{`${ctx.t.web.sessionKind[d.kind as 'individual']}: ${formatDate(d.start.slice(0, 10), ctx.lang)}, ${formatTime(d.start, ctx.lang)}`}</li>
                ))}
              </ul>
            </>
          )}
        </Alert>
        <p class="ds-paragraph">
          <a class="ds-link" href={`/board?week=${s.start.slice(0, 10)}`}>
            {t.back}
          </a>
        </p>
      </Layout>
    )
  }
  return (
    <Layout ctx={ctx} title={t.title}>
      <PageTitle>{t.title}</PageTitle>
      <p class="ds-paragraph">
        {`${ctx.t.web.sessionKind[s.kind]}, ${when}: `}
        <ReferralRefs s={s} labels={labels} />
      </p>
      <p class="ds-paragraph">{t.lateRule}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={`/sessions/${s.id}/cancel`} class="app-form" novalidate>
        <Csrf ctx={ctx} />
        <TextArea name="reason" label={t.reason} hint={t.reasonHint} errors={errors} required />
        <div class="app-actions">
          <Button>{t.submit}</Button>
          <a class="ds-link" href={`/board?week=${s.start.slice(0, 10)}`}>
            {ctx.t.web.form.cancel}
          </a>
        </div>
      </form>
    </Layout>
  )
}

export function AllocationsPage({ ctx, runs, errors = {}, values = {} }: { ctx: PageContext; runs: readonly AllocationSummary[]; errors?: FieldErrors; values?: Record<string, string> }) {
  const t = ctx.t.web.allocations
  return (
    <Layout ctx={ctx} title={t.title} wide>
      <PageTitle>{t.title}</PageTitle>
      <p class="ds-paragraph">{t.intro}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action="/allocations" class="app-row" novalidate>
        <Csrf ctx={ctx} />
        <Field name="runDate" label={t.runDate} hint={t.runDateHint} value={values.runDate} errors={errors} width="short" />
        <Select name="horizonWeeks" label={t.horizon} value={values.horizonWeeks ?? '4'} options={[1, 2, 3, 4, 6, 8, 12].map((w) => ({ value: String(w), label: t.weeks(w) }))} />
        <Button>{t.propose}</Button>
      </form>
      <h2 class="ds-heading" data-size="md">
        {t.history}
      </h2>
      {runs.length === 0 ? (
        <p class="ds-paragraph">{t.noRuns}</p>
      ) : (
        <table class="ds-table" data-border="true">
          <thead>
            <tr>
              <th scope="col">{t.col.run}</th>
              <th scope="col">{t.col.status}</th>
              <th scope="col">{t.col.sessions}</th>
              <th scope="col">{t.col.scheduled}</th>
              <th scope="col">{t.col.waiting}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((a) => (
              <tr>
                <td>
                  <a class="ds-link" href={`/allocations/${a.id}`}>
                    {t.runOf(formatDate(a.runDate, ctx.lang), formatDate(a.createdAt.slice(0, 10), ctx.lang))}
                  </a>
                </td>
                <td>{t.status[a.status]}</td>
                <td>{a.stats.sessions}</td>
                <td>{`${a.stats.scheduled} / ${a.stats.referrals}`}</td>
                <td>{a.stats.unassigned}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  )
}

export function ReviewPage({ ctx, p, labels, counsellorName, notice, error }: { ctx: PageContext; p: ProposalOut; labels: Labels; counsellorName: (id: string) => string; notice?: string | undefined; error?: string | undefined }) {
  const t = ctx.t.web.review
  const fresh = p.sessions.filter((s) => !s.pinned)
  // A repair proposal says per booked session where it moves (contract: `changes`).
  const changes = ((p as { changes?: readonly Change[] }).changes ?? [])
  const kept = p.sessions.filter((s) => s.pinned)
  const when = (s: Session) => `${formatDate(s.start.slice(0, 10), ctx.lang)}, ${formatTime(s.start, ctx.lang)}–${hm(s.end, ctx)}`
  const label = (id: string) => (
    <a class="ds-link" href={`/referrals/${id}`}>
      {labels.get(id) ?? id}
    </a>
  )
  const SessionTable = ({ list, caption }: { list: readonly Session[]; caption: string }) => (
    <div class="app-table-wrap">
      <table class="ds-table" data-border="true">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.col.referral}</th>
            <th scope="col">{t.col.kind}</th>
            <th scope="col">{t.col.when}</th>
            <th scope="col">{t.col.counsellor}</th>
            <th scope="col">{t.col.orderBy}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((s) => (
            <tr>
              <td>
                <ReferralRefs s={s} labels={labels} />
              </td>
              <td>{ctx.t.web.sessionKind[s.kind]}</td>
              <td>{when(s)}</td>
              <td>{counsellorName(s.counsellorId)}</td>
              <td>{s.interpreterOrderBy ? formatDate(s.interpreterOrderBy.slice(0, 10), ctx.lang) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
  return (
    <Layout ctx={ctx} title={t.title(formatDate(p.runDate, ctx.lang))} wide>
      <PageTitle>{t.title(formatDate(p.runDate, ctx.lang))}</PageTitle>
      {notice && (
        <Alert color="success">
          <p class="ds-paragraph">{notice}</p>
        </Alert>
      )}
      {error && (
        <Alert color="danger" heading={t.commitFailed}>
          <p class="ds-paragraph">{error}</p>
        </Alert>
      )}
      <p class="ds-paragraph">
        <Tag color={p.status === 'committed' ? 'success' : p.status === 'stale' ? 'neutral' : 'info'}>{ctx.t.web.allocations.status[p.status]}</Tag> {p.status === 'proposed' ? t.proposedNote : ''}
      </p>
      <ul class="app-stats">
        <li>
          <strong>{p.stats.referrals}</strong>
          {t.stats.referrals}
        </li>
        <li>
          <strong>{p.stats.scheduled}</strong>
          {t.stats.scheduled}
        </li>
        <li>
          <strong>{p.stats.withinDeadline}</strong>
          {t.stats.withinDeadline}
        </li>
        <li>
          <strong>{fresh.length}</strong>
          {t.stats.fresh}
        </li>
        <li>
          <strong>{p.unassigned.length}</strong>
          {t.stats.waiting}
        </li>
        <li>
          <strong>{p.deadlineBreaches.length}</strong>
          {t.stats.breaches}
        </li>
      </ul>
      {p.status === 'proposed' && (
        <form method="post" action={`/allocations/${p.id}/commit`} class="app-actions">
          <Csrf ctx={ctx} />
          <Button>{t.commit}</Button>
          <span class="app-muted">{t.commitHint(fresh.length)}</span>
        </form>
      )}
      {changes.length > 0 && (
        <section aria-labelledby="h-changes">
          <h2 class="ds-heading" data-size="md" id="h-changes">
            {ctx.t.web.changes.title}
          </h2>
          <table class="ds-table" data-border="true">
            <caption>{ctx.t.web.changes.caption(changes.length)}</caption>
            <thead>
              <tr>
                <th scope="col">{ctx.t.web.changes.col.from}</th>
                <th scope="col">{ctx.t.web.changes.col.to}</th>
                <th scope="col">{ctx.t.web.changes.col.reorder}</th>
                <th scope="col">{ctx.t.web.changes.col.late}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr>
                  <td>{`${counsellorName(c.from.counsellorId)}, ${formatDate(c.from.start.slice(0, 10), ctx.lang)} ${formatTime(c.from.start, ctx.lang)}`}</td>
                  <td>{c.to ? `${counsellorName(c.to.counsellorId)}, ${formatDate(c.to.start.slice(0, 10), ctx.lang)} ${formatTime(c.to.start, ctx.lang)}` : ctx.t.web.changes.cancelled}</td>
                  <td>{c.interpreterReorder ? ctx.t.web.changes.reorder : ctx.t.web.changes.sameInterpreter}</td>
                  <td>{c.lateCancellation ? ctx.t.web.changes.late : ctx.t.web.changes.notLate}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section aria-labelledby="h-new">
        <h2 class="ds-heading" data-size="md" id="h-new">
          {t.fresh}
        </h2>
        {fresh.length === 0 ? <p class="ds-paragraph">{t.noFresh}</p> : <SessionTable list={fresh} caption={t.freshCaption(fresh.length)} />}
      </section>
      <section aria-labelledby="h-waiting">
        <h2 class="ds-heading" data-size="md" id="h-waiting">
          {t.waiting}
        </h2>
        {p.unassigned.length === 0 ? (
          <p class="ds-paragraph">{t.noWaiting}</p>
        ) : (
          <table class="ds-table" data-border="true">
            <thead>
              <tr>
                <th scope="col">{t.col.referral}</th>
                <th scope="col">{t.col.reason}</th>
                <th scope="col">{t.col.detail}</th>
              </tr>
            </thead>
            <tbody>
              {p.unassigned.map((u) => (
                <tr>
                  <td>{label(u.referralId)}</td>
                  <td>{ctx.t.web.reasons[u.reason as keyof typeof ctx.t.web.reasons] ?? u.reason}</td>
                  <td>{u.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="h-breaches">
        <h2 class="ds-heading" data-size="md" id="h-breaches">
          {t.breaches}
        </h2>
        {p.deadlineBreaches.length === 0 ? (
          <p class="ds-paragraph">{t.noBreaches}</p>
        ) : (
          <table class="ds-table" data-border="true">
            <thead>
              <tr>
                <th scope="col">{t.col.referral}</th>
                <th scope="col">{t.col.deadline}</th>
                <th scope="col">{t.col.plannedOn}</th>
                <th scope="col">{t.col.reason}</th>
                <th scope="col">{t.col.detail}</th>
              </tr>
            </thead>
            <tbody>
              {p.deadlineBreaches.map((b) => (
                <tr>
                  <td>{label(b.referralId)}</td>
                  <td>{formatDate(b.deadline, ctx.lang)}</td>
                  <td>{b.plannedOn ? formatDate(b.plannedOn, ctx.lang) : t.notPlanned}</td>
                  <td>{ctx.t.web.reasons[b.reason as keyof typeof ctx.t.web.reasons] ?? b.reason}</td>
                  <td>{b.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="h-kept">
        <h2 class="ds-heading" data-size="md" id="h-kept">
          {t.kept}
        </h2>
        {kept.length === 0 ? <p class="ds-paragraph">{t.noKept}</p> : <SessionTable list={kept} caption={t.keptCaption(kept.length)} />}
      </section>
    </Layout>
  )
}

export function CounsellorsPage({ ctx, counsellors, notice }: { ctx: PageContext; counsellors: readonly CounsellorWire[]; notice?: string | undefined }) {
  const t = ctx.t.web.counsellors
  return (
    <Layout ctx={ctx} title={t.title} wide>
      <PageTitle>{t.title}</PageTitle>
      {notice && (
        <Alert color="success">
          <p class="ds-paragraph">{notice}</p>
        </Alert>
      )}
      <p class="ds-paragraph">
        <a class="ds-button" data-variant="primary" href="/counsellors/new">
          {t.add}
        </a>
      </p>
      <table class="ds-table" data-border="true">
        <thead>
          <tr>
            <th scope="col">{t.col.name}</th>
            <th scope="col">{t.col.municipalities}</th>
            <th scope="col">{t.col.weekly}</th>
            <th scope="col">{t.col.absences}</th>
            <th scope="col">{t.col.employed}</th>
          </tr>
        </thead>
        <tbody>
          {counsellors.map((c) => (
            <tr>
              <td>
                <a class="ds-link" href={`/counsellors/${encodeURIComponent(c.id)}`}>
                  {c.name}
                </a>
              </td>
              <td>{c.municipalities.join(', ') || '–'}</td>
              <td>{c.weekly.map((w) => `${ctx.t.web.weekdaysShort[w.weekday - 1]} ${w.start}–${w.end}`).join(', ')}</td>
              <td>{c.absences.map((a) => `${ctx.t.web.absence[a.reason]} ${formatDate(a.from, ctx.lang)}–${formatDate(a.to, ctx.lang)}`).join('; ') || '–'}</td>
              <td>{[c.employedFrom && t.from(formatDate(c.employedFrom, ctx.lang)), c.employedUntil && t.until(formatDate(c.employedUntil, ctx.lang))].filter(Boolean).join(', ') || '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  )
}

/** Blank absence rows offered under the recorded ones, to add new ones. */
export const NEW_ABSENCE_ROWS = 2

export function CounsellorFormPage({ ctx, id, values, absences, errors = {}, isNew, disrupted }: { ctx: PageContext; id?: string; values: Record<string, string>; absences: number; errors?: FieldErrors; isNew: boolean; disrupted?: readonly string[] }) {
  const t = ctx.t.web.counsellorForm
  const title = isNew ? t.newTitle : t.editTitle(values.name ?? id ?? '')
  const dateHint = ctx.t.web.form.dateHint
  return (
    <Layout ctx={ctx} title={title} wide>
      <PageTitle>{title}</PageTitle>
      {disrupted && disrupted.length > 0 && (
        <Alert color="danger" heading={t.disrupted(disrupted.length)}>
          <p class="ds-paragraph">
            <a class="ds-link" href="/disruptions">
              {t.disruptedLink}
            </a>
          </p>
        </Alert>
      )}
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={isNew ? '/counsellors/new' : `/counsellors/${encodeURIComponent(id ?? '')}`} class="app-form app-form--wide" novalidate>
        <Csrf ctx={ctx} />
        {isNew && <Field name="id" label={t.id} hint={t.idHint} value={values.id} errors={errors} required width="medium" />}
        <Field name="name" label={t.name} value={values.name} errors={errors} required width="medium" />
        <Field name="municipalities" label={t.municipalities} hint={t.municipalitiesHint} value={values.municipalities} errors={errors} width="medium" />
        <Field name="maxSessionsPerDay" label={t.maxSessions} hint={t.maxSessionsHint} value={values.maxSessionsPerDay} errors={errors} width="short" inputmode="numeric" />
        <div class="app-row">
          <Field name="employedFrom" label={t.employedFrom} hint={dateHint} value={values.employedFrom} errors={errors} width="short" />
          <Field name="employedUntil" label={t.employedUntil} hint={dateHint} value={values.employedUntil} errors={errors} width="short" />
        </div>
        <fieldset class="ds-fieldset">
          <legend class="ds-heading" data-size="sm">
            {t.weekly}
          </legend>
          <p class="ds-paragraph" data-size="sm">
            {t.weeklyHint}
          </p>
          {[1, 2, 3, 4, 5, 6, 7].map((d) => (
            <div class="app-row">
              <Field name={`w${d}.start`} label={t.starts(ctx.t.web.weekdays[d - 1]!)} value={values[`w${d}.start`]} errors={errors} width="short" />
              <Field name={`w${d}.end`} label={t.ends(ctx.t.web.weekdays[d - 1]!)} value={values[`w${d}.end`]} errors={errors} width="short" />
            </div>
          ))}
        </fieldset>
        <fieldset class="ds-fieldset">
          <legend class="ds-heading" data-size="sm">
            {t.absences}
          </legend>
          <p class="ds-paragraph" data-size="sm">
            {t.absencesHint}
          </p>
          {Array.from({ length: absences }, (_, i) => (
            <div class="app-row">
              <Field name={`a${i}.from`} label={t.absenceFrom(i + 1)} hint={dateHint} value={values[`a${i}.from`]} errors={errors} width="short" />
              <Field name={`a${i}.to`} label={t.absenceTo(i + 1)} hint={dateHint} value={values[`a${i}.to`]} errors={errors} width="short" />
              <Select
                name={`a${i}.reason`}
                label={t.absenceReason(i + 1)}
                value={values[`a${i}.reason`] ?? ''}
                errors={errors}
                options={[{ value: '', label: t.noAbsence }, ...(['sick', 'leave', 'other'] as const).map((r) => ({ value: r, label: ctx.t.web.absence[r] }))]}
              />
            </div>
          ))}
        </fieldset>
        <div class="app-actions">
          <Button>{t.save}</Button>
          <a class="ds-link" href="/counsellors">
            {ctx.t.web.form.cancel}
          </a>
        </div>
      </form>
    </Layout>
  )
}

export function AuditPage({ ctx, entries, referralId }: { ctx: PageContext; entries: readonly { at: string; actor: string; role: string; action: string; referralId: string }[]; referralId?: string | undefined }) {
  const t = ctx.t.web.audit
  return (
    <Layout ctx={ctx} title={t.title} wide>
      <PageTitle>{t.title}</PageTitle>
      <p class="ds-paragraph">{t.intro}</p>
      <form method="get" action="/audit" class="app-row">
        <Field name="referralId" label={t.referral} value={referralId} width="medium" />
        <Button variant="secondary">{t.filter}</Button>
      </form>
      <table class="ds-table" data-border="true">
        <caption>{t.caption(entries.length)}</caption>
        <thead>
          <tr>
            <th scope="col">{t.col.at}</th>
            <th scope="col">{t.col.actor}</th>
            <th scope="col">{t.col.role}</th>
            <th scope="col">{t.col.action}</th>
            <th scope="col">{t.col.referral}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr>
              <td>{`${formatDate(e.at.slice(0, 10), ctx.lang)} ${formatTime(e.at, ctx.lang)}`}</td>
              <td>{e.actor}</td>
              <td>{ctx.t.web.roles[e.role as 'analyst'] ?? e.role}</td>
              <td>{t.actions[e.action as 'read'] ?? e.action}</td>
              <td>
                <a class="ds-link" href={`/referrals/${e.referralId}`}>
                  {e.referralId}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  )
}
