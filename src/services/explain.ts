// Explanations in the reader's language. The solver says why as data (solver/types.ts
// `Explanation`: the rule that decided, dates, counts); this renders it from the message
// catalogues. API routes, the CLI and the pages all render through here, so a reason reads the
// same everywhere. Other referrals are never shown by internal id: a name is given only where
// `nameOf` returns one (a municipality's own externalRef); the rest are counted.

import type { Explanation } from '../../solver/types.ts'
import { formatDate } from '../i18n/format.ts'
import { messages, type Lang } from '../i18n/index.ts'
import type { Caller } from '../auth/caller.ts'
import type { ReferralRepository } from '../store/referral-repository.ts'

/** How a referral named in an explanation may be shown to this reader; null: count it, do not name it. */
export type NameOf = (referralId: string) => string | null

/** Group meetings named in one explanation; the rest are counted. */
const NAMED_MEETINGS = 3

/** Nobody named, everyone counted: for readers who may not see other referrals. */
export const countOnly: NameOf = () => null

/** One explanation as a sentence in `lang`. */
export function renderExplanation(e: Explanation, lang: Lang, nameOf: NameOf = countOnly): string {
  const m = messages(lang).explain
  const d = (date: string) => formatDate(date, lang)
  switch (e.code) {
    case 'rules-not-in-force':
      return m.rulesNotInForce(m.track[e.track], d(e.from), e.until !== undefined ? d(e.until) : undefined)
    case 'deferred':
      return m.deferred(d(e.until), e.deadline !== undefined ? d(e.deadline) : undefined)
    case 'missing-competence-mapping':
      return m.missingCompetenceMapping
    case 'programme-ended':
      return m.programmeEnded(d(e.endsOn))
    case 'lead-time':
      return m.leadTime(e.days, e.interpreter, d(e.earliest), d(e.limit), e.programmeEnds)
    case 'deadline-before-earliest':
      return m.deadlineBeforeEarliest(d(e.deadline), d(e.earliest), e.passed)
    case 'group-meeting-booked':
      return m.groupMeetingBooked(d(e.on), e.gap, d(e.earliest))
    case 'group-meeting-needed':
      return m.groupMeetingNeeded(e.leadDays, e.gap, d(e.earliest))
    case 'group-meeting-no-room':
      return m.groupMeetingNoRoom(e.language, e.minutes, d(e.from), d(e.until), e.otherMeetings)
    case 'group-meeting-full':
      return m.groupMeetingFull(e.language, e.seats, d(e.from), d(e.until))
    case 'group-meeting-no-date':
      return m.groupMeetingNoDate(d(e.from), e.gap, d(e.until))
    case 'group-meeting-outranked':
      return m.groupMeetingOutranked(d(e.until))
    case 'group-meeting-takes-priority':
      return m.groupMeetingTakesPriority(d(e.until))
    case 'no-capacity':
      return m.noCapacity(e.minutes, d(e.from), d(e.until), e.toDeadline, e.groupMeetings)
    case 'lower-priority': {
      // The rule by its policy identifier, so a municipality can look it up in the centre's policy.
      const whom = e.rule === 'tie' ? m.ruleWords.tie : `${m.ruleWords[e.rule]} (${lang === 'nb' ? 'regel' : 'rule'}: ${e.rule})`
      // Meetings are named by language and date, never by their members. (A proposal stored before
      // meetings were named counted every meeting on those days, ranked above or not: left out.)
      const taken = e.meetings ?? []
      const named = taken.slice(0, NAMED_MEETINGS).map((g) => `${g.language}, ${d(g.on)}`)
      const meetings = taken.length > 0 ? m.meetingsNamed(named, taken.length - named.length) : ''
      return m.lowerPriority(e.sessions, d(e.from), d(e.until), e.toDeadline, whom, e.decided, examples(e.takenBy, e.decided, nameOf, lang), meetings, taken.length)
    }
    case 'booked-after-deadline':
      return m.bookedAfterDeadline(d(e.on), d(e.deadline))
    case 'followup-after-programme':
      return m.followupAfterProgramme(d(e.earliest), d(e.programmeEndsOn))
    case 'followup-later':
      return m.followupLater(d(e.earliest), d(e.horizonEnd))
    case 'followup-no-capacity':
      return m.followupNoCapacity(d(e.from), d(e.until))
    case 'repair-moved-after-deadline':
      return m.repairMovedAfterDeadline(d(e.on), d(e.deadline))
    case 'repair-awaiting-group':
      return m.repairAwaitingGroup(d(e.on))
    case 'repair-no-slot':
      return m.repairNoSlot(d(e.until))
    case 'repair-no-slot-before-deadline':
      return m.repairNoSlotBeforeDeadline(d(e.deadline))
    case 'options-already-scheduled':
      return m.optionsAlreadyScheduled
    case 'options-group-meeting-first':
      return m.optionsGroupMeetingFirst
    case 'options-not-open':
      return m.optionsNotOpen
  }
}

/** The named ones the reader may see, the rest counted: "sak-12, sak-14 og 3 henvisninger fra andre kommuner". */
function examples(takenBy: readonly string[], total: number, nameOf: NameOf, lang: Lang): string {
  const named = takenBy.map(nameOf).filter((n): n is string => n !== null)
  const others = total - named.length
  const parts = [...named, ...(others > 0 && named.length > 0 ? [messages(lang).explain.othersCounted(others)] : [])]
  if (parts.length === 0) return ''
  const and = lang === 'nb' ? ' og ' : ' and '
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')}${and}${parts[parts.length - 1]}`
}

type Explained = { readonly detail: string; readonly explanation?: Explanation | undefined }

/** An entry with its detail in `lang` (entries made without an explanation keep theirs). */
export function renderEntry<T extends Explained>(entry: T, lang: Lang, nameOf: NameOf = countOnly): T {
  return entry.explanation ? { ...entry, detail: renderExplanation(entry.explanation, lang, nameOf) } : entry
}

/**
 * A proposal (new or stored) with every `detail` in `lang`, and `followupsUnplanned` present
 * (empty when none). The API's allocation routes, the CLI and the pages call this.
 */
export function renderProposal<P extends Renderable>(proposal: P, lang: Lang, nameOf: NameOf = countOnly): P {
  return {
    ...proposal,
    unassigned: proposal.unassigned.map((u) => renderEntry(u, lang, nameOf)),
    deadlineBreaches: proposal.deadlineBreaches.map((b) => renderEntry(b, lang, nameOf)),
    followupsUnplanned: (proposal.followupsUnplanned ?? []).map((f) => renderEntry(f, lang, nameOf)),
  }
}

/** What renderProposal reads: the solver's Proposal, or a stored one in its wire shape. */
export type Renderable = {
  readonly unassigned: readonly Explained[]
  readonly deadlineBreaches: readonly Explained[]
  readonly followupsUnplanned?: readonly Explained[] | undefined
}

/**
 * Names a reader may see: the centre sees each referral's externalRef with its municipality; a
 * municipality its own externalRefs only; an analyst none (pseudonymised).
 */
export function namesFor(caller: Caller, referrals: Pick<ReferralRepository, 'findById'>): NameOf {
  if (caller.role === 'analyst') return countOnly
  const own = caller.role === 'municipality' ? caller.municipality : null
  return (id) => {
    const r = referrals.findById(id)
    if (!r) return null
    if (own === null) return `${r.externalRef} (${r.municipality})`
    return r.municipality === own ? r.externalRef : null
  }
}
