import { formatDate, formatDateTime } from '../../i18n/format.ts'
import type { TaskLine } from '../../services/tasks.ts'
import type { PageContext } from '../context.ts'
import { Alert, Button, Csrf, ErrorSummary, Field, type FieldErrors, Select, Tag } from './components.tsx'
import { Layout, PageTitle } from './layout.tsx'

/** A task as the page shows it: why it cannot be marked done by this person now, if it cannot. */
export type TaskRow = TaskLine & { readonly blocked?: 'centre-only' | 'not-yet' | undefined }

export type TasksView = {
  readonly rows: readonly TaskRow[]
  /** Case references of the referrals (those this person may see). */
  readonly labels: ReadonlyMap<string, string>
  /** The counsellors to filter by, with names; absent for a municipality (the column and filter are the centre's). */
  readonly counsellors?: readonly { readonly id: string; readonly name: string }[] | undefined
  readonly values: { readonly counsellorId?: string | undefined; readonly dueBefore?: string | undefined }
  readonly today: string
  /** Done tasks are listed for this many days after they were done. */
  readonly doneDays: number
}

export function TasksPage({ ctx, view, errors, notice }: { ctx: PageContext; view: TasksView; errors?: FieldErrors; notice?: string | undefined }) {
  const t = ctx.t.web.tasks
  const centre = view.counsellors !== undefined
  const counsellorName = new Map((view.counsellors ?? []).map((c) => [c.id, c.name]))
  const open = view.rows.filter((r) => r.doneAt === undefined)
  const done = view.rows.filter((r) => r.doneAt !== undefined)
  const referral = (r: TaskRow) => {
    const label = view.labels.get(r.referralId)
    return label ? (
      <a class="ds-link" href={`/referrals/${r.referralId}`}>
        {label}
      </a>
    ) : (
      '–'
    )
  }
  const head = (last: 'status' | 'doneAt') => (
    <thead>
      <tr>
        <th scope="col">{t.col.due}</th>
        <th scope="col">{t.col.kind}</th>
        <th scope="col">{t.col.referral}</th>
        <th scope="col">{t.col.session}</th>
        {centre && <th scope="col">{t.col.counsellor}</th>}
        <th scope="col">{t.col[last]}</th>
        {last === 'status' && (
          <th scope="col" class="app-noprint">
            {t.col.action}
          </th>
        )}
      </tr>
    </thead>
  )
  const cells = (r: TaskRow) => (
    <>
      <td>{formatDate(r.dueOn, ctx.lang)}</td>
      <td>{t.kind[r.kind]}</td>
      <td>{referral(r)}</td>
      <td>{formatDateTime(r.start, ctx.lang)}</td>
      {centre && <td>{counsellorName.get(r.counsellorId) ?? r.counsellorId}</td>}
    </>
  )
  return (
    <Layout ctx={ctx} title={t.title} wide>
      <PageTitle>{t.title}</PageTitle>
      <p class="ds-paragraph">{centre ? t.intro : t.introMunicipality}</p>
      {notice && (
        <Alert color="success">
          <p class="ds-paragraph">{notice}</p>
        </Alert>
      )}
      {errors && <ErrorSummary ctx={ctx} errors={errors} />}
      <form method="get" action="/tasks" class="app-row app-noprint">
        {view.counsellors && (
          <Select
            name="counsellorId"
            label={t.counsellor}
            value={view.values.counsellorId ?? ''}
            options={[{ value: '', label: t.allCounsellors }, ...view.counsellors.map((c) => ({ value: c.id, label: c.name }))]}
          />
        )}
        <Field name="dueBefore" label={t.dueBefore} hint={ctx.t.web.form.dateHint} value={view.values.dueBefore} errors={errors} width="short" />
        <Button variant="secondary">{t.show}</Button>
      </form>
      <section aria-labelledby="tasks-open">
        <h2 class="ds-heading" data-size="sm" id="tasks-open">
          {t.openHeading}
        </h2>
        {open.length === 0 ? (
          <p class="ds-paragraph">{t.noneOpen}</p>
        ) : (
          <div class="app-table-wrap">
            <table class="ds-table" data-border="true">
              <caption>{t.openCaption(open.length)}</caption>
              {head('status')}
              <tbody>
                {open.map((r) => (
                  <tr>
                    {cells(r)}
                    <td>{r.dueOn < view.today ? <Tag color="danger">{t.overdue}</Tag> : <Tag color="neutral">{t.open}</Tag>}</td>
                    <td class="app-noprint">
                      {r.blocked === undefined ? (
                        <form method="post" action={`/tasks/${encodeURIComponent(r.id)}/done`}>
                          <Csrf ctx={ctx} />
                          <input type="hidden" name="back" value={ctx.path} />
                          <button class="ds-button" data-variant="secondary" data-size="sm" type="submit">
                            {t.markDone}
                            <span class="ds-sr-only">{`: ${t.kind[r.kind]}, ${view.labels.get(r.referralId) ?? ''} ${formatDateTime(r.start, ctx.lang)}`}</span>
                          </button>
                        </form>
                      ) : (
                        <span class="app-muted">{r.blocked === 'not-yet' ? t.notYet : t.centreOnly}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {done.length > 0 && (
        <section aria-labelledby="tasks-done">
          <h2 class="ds-heading" data-size="sm" id="tasks-done">
            {t.doneHeading(view.doneDays)}
          </h2>
          <div class="app-table-wrap">
            <table class="ds-table" data-border="true">
              <caption>{t.doneCaption(done.length)}</caption>
              {head('doneAt')}
              <tbody>
                {done.map((r) => (
                  <tr>
                    {cells(r)}
                    <td>
                      <Tag color="success">{t.done}</Tag> {formatDateTime(r.doneAt ?? '', ctx.lang)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </Layout>
  )
}
