import type { IsoDate, Policy, PolicyInput, Track, TrackPeriod } from './types.ts'

/** The defaults that domain.md and the contract give, for a run today. */
export const DEFAULT_POLICY: Policy = {
  deadlineMonths: 3,
  leadDays: { ordinary: 7, ukraine: 14, corona: 7 },
  noticeDays: 2,
  sessionMinutes: { ordinary: 120, ukraine: 60, corona: 90 },
  groupMeeting: { minutes: 180, maxParticipants: 15, daysBeforeIndividual: 2 },
  secondMeetingGapDays: 28,
  lateCancellationHours: 36,
  noteDueDays: 7,
  interpreterNoticeDays: 2,
  priority: ['deadline', 'threatened-industry', 'programme-time', 'waiting-time'],
  workingDay: { start: '08:00', end: '15:30' },
  closedDates: [],
  closedDays: ['12-24', '12-31'],
  maxWaitWeeks: 8,
  trackPeriods: {
    ordinary: { from: '2021-01-01' },
    ukraine: { from: '2022-06-15' },
    corona: { from: '2020-01-01', until: '2022-12-31' },
  },
}

/**
 * Rules are dated (domain.md, "Rules change over time"): the routine of 12 May 2021 gave the
 * ordinary session 60 minutes of guidance (a 90-minute block); the revision of March 2025 gave 90
 * (a 120-minute block). A replay of 2021 must run under 2021's rules.
 */
const ERAS: readonly { readonly from: IsoDate; readonly sessionMinutes: Partial<Record<Track, number>> }[] = [
  { from: '0000-01-01', sessionMinutes: { ordinary: 90 } },
  { from: '2025-03-01', sessionMinutes: { ordinary: 120 } },
]

/** The tracks' default periods in force: corona law 2020 until repealed at the end of 2022; chapter 6A from 15 June 2022. */
export const TRACK_IN_FORCE: Readonly<Record<Track, TrackPeriod>> = DEFAULT_POLICY.trackPeriods

/** Whether a track's law is in force on a date under a policy. */
export function trackInForceOn(policy: Pick<Policy, 'trackPeriods'>, track: Track, date: IsoDate): boolean {
  const p = policy.trackPeriods[track]
  return date >= p.from && (p.until === undefined || date <= p.until)
}

/** The default policy in force on a date. */
export function defaultPolicyOn(date: IsoDate): Policy {
  let sessionMinutes = { ...DEFAULT_POLICY.sessionMinutes }
  for (const era of ERAS) if (era.from <= date) sessionMinutes = { ...sessionMinutes, ...era.sessionMinutes }
  return { ...DEFAULT_POLICY, sessionMinutes }
}

/** A centre's settings: the given fields over the defaults in force on the run date. */
export function resolvePolicy(input: PolicyInput | undefined, runDate: IsoDate): Policy {
  const base = defaultPolicyOn(runDate)
  if (!input) return base
  return {
    ...base,
    ...stripUndefined(input),
    leadDays: { ...base.leadDays, ...input.leadDays },
    sessionMinutes: { ...base.sessionMinutes, ...input.sessionMinutes },
    groupMeeting: { ...base.groupMeeting, ...input.groupMeeting },
    workingDay: { ...base.workingDay, ...input.workingDay },
    priority: input.priority ?? base.priority,
    trackPeriods: {
      ordinary: { ...base.trackPeriods.ordinary, ...input.trackPeriods?.ordinary },
      ukraine: { ...base.trackPeriods.ukraine, ...input.trackPeriods?.ukraine },
      corona: { ...base.trackPeriods.corona, ...input.trackPeriods?.corona },
    },
  } as Policy
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
