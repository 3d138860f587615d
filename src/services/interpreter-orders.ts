import { dayNumber, epochMs, fromDayNumber, fromOsloDateTime, isWorkingDay, toOsloDateTime } from '../../solver/calendar.ts'
import { resolvePolicy } from '../../solver/policy.ts'
import { serviceFor, type InterpreterService } from '../../solver/rules/late-cancellation.ts'
import { actorOf, type Caller } from '../auth/caller.ts'
import { todayInOslo } from '../clock.ts'
import { Conflict, Forbidden, NotFound, withArticle } from '../errors.ts'
import { messages, type Lang } from '../i18n/index.ts'
import type { InterpreterOrderRepository } from '../store/interpreter-order-repository.ts'
import type { SettingsRepository } from '../store/settings-repository.ts'

export type InterpreterOrderStatus = 'to-order' | 'ordered' | 'to-cancel'

/** One line of the list the centre orders interpreters from. */
export type InterpreterOrder = {
  readonly sessionId: string
  readonly language: string | null
  /** The session's Oslo date. */
  readonly date: string
  readonly start: string
  readonly end: string
  readonly minutes: number
  /** The working day by which the interpreter is to be ordered. */
  readonly orderBy: string
  /** The last moment to cancel without being billed, by the service's terms. */
  readonly cancellationDeadline: string
  /** The interpreter service serving the language (policy interpreterServices); null when none is configured. */
  readonly service: string | null
  readonly status: InterpreterOrderStatus
}

export type InterpreterOrderDeps = { readonly orders: InterpreterOrderRepository; readonly settings: SettingsRepository }

/** The instant `hours` working hours before `start` (weekends and public holidays do not count), in Oslo time. */
export function workingHoursBefore(start: string, hours: number): string {
  let remaining = hours * 3_600_000
  let end = epochMs(start)
  for (let n = dayNumber(fromOsloDateTime(start).date); ; n--) {
    const date = fromDayNumber(n)
    const dayStart = epochMs(toOsloDateTime(date, 0))
    if (isWorkingDay(date)) {
      if (end - dayStart >= remaining) return osloIso(end - remaining)
      remaining -= end - dayStart
    }
    end = dayStart
  }
}

const osloIso = (ms: number) => {
  const { date, minute } = fromOsloDateTime(new Date(ms).toISOString())
  return toOsloDateTime(date, minute)
}

/** The cancellation deadline of an interpreter ordered for `start`, by the terms of the service serving the language. */
export function cancellationDeadline(start: string, language: string | null, terms: { readonly interpreterServices?: readonly InterpreterService[] | undefined; readonly lateCancellationHours: number }): { deadline: string; service: string | null } {
  const service = serviceFor(terms.interpreterServices ?? [], language)
  if (service?.cancellationWorkingHours !== undefined && service.cancellationHours === undefined) {
    return { deadline: workingHoursBefore(start, service.cancellationWorkingHours), service: service.name }
  }
  const hours = service ? (service.cancellationHours ?? 36) : terms.lateCancellationHours
  return { deadline: osloIso(epochMs(start) - hours * 3_600_000), service: service?.name ?? null }
}

function onlyCoordinator(caller: Caller) {
  if (caller.role !== 'coordinator') throw new Forbidden(`interpreter orders need a coordinator key; yours is ${withArticle(caller.role)} key`)
}

/**
 * The interpreter orders between two dates (Oslo; default from today, no end), in start order:
 * a booked interpreted session without an order is `to-order`; with an order for its current time
 * and language `ordered`; an order for a time or language the session no longer has (a move), or
 * for a cancelled session, is `to-cancel` (a moved session then also has a `to-order` line).
 */
export function listInterpreterOrders(deps: InterpreterOrderDeps, caller: Caller, q: { from?: string | undefined; to?: string | undefined } = {}, now = new Date()): InterpreterOrder[] {
  onlyCoordinator(caller)
  const today = todayInOslo(now)
  const policy = resolvePolicy(deps.settings.policyInput(today), today) as ReturnType<typeof resolvePolicy> & { readonly interpreterServices?: readonly InterpreterService[] }
  const from = q.from ?? today
  const rows = deps.orders.list({ fromUtc: new Date(toOsloDateTime(from, 0)).toISOString(), toUtc: q.to === undefined ? undefined : new Date(toOsloDateTime(fromDayNumber(dayNumber(q.to) + 1), 0)).toISOString() })
  const line = (sessionId: string, orderBy: string, t: { start: string; end: string; language: string | null }, status: InterpreterOrderStatus): InterpreterOrder => {
    const { deadline, service } = cancellationDeadline(t.start, t.language, policy)
    return {
      sessionId,
      language: t.language,
      date: fromOsloDateTime(t.start).date,
      start: t.start,
      end: t.end,
      minutes: Math.round((epochMs(t.end) - epochMs(t.start)) / 60_000),
      orderBy: fromOsloDateTime(orderBy).date,
      cancellationDeadline: deadline,
      service,
      status,
    }
  }
  return rows.flatMap((s) => {
    const o = s.order
    if (s.status === 'cancelled') return o ? [line(s.sessionId, s.interpreterOrderBy, o, 'to-cancel')] : []
    if (!o) return [line(s.sessionId, s.interpreterOrderBy, s, 'to-order')]
    if (epochMs(o.start) === epochMs(s.start) && epochMs(o.end) === epochMs(s.end) && o.language === s.language) return [line(s.sessionId, s.interpreterOrderBy, s, 'ordered')]
    return [line(s.sessionId, s.interpreterOrderBy, o, 'to-cancel'), line(s.sessionId, s.interpreterOrderBy, s, 'to-order')]
  })
}

/** The coordinator has ordered the interpreter for the session as booked now. */
export function markOrdered(deps: InterpreterOrderDeps, caller: Caller, sessionId: string, now = new Date()): InterpreterOrder {
  onlyCoordinator(caller)
  const s = deps.orders.findSession(sessionId)
  if (!s || s.interpreter_order_by === null) throw new NotFound(`no interpreted session ${sessionId}`)
  if (s.status !== 'booked') throw new Conflict(`session ${sessionId} is cancelled; there is no interpreter to order for it`)
  deps.orders.markOrdered(s, actorOf(caller), now)
  const mine = listInterpreterOrders(deps, caller, { from: fromOsloDateTime(s.start).date, to: fromOsloDateTime(s.start).date }, now).find((l) => l.sessionId === sessionId && l.status === 'ordered')
  if (!mine) throw new Error(`session ${sessionId} was marked ordered but does not read back as ordered`)
  return mine
}

/** The coordinator has cancelled the open order with the interpreter service (after a cancellation or move). */
export function markCancelled(deps: InterpreterOrderDeps, caller: Caller, sessionId: string, now = new Date()): void {
  onlyCoordinator(caller)
  if (!deps.orders.findSession(sessionId)) throw new NotFound(`no interpreted session ${sessionId}`)
  if (!deps.orders.markCancelled(sessionId, now)) throw new Conflict(`session ${sessionId} has no open interpreter order to cancel`)
}

const CSV_FIELDS = ['sessionId', 'language', 'date', 'start', 'end', 'minutes', 'orderBy', 'cancellationDeadline', 'service', 'status'] as const

/**
 * The list as CSV for Excel: UTF-8 with a byte-order mark (without it Excel reads æøå as
 * Windows-1252), semicolons (Norwegian Excel takes the comma as the decimal sign), CRLF, a header
 * row in the reader's language, times as Oslo wall clock.
 */
export function interpreterOrdersCsv(lines: readonly InterpreterOrder[], lang: Lang = 'nb'): string {
  const m = messages(lang).mail.interpreterOrders
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v)
    return /[";\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }
  const wall = (iso: string) => { const { date, minute } = fromOsloDateTime(iso); return `${date} ${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}` }
  const rows = lines.map((l) =>
    CSV_FIELDS.map((f) => {
      if (f === 'start' || f === 'end') return cell(wall(l[f]).slice(11))
      if (f === 'cancellationDeadline') return cell(wall(l[f]))
      if (f === 'status') return cell(m.status[l.status])
      return cell(l[f])
    }).join(';'),
  )
  return `\uFEFF${[CSV_FIELDS.map((f) => cell(m.header[f])).join(';'), ...rows].join('\r\n')}\r\n`
}
