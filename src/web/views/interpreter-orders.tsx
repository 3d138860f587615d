import { formatDate, formatDateTime, formatTime } from '../../i18n/format.ts'
import type { InterpreterOrder } from '../../services/interpreter-orders.ts'
import type { PageContext } from '../context.ts'
import { Alert, Button, Csrf, Field, languageName, Tag } from './components.tsx'
import { Layout, PageTitle } from './layout.tsx'

const COLOR = { 'to-order': 'warning', ordered: 'success', 'to-cancel': 'danger' } as const

export function InterpreterOrdersPage({ ctx, orders, values, notice }: { ctx: PageContext; orders: readonly InterpreterOrder[]; values: { from?: string; to?: string }; notice?: string | undefined }) {
  const t = ctx.t.web.interpreterOrders
  const query = new URLSearchParams({ ...(values.from && { from: values.from }), ...(values.to && { to: values.to }) }).toString()
  return (
    <Layout ctx={ctx} title={t.title} wide>
      <PageTitle>{t.title}</PageTitle>
      <p class="ds-paragraph">{t.intro}</p>
      {notice && (
        <Alert color="success">
          <p class="ds-paragraph">{notice}</p>
        </Alert>
      )}
      <form method="get" action="/interpreter-orders" class="app-row app-noprint">
        <Field name="from" label={t.from} hint={ctx.t.web.form.dateHint} value={values.from} width="short" />
        <Field name="to" label={t.to} hint={ctx.t.web.form.dateHint} value={values.to} width="short" />
        <Button variant="secondary">{t.show}</Button>
        <a class="ds-link" href={`/interpreter-orders.csv${query ? `?${query}` : ''}`} download>
          {t.csv}
        </a>
      </form>
      {orders.length === 0 ? (
        <p class="ds-paragraph">{t.none}</p>
      ) : (
        <div class="app-table-wrap">
          <table class="ds-table" data-border="true">
            <caption>{t.caption(orders.length)}</caption>
            <thead>
              <tr>
                <th scope="col">{t.col.status}</th>
                <th scope="col">{t.col.language}</th>
                <th scope="col">{t.col.when}</th>
                <th scope="col">{t.col.minutes}</th>
                <th scope="col">{t.col.orderBy}</th>
                <th scope="col">{t.col.cancelBy}</th>
                <th scope="col">{t.col.service}</th>
                <th scope="col" class="app-noprint">
                  {t.col.action}
                </th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr>
                  <td>
                    <Tag color={COLOR[o.status]}>{t.status[o.status]}</Tag>
                  </td>
                  <td>{o.language ? languageName(ctx, o.language) : '–'}</td>
                  <td>{`${formatDate(o.date, ctx.lang)}, ${formatTime(o.start, ctx.lang)}–${formatTime(o.end, ctx.lang).replace(/^kl\. /, '')}`}</td>
                  <td>{o.minutes}</td>
                  <td>{formatDate(o.orderBy.slice(0, 10), ctx.lang)}</td>
                  <td>{formatDateTime(o.cancellationDeadline, ctx.lang)}</td>
                  <td>{o.service ?? '–'}</td>
                  <td class="app-noprint">
                    {o.status !== 'ordered' && (
                      <form method="post" action={`/interpreter-orders/${o.sessionId}/${o.status === 'to-order' ? 'ordered' : 'cancelled'}`}>
                        <Csrf ctx={ctx} />
                        <button class="ds-button" data-variant="secondary" data-size="sm" type="submit">
                          {o.status === 'to-order' ? t.markOrdered : t.markCancelled}
                          <span class="ds-sr-only">{` ${formatDate(o.date, ctx.lang)} ${formatTime(o.start, ctx.lang)}`}</span>
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  )
}
