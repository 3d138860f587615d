// The solver's problem and result. Wire shapes follow ../shared/contract.md; the solver sees no
// personal data (no names, no DUF numbers), so these types carry none.

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string
/** A point in time, ISO 8601 with the Europe/Oslo offset, e.g. `2025-03-03T09:00:00+01:00`. */
export type IsoDateTime = string

/** The legal basis of a referral: s.11, chapter 6A, or the 2020 temporary law. */
export type Track = 'ordinary' | 'ukraine' | 'corona'
export const TRACKS = ['ordinary', 'ukraine', 'corona'] as const

/** Prioritisation rules, in the contract's names. */
export type PriorityRule = 'deadline' | 'waiting-limit' | 'threatened-industry' | 'programme-time' | 'waiting-time'
export const PRIORITY_RULES = ['deadline', 'waiting-limit', 'threatened-industry', 'programme-time', 'waiting-time'] as const

/** Why a referral was left out, or why its deadline is missed. */
export type Reason =
  | 'deferred'
  | 'missing-competence-mapping'
  | 'awaiting-group-meeting'
  | 'programme-ended'
  | 'no-capacity-before-deadline'
  | 'no-capacity-in-horizon'
  | 'lead-time'
  | 'lower-priority'
  | 'rules-not-in-force'
export const REASONS = [
  'deferred',
  'missing-competence-mapping',
  'awaiting-group-meeting',
  'programme-ended',
  'no-capacity-before-deadline',
  'no-capacity-in-horizon',
  'lead-time',
  'lower-priority',
  'rules-not-in-force',
] as const

import type { InterpreterService } from './rules/late-cancellation.ts'

export type PerTrack<T> = Readonly<Record<Track, T>>

/** A centre's settings. Every field has a default (see policy.ts); a scenario may give any subset. */
export type Policy = {
  /** Ordinary track: the deadline is settledOn plus this many months. */
  readonly deadlineMonths: number
  /** Days between the run date and the earliest interpreted session, per track. */
  readonly leadDays: PerTrack<number>
  /** Days between the run date and the earliest session without interpreter. */
  readonly noticeDays: number
  /** Length of the individual session (and of a follow-up), per track. */
  readonly sessionMinutes: PerTrack<number>
  /** The ukraine track's group meeting. */
  readonly groupMeeting: {
    readonly minutes: number
    readonly maxParticipants: number
    /** The individual session comes at least this many days after the group meeting. */
    readonly daysBeforeIndividual: number
  }
  /** `meetings: 2`: the follow-up comes at least this many days after the first session. */
  readonly secondMeetingGapDays: number
  /** A cancellation of an interpreted session closer than this to its start costs money. */
  readonly lateCancellationHours: number
  /** Ordinary track: the counsellor's note is due this many days after the session. */
  readonly noteDueDays: number
  /** The interpreter service's booking notice: `interpreterOrderBy` is this many days before start. */
  readonly interpreterNoticeDays: number
  /** Prioritisation rules, first decides. A coordinator may reorder or drop them. */
  readonly priority: readonly PriorityRule[]
  /** The centre's opening hours on a working day, `HH:MM` local time. */
  readonly workingDay: { readonly start: string; readonly end: string }
  /** Dates the centre is closed (besides public holidays): nothing is booked then. */
  readonly closedDates: readonly IsoDate[]
  /** `MM-DD` days closed every year (default Christmas Eve and New Year's Eve). */
  readonly closedDays: readonly string[]
  /** A referral that has waited longer than this ranks right after the deadline rule (`waiting-limit`). */
  readonly maxWaitWeeks: number
  /** The days each track's law is in force; no session of that track outside them. `until` inclusive. */
  readonly trackPeriods: PerTrack<TrackPeriod>
  /** Interpreter services and their cancellation terms (the late-cancellation rule); none: `lateCancellationHours`. */
  readonly interpreterServices?: readonly InterpreterService[]
}

export type TrackPeriod = { readonly from: IsoDate; readonly until?: IsoDate }

/** Policy input: any subset; nested objects may be partial too. */
export type PolicyInput = {
  readonly [K in keyof Policy]?: Policy[K] extends readonly unknown[] ? Policy[K] : Policy[K] extends object ? Partial<Policy[K]> : Policy[K]
}

/** A recurring block of working hours. */
export type WeeklyHours = {
  /** ISO weekday, 1 = Monday ... 7 = Sunday. */
  readonly weekday: number
  /** `HH:MM`, local time. */
  readonly start: string
  readonly end: string
}

export type Absence = {
  readonly from: IsoDate
  /** Inclusive. */
  readonly to: IsoDate
  readonly reason: 'sick' | 'leave' | 'other'
}

export type Counsellor = {
  readonly id: string
  readonly name?: string
  /** Municipality numbers this counsellor is the fixed contact for (a soft preference). */
  readonly municipalities: readonly string[]
  readonly weekly: readonly WeeklyHours[]
  readonly absences: readonly Absence[]
  /** Inclusive. */
  readonly employedFrom?: IsoDate
  /** Inclusive. */
  readonly employedUntil?: IsoDate
  /** At most this many sessions (of any kind) a day. */
  readonly maxSessionsPerDay?: number
}

/** A referral as the solver sees it: the contract's fields without personal data. */
export type Referral = {
  /** Unique within a problem. */
  readonly id: string
  readonly municipality: string
  readonly track: Track
  readonly settledOn: IsoDate
  readonly referredOn: IsoDate
  /** ISO 639 code. */
  readonly language: string
  readonly interpreter: boolean
  readonly programmeEndsOn?: IsoDate
  readonly threatenedIndustry: boolean
  readonly targetIndustry?: string
  readonly competenceMappingDone: boolean
  readonly advisorConsent: boolean
  readonly groupMeetingDone: boolean
  readonly meetings: 1 | 2
  readonly deferredUntil?: IsoDate
  readonly deferralReason?: string
}

export type IndividualSession = {
  readonly referralId: string
  readonly counsellorId: string
  readonly kind: 'individual' | 'followup'
  readonly start: IsoDateTime
  readonly end: IsoDateTime
  /** Order the interpreter no later than this; absent when no interpreter is needed. */
  readonly interpreterOrderBy?: IsoDateTime
  /** False when the participant has not consented to the advisor attending: no invitation goes to the advisor. */
  readonly advisorAttends?: boolean
  /** Set on sessions that were committed before this run and kept as they were. */
  readonly pinned?: boolean
}

export type GroupSession = {
  readonly referralIds: readonly string[]
  readonly counsellorId: string
  readonly kind: 'group'
  readonly language: string
  readonly start: IsoDateTime
  readonly end: IsoDateTime
  readonly interpreterOrderBy: IsoDateTime
  readonly pinned?: boolean
}

export type Session = IndividualSession | GroupSession

/** The whole input of one allocation run. */
export type Problem = {
  readonly runDate: IsoDate
  /** 1 to 26; the run plans sessions from runDate up to runDate + horizonWeeks weeks. */
  readonly horizonWeeks: number
  readonly policy: Policy
  readonly counsellors: readonly Counsellor[]
  /** Referrals to consider: pending and deferred ones (scheduled ones appear through `pinned`). */
  readonly referrals: readonly Referral[]
  /** Sessions already committed: never moved or dropped, and their time is taken. */
  readonly pinned: readonly Session[]
  /** Interpreted sessions (individual, follow-up or group) per language per day, where limited. */
  readonly interpreterCapacity?: Readonly<Record<string, number>>
}

/**
 * Why, as data: the solver says which rule decided and the dates and counts involved; src/ renders
 * it in the reader's language (src/services/explain.ts). `takenBy` names referrals only so a
 * renderer can show a municipality its own; others are counted.
 */
export type Explanation =
  | { readonly code: 'rules-not-in-force'; readonly track: Track; readonly from: IsoDate; readonly until?: IsoDate }
  | { readonly code: 'deferred'; readonly until: IsoDate; readonly deadline?: IsoDate }
  | { readonly code: 'missing-competence-mapping' }
  | { readonly code: 'programme-ended'; readonly endsOn: IsoDate }
  | { readonly code: 'lead-time'; readonly days: number; readonly interpreter: boolean; readonly earliest: IsoDate; readonly limit: IsoDate; readonly programmeEnds: boolean }
  | { readonly code: 'deadline-before-earliest'; readonly deadline: IsoDate; readonly earliest: IsoDate; readonly passed: boolean }
  | { readonly code: 'group-meeting-booked'; readonly on: IsoDate; readonly gap: number; readonly earliest: IsoDate }
  | { readonly code: 'group-meeting-needed'; readonly leadDays: number; readonly gap: number; readonly earliest: IsoDate }
  | { readonly code: 'group-meeting-no-room'; readonly language: string; readonly minutes: number; readonly from: IsoDate; readonly until: IsoDate; readonly otherMeetings: number }
  | { readonly code: 'group-meeting-full'; readonly language: string; readonly seats: number; readonly from: IsoDate; readonly until: IsoDate }
  | { readonly code: 'group-meeting-no-date'; readonly from: IsoDate; readonly gap: number; readonly until: IsoDate }
  | { readonly code: 'group-meeting-outranked'; readonly until: IsoDate }
  /** The meeting it would have had takes time or an interpreter someone ranked above needs (meeting-order.ts). */
  | { readonly code: 'group-meeting-takes-priority'; readonly until: IsoDate }
  | { readonly code: 'no-capacity'; readonly minutes: number; readonly from: IsoDate; readonly until: IsoDate; readonly toDeadline: boolean; readonly groupMeetings: number }
  | {
      readonly code: 'lower-priority'
      /** The rule that decided for most of those ranked above; `tie` when only the reference order did. */
      readonly rule: PriorityRule | 'tie'
      readonly from: IsoDate
      readonly until: IsoDate
      readonly toDeadline: boolean
      /** First sessions planned on its possible days by participants ranked above it. */
      readonly sessions: number
      /** Of those, how many the deciding rule put first. */
      readonly decided: number
      readonly takenBy: readonly string[]
      /** Group meetings ranked above it (as their highest-ranked member) on its possible days: they took that time. */
      readonly groupMeetings: number
      /** Those meetings by language and date, earliest first (absent in proposals stored before meetings were named). */
      readonly meetings?: readonly { readonly language: string; readonly on: IsoDate }[]
    }
  | { readonly code: 'booked-after-deadline'; readonly on: IsoDate; readonly deadline: IsoDate }
  | { readonly code: 'followup-after-programme'; readonly earliest: IsoDate; readonly programmeEndsOn: IsoDate }
  | { readonly code: 'followup-later'; readonly earliest: IsoDate; readonly horizonEnd: IsoDate }
  | { readonly code: 'followup-no-capacity'; readonly from: IsoDate; readonly until: IsoDate }
  // Repair: a booked session that no longer fits.
  | { readonly code: 'repair-moved-after-deadline'; readonly on: IsoDate; readonly deadline: IsoDate }
  | { readonly code: 'repair-awaiting-group'; readonly on: IsoDate }
  | { readonly code: 'repair-no-slot'; readonly until: IsoDate }
  | { readonly code: 'repair-no-slot-before-deadline'; readonly deadline: IsoDate }
  // Options for one referral: why there are none to offer.
  | { readonly code: 'options-already-scheduled' }
  | { readonly code: 'options-group-meeting-first' }
  | { readonly code: 'options-not-open' }

export type Unassigned = {
  readonly referralId: string
  readonly reason: Reason
  /** Words a municipality understands; for `lower-priority`, who took the capacity and by which rule. */
  readonly detail: string
  /** The same as data, for rendering in a language (absent on entries made outside solve()). */
  readonly explanation?: Explanation
  /** For `lower-priority`: the rule that decided. */
  readonly rule?: PriorityRule
  /** For `lower-priority`: referrals that took the capacity this one could have had. */
  readonly takenBy?: readonly string[]
}

export type DeadlineBreach = {
  readonly referralId: string
  readonly deadline: IsoDate
  /** The planned first session's date, or null when none is planned in the horizon. */
  readonly plannedOn: IsoDate | null
  readonly reason: Reason
  readonly detail: string
  readonly rule?: PriorityRule
  readonly explanation?: Explanation
}

export type Method = 'flow' | 'greedy'
/** How the run ended: proven best for its model, the best found, or cut short by the time limit. */
export type Outcome = 'optimal' | 'feasible' | 'timedout'

/** How the ukraine track's group meetings are formed: small LPs and a MIP per language (groups.ts), or chunks by date. */
export type GroupMethod = 'lp' | 'greedy'

export type Stats = {
  readonly referrals: number
  /** Referrals with a first session in this proposal or already pinned. */
  readonly scheduled: number
  /** Ordinary referrals whose first session lies on or before their deadline. */
  readonly withinDeadline: number
  readonly solveMs: number
  readonly method: Method
  readonly outcome: Outcome
  readonly sessions: number
  readonly groupMeetings: number
  readonly followups: number
  /** How this run formed its group meetings; `mixed` when some language fell back to greedy. Absent when none were needed. */
  readonly groupMethod?: GroupMethod | 'mixed'
  /** Follow-ups (`meetings: 2`) not planned in this horizon: too soon after the first session, or no room yet. */
  readonly followupsPending?: number
  readonly unassigned: number
  readonly deadlineBreaches: number
  /** Per priority rule, in policy order: how many referrals that rule favours were served. */
  readonly objective: readonly { readonly rule: PriorityRule; readonly value: number; readonly bound?: number }[]
}

/** The contract's proposal object, without the store's `id`. */
export type Proposal = {
  readonly runDate: IsoDate
  readonly status: 'proposed'
  readonly sessions: readonly Session[]
  readonly unassigned: readonly Unassigned[]
  readonly deadlineBreaches: readonly DeadlineBreach[]
  /** `meetings: 2` referrals whose follow-up is not planned in this proposal, and why. solve() always sets it (empty when none). */
  readonly followupsUnplanned?: readonly FollowupUnplanned[]
  readonly stats: Stats
}

export type FollowupUnplanned = {
  readonly referralId: string
  /** `programme-ended` when it can never fit before the programme ends; else a capacity or horizon reason. */
  readonly reason: Reason
  readonly detail: string
  readonly explanation: Explanation
}

export type SolveOptions = {
  /** `flow` is the optimiser; `greedy` is the hand-coordinator baseline. */
  readonly method?: Method
  /** Past this, the optimiser hands over to greedy for what is left. */
  readonly timeLimitMs?: number
  /** Group formation: `lp` (default) with greedy as its fallback, or `greedy` only. */
  readonly groups?: GroupOptions
}

export type GroupOptions = {
  readonly method?: GroupMethod
  /** A language whose seating model would have more variables than this is formed by greedy instead. */
  readonly maxVariables?: number
  /** Past this many variables the meeting-count MIP gives way to closing meetings by repeated LPs. */
  readonly maxMeetingVariables?: number
}

// ---- Internal shapes shared by the solver's modules (not on the wire). ----

/** A half-open interval of minutes after local midnight, [start, end). */
export type MinuteRange = readonly [start: number, end: number]

/** One counsellor's bookable time on one working day, after pinned sessions are taken out. */
export type CounsellorDay = {
  readonly counsellorId: string
  readonly date: IsoDate
  /** Free intervals, sorted, non-overlapping. */
  readonly free: readonly MinuteRange[]
  /** Sessions that may still be added this day (maxSessionsPerDay less pinned ones; Infinity if unlimited). */
  readonly sessionsLeft: number
}

/** The dates between which a referral's first session may fall, from the rules. */
export type Window = {
  /** Earliest date for the first individual session (lead time, deferral, group meeting gap). */
  readonly earliest: IsoDate
  /** Latest date: the horizon's end or the day before the programme ends. */
  readonly latest: IsoDate
  /** Ordinary track: settledOn + deadlineMonths (soft). Null for other tracks. */
  readonly deadline: IsoDate | null
}

/** Whether a referral can be planned in this run, and when; or the reason it cannot. */
export type Eligibility =
  | {
      readonly ok: true
      readonly window: Window
      /** Ukraine track without groupMeetingDone and no pinned group meeting: the run must plan one first. */
      readonly needsGroupMeeting: boolean
      /** Length of the individual session. */
      readonly minutes: number
    }
  | { readonly ok: false; readonly reason: Reason; readonly detail: string; readonly explanation: Explanation }

/** A hard rule broken by a proposal, found by validate.ts. */
export type Violation = {
  /** The rule's name as in explanations, e.g. `working-hours`, `lead-time`. */
  readonly rule: string
  readonly detail: string
}
