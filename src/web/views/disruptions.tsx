import type { Disruption } from '../../services/disruptions.ts'
import type { Moved, OptionsOut } from '../../services/booking.ts'
import { formatDate, formatDateTime, formatTime } from '../../i18n/format.ts'
import type { PageContext } from '../context.ts'
import { Alert, Button, Csrf } from './components.tsx'
import type { Labels } from './coordinator.tsx'
import { Layout, PageTitle } from './layout.tsx'

const refLinks = (ids: readonly string[], labels: Labels) =>
  ids.map((id, i) => (
    <>
      {i > 0 && ', '}
      <a class="ds-link" href={`/referrals/${id}`}>
        {labels.get(id) ?? id}
      </a>
    </>
  ))

export function DisruptionsPage({ ctx, list, labels, counsellorName }: { ctx: PageContext; list: readonly (Disruption & { referralIds: string[] })[]; labels: Labels; counsellorName: (id: string) => string }) {
  const t = ctx.t.web.disruptions
  return (
    <Layout ctx={ctx} title={t.title} wide>
      <PageTitle>{t.title}</PageTitle>
      <p class="ds-paragraph">{t.intro}</p>
      {list.length === 0 ? (
        <Alert color="success">
          <p class="ds-paragraph">{t.none}</p>
        </Alert>
      ) : (
        <>
          <table class="ds-table" data-border="true">
            <caption>{t.caption(list.length)}</caption>
            <thead>
              <tr>
                <th scope="col">{t.col.when}</th>
                <th scope="col">{t.col.counsellor}</th>
                <th scope="col">{t.col.referrals}</th>
                <th scope="col">{t.col.reason}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr>
                  <td>{formatDateTime(d.start, ctx.lang)}</td>
                  <td>{counsellorName(d.counsellorId)}</td>
                  <td>{refLinks(d.referralIds, labels)}</td>
                  <td>{t.reasons[d.reason] ?? d.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <form method="post" action="/disruptions/repair" class="app-actions">
            <Csrf ctx={ctx} />
            <Button>{t.repair}</Button>
            <span class="app-muted">{t.repairHint}</span>
          </form>
        </>
      )}
    </Layout>
  )
}

/** A refused booking or move in words: the service's 409 message begins with the rule it names ("overlap: ..."). */
export function refusalInWords(ctx: PageContext, message: string): string {
  const rule = message.slice(0, message.indexOf(':'))
  return ctx.t.web.options.refused[rule] ?? ctx.t.web.options.refusedOther(rule)
}

/** A booked session being moved: the options page then offers where it can go instead. */
export type Moving = { readonly sessionId: string; readonly start: string; readonly counsellorId: string }

export function OptionsPage({ ctx, referralId, label, found, labels, counsellorName, error, moving }: { ctx: PageContext; referralId: string; label: string; found: OptionsOut; labels: Labels; counsellorName: (id: string) => string; error?: string | undefined; moving?: Moving | undefined }) {
  const t = ctx.t.web.options
  const canBook = ctx.person?.role === 'coordinator'
  const title = moving ? t.moveTitle(label) : t.title(label)
  return (
    <Layout ctx={ctx} title={title} wide>
      <PageTitle>{title}</PageTitle>
      {moving && <p class="ds-paragraph">{t.movingFrom(formatDateTime(moving.start, ctx.lang), counsellorName(moving.counsellorId))}</p>}
      {error && (
        <Alert color="danger" heading={moving ? t.moveFailed : t.bookFailed}>
          <p class="ds-paragraph">{error}</p>
        </Alert>
      )}
      {found.options.length === 0 ? (
        <Alert color="info" heading={t.none}>
          {found.detail && <p class="ds-paragraph">{found.detail}</p>}
        </Alert>
      ) : (
        <table class="ds-table" data-border="true">
          <caption>{t.caption(found.options.length)}</caption>
          <thead>
            <tr>
              <th scope="col">{t.col.when}</th>
              <th scope="col">{t.col.counsellor}</th>
              <th scope="col">{t.col.displaces}</th>
              {canBook && <th scope="col">{t.col.book}</th>}
            </tr>
          </thead>
          <tbody>
            {found.options.map((o, i) => (
              <tr>
                <td>{`${formatDateTime(o.start, ctx.lang)}–${formatTime(o.end, ctx.lang).replace(/^kl\. /, '')}`}</td>
                <td>{counsellorName(o.counsellorId)}</td>
                <td>{o.displaces.length === 0 ? t.nobody : refLinks(o.displaces, labels)}</td>
                {canBook && (
                  <td>
                    <form method="post" action={moving ? `/sessions/${moving.sessionId}/move` : `/referrals/${referralId}/book`}>
                      <Csrf ctx={ctx} />
                      <input type="hidden" name="counsellorId" value={o.counsellorId} />
                      <input type="hidden" name="start" value={o.start} />
                      <button class="ds-button" data-variant={i === 0 ? 'primary' : 'secondary'} type="submit">
                        {moving ? t.moveHere : t.book}
                        <span class="ds-sr-only">{` ${formatDate(o.start.slice(0, 10), ctx.lang)} ${formatTime(o.start, ctx.lang)}`}</span>
                      </button>
                    </form>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="ds-paragraph">
        <a class="ds-link" href={moving ? '/board' : `/referrals/${referralId}`}>
          {moving ? t.backToBoard : t.back}
        </a>
      </p>
    </Layout>
  )
}

/** After a move: where the session went, and what to do about the interpreter. */
export function MovedPage({ ctx, label, moved, counsellorName }: { ctx: PageContext; label: string; moved: Moved; counsellorName: (id: string) => string }) {
  const t = ctx.t.web.options
  return (
    <Layout ctx={ctx} title={t.moveTitle(label)}>
      <PageTitle>{t.moveTitle(label)}</PageTitle>
      <Alert color="success" heading={t.moved}>
        <p class="ds-paragraph">{t.movedTo(formatDateTime(moved.to.start, ctx.lang), counsellorName(moved.to.counsellorId))}</p>
        {moved.interpreterReorder && <p class="ds-paragraph">{t.reorder}</p>}
        {moved.lateCancellation && <p class="ds-paragraph">{t.lateCancellation}</p>}
      </Alert>
      <p class="ds-paragraph">
        <a class="ds-link" href={`/board?week=${moved.to.start.slice(0, 10)}`}>
          {t.backToBoard}
        </a>
        {moved.interpreterReorder && (
          <>
            {' · '}
            <a class="ds-link" href="/interpreter-orders">
              {ctx.t.web.menu.interpreterOrders}
            </a>
          </>
        )}
      </p>
    </Layout>
  )
}
