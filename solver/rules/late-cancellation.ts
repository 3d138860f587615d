import { dayNumber, epochMs, fromDayNumber, fromOsloDateTime, isWorkingDay, toOsloDateTime } from '../calendar.ts'
import type { IsoDateTime } from '../types.ts'

/** An interpreter service's cancellation terms (policy `interpreterServices`). */
export type InterpreterService = {
  readonly name: string
  /** Languages it serves; a service without a list serves every language no other service names. */
  readonly languages?: readonly string[] | undefined
  /** Cancelling later than this many clock hours before the start is billed. */
  readonly cancellationHours?: number | undefined
  /** Cancelling later than this many working hours before the start is billed (weekends and public holidays do not count). */
  readonly cancellationWorkingHours?: number | undefined
}

/** The service that serves a language: the one that names it, else the first without a list. */
export function serviceFor(services: readonly InterpreterService[], language: string | null): InterpreterService | undefined {
  return services.find((s) => language !== null && s.languages?.includes(language)) ?? services.find((s) => s.languages === undefined || s.languages.length === 0)
}

/**
 * Hours between two instants that fall on working days (Monday to Friday, not a Norwegian public
 * holiday), counted as whole Oslo days of 24 hours: a notice period of 48 working hours that
 * starts on Friday morning runs on past the weekend into Tuesday.
 */
export function workingHoursBetween(from: IsoDateTime, to: IsoDateTime): number {
  const a = epochMs(from)
  const b = epochMs(to)
  if (b <= a) return 0
  let ms = 0
  for (let n = dayNumber(fromOsloDateTime(from).date), last = dayNumber(fromOsloDateTime(to).date); n <= last; n++) {
    const date = fromDayNumber(n)
    if (!isWorkingDay(date)) continue
    const dayStart = epochMs(toOsloDateTime(date, 0))
    const dayEnd = epochMs(toOsloDateTime(fromDayNumber(n + 1), 0))
    ms += Math.max(0, Math.min(b, dayEnd) - Math.max(a, dayStart))
  }
  return ms / 3_600_000
}

/**
 * `late-cancellation`: cancelling, moving or withdrawing from an interpreted session at `now` is
 * billed by the interpreter service when it comes later than the service's notice: clock hours
 * (36 by default, 000/001) or working hours (48 in some municipal services). With no service
 * configured the policy's `lateCancellationHours` applies. A session without interpreter is never late.
 */
export function isLateCancellation(
  session: { readonly start: IsoDateTime; readonly interpreted: boolean; readonly language: string | null },
  now: IsoDateTime,
  terms: { readonly interpreterServices?: readonly InterpreterService[] | undefined; readonly lateCancellationHours: number },
): boolean {
  if (!session.interpreted) return false
  const service = serviceFor(terms.interpreterServices ?? [], session.language)
  if (service?.cancellationWorkingHours !== undefined && service.cancellationHours === undefined) {
    return workingHoursBetween(now, session.start) < service.cancellationWorkingHours
  }
  const hours = service ? (service.cancellationHours ?? 36) : terms.lateCancellationHours
  return (epochMs(session.start) - epochMs(now)) / 3_600_000 < hours
}
