import type { ReferralOut } from '../../schemas/referral.ts'
import { formatDate, formatDateTime, formatTime } from '../../i18n/format.ts'
import type { PageContext } from '../context.ts'
import { showDateInput } from '../forms.ts'
import { Alert, Button, Checkbox, Csrf, ErrorSummary, Field, type FieldErrors, languageName, Radios, Select, Tag, TextArea } from './components.tsx'
import { Layout, PageTitle } from './layout.tsx'

type Status = ReferralOut['status']
const STATUS_COLOR: Record<Status, 'neutral' | 'info' | 'success' | 'warning' | 'danger'> = {
  pending: 'info',
  deferred: 'neutral',
  blocked: 'warning',
  scheduled: 'success',
  completed: 'success',
  withdrawn: 'neutral',
}

export function StatusTag({ ctx, status }: { ctx: PageContext; status: Status }) {
  return <Tag color={STATUS_COLOR[status]}>{ctx.t.web.status[status]}</Tag>
}

/** The next session still to come, else the last one: what "planned" means on a list. */
function plannedSession(r: ReferralOut): ReferralOut['sessions'][number] | undefined {
  const sorted = [...r.sessions].sort((a, b) => a.start.localeCompare(b.start))
  return sorted.find((s) => Date.parse(s.start) > Date.now()) ?? sorted.at(-1)
}

export type ListView = {
  readonly referrals: readonly ReferralOut[]
  readonly next: string | null
  readonly status?: Status | undefined
  readonly q?: string | undefined
  readonly notice?: string | undefined
}

export function ReferralTable({ ctx, view }: { ctx: PageContext; view: ListView }) {
  const t = ctx.t.web.referrals
  const centre = ctx.person?.role === 'coordinator'
  return (
    <div id="referral-table" class="app-table-wrap">
      {view.referrals.length === 0 ? (
        <p class="ds-paragraph">{t.none}</p>
      ) : (
        <table class="ds-table" data-border="true">
          <caption>{t.caption(view.referrals.length)}</caption>
          <thead>
            <tr>
              <th scope="col">{t.col.externalRef}</th>
              {centre && <th scope="col">{t.col.municipality}</th>}
              <th scope="col">{t.col.participant}</th>
              <th scope="col">{t.col.track}</th>
              <th scope="col">{t.col.status}</th>
              <th scope="col">{t.col.planned}</th>
              <th scope="col">{t.col.deadline}</th>
            </tr>
          </thead>
          <tbody>
            {view.referrals.map((r) => {
              const s = plannedSession(r)
              return (
                <tr>
                  <td>
                    <a class="ds-link" href={`/referrals/${r.id}`}>
                      {r.externalRef ?? r.id}
                    </a>
                  </td>
                  {centre && <td>{r.municipality}</td>}
                  <td>{r.participant?.name ?? '–'}</td>
                  <td>{ctx.t.web.tracks[r.track]}</td>
                  <td>
                    <StatusTag ctx={ctx} status={r.status} />
                  </td>
                  <td>{s ? formatDateTime(s.start, ctx.lang) : '–'}</td>
                  <td>{r.deadline ? formatDate(r.deadline, ctx.lang) : '–'}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
      {view.next && (
        <p class="ds-paragraph">
          <a class="ds-link" href={`/referrals?${new URLSearchParams({ ...(view.status && { status: view.status }), cursor: view.next }).toString()}`}>
            {t.nextPage}
          </a>
        </p>
      )}
    </div>
  )
}

export function ReferralListPage({ ctx, view }: { ctx: PageContext; view: ListView }) {
  const t = ctx.t.web.referrals
  const statuses: Status[] = ['pending', 'deferred', 'blocked', 'scheduled', 'completed', 'withdrawn']
  return (
    <Layout ctx={ctx} title={t.title} wide>
      <PageTitle>{t.title}</PageTitle>
      {view.notice && (
        <Alert color="success">
          <p class="ds-paragraph">{view.notice}</p>
        </Alert>
      )}
      {ctx.person?.role === 'municipality' && (
        <div class="app-actions">
          <a class="ds-button" data-variant="primary" href="/referrals/new">
            {ctx.t.web.menu.newReferral}
          </a>
          <a class="ds-button" data-variant="secondary" href="/referrals/upload">
            {ctx.t.web.menu.upload}
          </a>
        </div>
      )}
      <div role="search">
        <form method="get" action="/referrals" class="app-row" hx-get="/referrals" hx-target="#referral-table" hx-select="#referral-table" hx-swap="outerHTML" hx-push-url="true">
          <Field name="q" type="search" label={t.search} hint={t.searchHint} value={view.q} width="medium" />
          <Select name="status" label={t.filterStatus} value={view.status ?? ''} options={[{ value: '', label: t.allStatuses }, ...statuses.map((s) => ({ value: s, label: ctx.t.web.status[s] }))]} />
          <Button variant="secondary">{t.filter}</Button>
        </form>
      </div>
      <ReferralTable ctx={ctx} view={view} />
    </Layout>
  )
}

export type FormValues = Readonly<Record<string, string | boolean | undefined>>

const str = (v: FormValues, k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined)

export function NewReferralPage({ ctx, values, errors = {}, municipalityField }: { ctx: PageContext; values: FormValues; errors?: FieldErrors; municipalityField: boolean }) {
  const t = ctx.t.web.referralForm
  const dateHint = ctx.t.web.form.dateHint
  return (
    <Layout ctx={ctx} title={t.title}>
      <PageTitle>{t.title}</PageTitle>
      <p class="ds-paragraph">{t.intro}</p>
      <ErrorSummary ctx={ctx} errors={errors} fieldIds={{ track: 'f-track' }} />
      <form method="post" action="/referrals/new" class="app-form" novalidate>
        <Csrf ctx={ctx} />
        <fieldset class="ds-fieldset">
          <legend class="ds-heading" data-size="sm">
            {t.participantLegend}
          </legend>
          <Field name="externalRef" label={t.externalRef} hint={t.externalRefHint} value={str(values, 'externalRef')} errors={errors} required width="medium" />
          {municipalityField && <Field name="municipality" label={t.municipality} hint={t.municipalityHint} value={str(values, 'municipality')} errors={errors} required width="short" inputmode="numeric" />}
          <Field name="participant.name" label={t.name} value={str(values, 'participant.name')} errors={errors} autocomplete="off" />
          <Field name="participant.dufNumber" label={t.duf} hint={t.dufHint} value={str(values, 'participant.dufNumber')} errors={errors} autocomplete="off" inputmode="numeric" width="medium" />
          <Field name="language" label={t.language} hint={t.languageHint} value={str(values, 'language')} errors={errors} required width="medium" />
          <Checkbox name="interpreter" label={t.interpreter} checked={values.interpreter !== false} />
        </fieldset>
        <fieldset class="ds-fieldset">
          <legend class="ds-heading" data-size="sm">
            {t.programmeLegend}
          </legend>
          <Radios
            name="track"
            legend={t.track}
            value={str(values, 'track')}
            errors={errors}
            options={[
              { value: 'ordinary', label: ctx.t.web.tracks.ordinary, hint: t.trackHint.ordinary },
              { value: 'ukraine', label: ctx.t.web.tracks.ukraine, hint: t.trackHint.ukraine },
              { value: 'corona', label: ctx.t.web.tracks.corona, hint: t.trackHint.corona },
            ]}
          />
          <Field name="settledOn" label={t.settledOn} hint={dateHint} value={str(values, 'settledOn')} errors={errors} required width="short" />
          <Field name="referredOn" label={t.referredOn} hint={t.referredOnHint} value={str(values, 'referredOn')} errors={errors} width="short" />
          <Field name="programmeEndsOn" label={t.programmeEndsOn} hint={dateHint} value={str(values, 'programmeEndsOn')} errors={errors} width="short" />
          <Radios name="meetings" legend={t.meetings} value={str(values, 'meetings') ?? '1'} errors={errors} options={[{ value: '1', label: t.meetingsOne }, { value: '2', label: t.meetingsTwo }]} />
          <Checkbox name="threatenedIndustry" label={t.threatenedIndustry} hint={t.threatenedIndustryHint} checked={values.threatenedIndustry === true} />
          <Field name="targetIndustry" label={t.targetIndustry} value={str(values, 'targetIndustry')} errors={errors} width="medium" />
        </fieldset>
        <fieldset class="ds-fieldset">
          <legend class="ds-heading" data-size="sm">
            {t.readinessLegend}
          </legend>
          <Checkbox name="competenceMappingDone" label={t.competenceMappingDone} hint={t.competenceMappingHint} checked={values.competenceMappingDone === true} />
          <Checkbox name="advisorConsent" label={t.advisorConsent} hint={t.advisorConsentHint} checked={values.advisorConsent === true} />
          <Checkbox name="groupMeetingDone" label={t.groupMeetingDone} hint={t.groupMeetingHint} checked={values.groupMeetingDone === true} />
          <Field name="deferredUntil" label={t.deferredUntil} hint={t.deferredUntilHint} value={str(values, 'deferredUntil')} errors={errors} width="short" />
          <TextArea name="deferralReason" label={t.deferralReason} value={str(values, 'deferralReason')} errors={errors} />
        </fieldset>
        <fieldset class="ds-fieldset">
          <legend class="ds-heading" data-size="sm">
            {t.advisorLegend}
          </legend>
          <Field name="advisor.name" label={t.advisorName} value={str(values, 'advisor.name')} errors={errors} required autocomplete="name" />
          <Field name="advisor.email" type="email" label={t.advisorEmail} value={str(values, 'advisor.email')} errors={errors} required autocomplete="email" />
        </fieldset>
        <div class="app-actions">
          <Button>{t.submit}</Button>
          <a class="ds-link" href="/referrals">
            {ctx.t.web.form.cancel}
          </a>
        </div>
      </form>
    </Layout>
  )
}

export type UploadRowError = { readonly row: number; readonly column: string; readonly message: string }

export function UploadPage({ ctx, errors, fileError, stored }: { ctx: PageContext; errors?: readonly UploadRowError[]; fileError?: string; stored?: { created: number; updated: number } }) {
  const t = ctx.t.web.upload
  const fieldErrors: FieldErrors = fileError ? { file: fileError } : errors && errors.length > 0 ? { file: t.rowsInvalid(new Set(errors.map((e) => e.row)).size) } : {}
  return (
    <Layout ctx={ctx} title={t.title}>
      <PageTitle>{t.title}</PageTitle>
      {stored && (
        <Alert color="success" heading={t.storedHeading}>
          <p class="ds-paragraph">{t.stored(stored.created, stored.updated)}</p>
          <p class="ds-paragraph">
            <a class="ds-link" href="/referrals">
              {t.toList}
            </a>
          </p>
        </Alert>
      )}
      <ErrorSummary ctx={ctx} errors={fieldErrors} fieldIds={{ file: 'f-file' }} />
      <p class="ds-paragraph">{t.intro}</p>
      <p class="ds-paragraph">
        <a class="ds-link" href="/referrals/template.csv" download>
          {t.template}
        </a>
      </p>
      <form method="post" action="/referrals/upload" enctype="multipart/form-data" class="app-form">
        <Csrf ctx={ctx} />
        <div class="ds-field">
          <label class="ds-label" for="f-file">
            {t.file}
          </label>
          <div data-field="description" id="f-file-hint">
            {t.fileHint}
          </div>
          <input class="ds-input" type="file" id="f-file" name="file" accept=".csv,text/csv" required aria-describedby={fieldErrors.file ? 'f-file-hint f-file-error' : 'f-file-hint'} aria-invalid={fieldErrors.file ? 'true' : undefined} />
          {fieldErrors.file && (
            <div class="ds-validation-message" data-field="validation" id="f-file-error">
              {fieldErrors.file}
            </div>
          )}
        </div>
        <div class="app-actions">
          <Button>{t.submit}</Button>
        </div>
      </form>
      {errors && errors.length > 0 && (
        <div class="app-table-wrap">
          <table class="ds-table" data-border="true">
            <caption>{t.errorsCaption(errors.length)}</caption>
            <thead>
              <tr>
                <th scope="col">{t.row}</th>
                <th scope="col">{t.column}</th>
                <th scope="col">{t.problem}</th>
              </tr>
            </thead>
            <tbody>
              {errors.map((e) => (
                <tr>
                  <td>{t.rowLabel(e.row)}</td>
                  <td>{e.column}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  )
}

export type Explanation = { readonly reason?: string | undefined; readonly detail?: string | undefined; readonly asOf?: string | undefined; readonly plannedOn?: string | undefined }

export function ReferralDetailPage({
  ctx,
  r,
  counsellorName,
  explanation,
  errors = {},
  notice,
  values,
}: {
  ctx: PageContext
  r: ReferralOut
  counsellorName: (id: string) => string
  explanation?: Explanation | undefined
  errors?: FieldErrors
  notice?: string | undefined
  values?: FormValues
}) {
  const t = ctx.t.web.referral
  const f = ctx.t.web.referralForm
  const editable = r.status !== 'withdrawn' && (ctx.person?.role === 'municipality' || ctx.person?.role === 'coordinator')
  const sessions = [...r.sessions].sort((a, b) => a.start.localeCompare(b.start))
  const yes = (b: boolean) => (b ? ctx.t.web.form.yes : ctx.t.web.form.no)
  return (
    <Layout ctx={ctx} title={t.title(r.externalRef ?? r.id)}>
      <PageTitle>{t.title(r.externalRef ?? r.id)}</PageTitle>
      {notice && (
        <Alert color="success">
          <p class="ds-paragraph">{notice}</p>
        </Alert>
      )}
      <ErrorSummary ctx={ctx} errors={errors} />
      <dl class="app-dl">
        <dt>{t.status}</dt>
        <dd>
          <StatusTag ctx={ctx} status={r.status} />
        </dd>
        {r.participant?.name && (
          <>
            <dt>{f.name}</dt>
            <dd>{r.participant.name}</dd>
          </>
        )}
        <dt>{f.municipality}</dt>
        <dd>{r.municipality}</dd>
        <dt>{f.track}</dt>
        <dd>{ctx.t.web.tracks[r.track]}</dd>
        <dt>{f.settledOn}</dt>
        <dd>{formatDate(r.settledOn, ctx.lang)}</dd>
        <dt>{f.referredOn}</dt>
        <dd>{formatDate(r.referredOn, ctx.lang)}</dd>
        <dt>{t.deadline}</dt>
        <dd>{r.deadline ? formatDate(r.deadline, ctx.lang) : t.noDeadline}</dd>
        <dt>{f.language}</dt>
        <dd>{languageName(ctx, r.language)}</dd>
        <dt>{f.interpreter}</dt>
        <dd>{yes(r.interpreter)}</dd>
        {r.programmeEndsOn && (
          <>
            <dt>{f.programmeEndsOn}</dt>
            <dd>{formatDate(r.programmeEndsOn, ctx.lang)}</dd>
          </>
        )}
        <dt>{f.meetings}</dt>
        <dd>{r.meetings === 2 ? f.meetingsTwo : f.meetingsOne}</dd>
        {r.advisor && (
          <>
            <dt>{t.advisor}</dt>
            <dd>{`${r.advisor.name} (${r.advisor.email})`}</dd>
          </>
        )}
      </dl>

      <section aria-labelledby="h-sessions">
        <h2 class="ds-heading" data-size="md" id="h-sessions">
          {t.sessions}
        </h2>
        {sessions.length === 0 ? (
          <p class="ds-paragraph">{t.noSessions}</p>
        ) : (
          <table class="ds-table" data-border="true">
            <thead>
              <tr>
                <th scope="col">{t.kind}</th>
                <th scope="col">{t.when}</th>
                <th scope="col">{t.counsellor}</th>
                <th scope="col">{t.interpreter}</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr>
                  <td>{ctx.t.web.sessionKind[s.kind]}</td>
                  <td>{`${formatDateTime(s.start, ctx.lang)}–${formatTime(s.end, ctx.lang).replace(/^kl\. /, '')}`}</td>
                  <td>{counsellorName(s.counsellorId)}</td>
                  <td>{s.interpreterOrderBy ? t.interpreterOrdered(languageName(ctx, r.language), formatDate(s.interpreterOrderBy.slice(0, 10), ctx.lang)) : t.noInterpreter}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {explanation?.reason && (
        <section aria-labelledby="h-why">
          <h2 class="ds-heading" data-size="md" id="h-why">
            {t.why}
          </h2>
          <Alert color="info" heading={ctx.t.web.reasons[explanation.reason as keyof typeof ctx.t.web.reasons] ?? explanation.reason}>
            {explanation.detail && <p class="ds-paragraph">{explanation.detail}</p>}
            {explanation.asOf && <p class="ds-paragraph" data-size="sm">{t.asOf(formatDate(explanation.asOf, ctx.lang))}</p>}
          </Alert>
        </section>
      )}

      {editable && (
        <section aria-labelledby="h-update">
          <h2 class="ds-heading" data-size="md" id="h-update">
            {t.update}
          </h2>
          <form method="post" action={`/referrals/${r.id}`} class="app-form" novalidate>
            <Csrf ctx={ctx} />
            <Checkbox name="competenceMappingDone" label={f.competenceMappingDone} hint={f.competenceMappingHint} checked={values ? values.competenceMappingDone === true : r.competenceMappingDone} />
            <Checkbox name="advisorConsent" label={f.advisorConsent} hint={f.advisorConsentHint} checked={values ? values.advisorConsent === true : r.advisorConsent} />
            {r.track === 'ukraine' && <Checkbox name="groupMeetingDone" label={f.groupMeetingDone} checked={values ? values.groupMeetingDone === true : r.groupMeetingDone} />}
            <Field name="deferredUntil" label={f.deferredUntil} hint={t.deferralHint} value={(values?.deferredUntil as string | undefined) ?? showDateInput(r.deferredUntil)} errors={errors} width="short" />
            <TextArea name="deferralReason" label={f.deferralReason} value={(values?.deferralReason as string | undefined) ?? r.deferralReason} errors={errors} />
            <div class="app-actions">
              <Button>{t.save}</Button>
            </div>
          </form>
        </section>
      )}
      {editable && (
        <section aria-labelledby="h-withdraw">
          <h2 class="ds-heading" data-size="md" id="h-withdraw">
            {t.withdraw}
          </h2>
          <p class="ds-paragraph">{t.withdrawIntro}</p>
          <p class="ds-paragraph">
            <a class="ds-button" data-variant="secondary" href={`/referrals/${r.id}/withdraw`}>
              {t.withdrawButton}
            </a>
          </p>
        </section>
      )}
      {r.status !== 'withdrawn' && (
        <p class="ds-paragraph">
          <a class="ds-link" href={`/referrals/${r.id}/options`}>
            {t.options}
          </a>
        </p>
      )}
    </Layout>
  )
}

export function WithdrawPage({ ctx, r, coming }: { ctx: PageContext; r: ReferralOut; coming: readonly ReferralOut['sessions'][number][] }) {
  const t = ctx.t.web.referral
  return (
    <Layout ctx={ctx} title={t.withdrawTitle(r.externalRef ?? r.id)}>
      <PageTitle>{t.withdrawTitle(r.externalRef ?? r.id)}</PageTitle>
      {coming.length === 0 ? (
        <p class="ds-paragraph">{t.withdrawNothing}</p>
      ) : (
        <Alert color="warning" heading={t.withdrawCancels(coming.length)}>
          <ul class="ds-list">
            {coming.map((s) => (
              <li>{`${ctx.t.web.sessionKind[s.kind]}: ${formatDateTime(s.start, ctx.lang)}`}</li>
            ))}
          </ul>
        </Alert>
      )}
      <form method="post" action={`/referrals/${r.id}/withdraw`} class="app-form">
        <Csrf ctx={ctx} />
        <div class="app-actions">
          <Button>{t.withdrawConfirm}</Button>
          <a class="ds-link" href={`/referrals/${r.id}`}>
            {ctx.t.web.form.cancel}
          </a>
        </div>
      </form>
    </Layout>
  )
}
