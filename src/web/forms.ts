// What a page form posts, turned into the API's shapes, so the same services validate it. A form
// field is named by the API's path (`participant.name`), so a service's error lands on its field.

/** A date as people type it: dd.mm.åååå (Norwegian), d.m.åååå, or the ISO YYYY-MM-DD; else the text unchanged, for validation to refuse. */
export function parseDateInput(raw: string): string {
  const text = raw.trim()
  const nb = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text)
  if (nb) return `${nb[3]}-${nb[2]!.padStart(2, '0')}-${nb[1]!.padStart(2, '0')}`
  return text
}

/** An ISO date as the form shows it back: dd.mm.åååå. */
export function showDateInput(iso: string | undefined): string {
  if (!iso) return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso
}

export type FormBody = Readonly<Record<string, unknown>>

export const text = (body: FormBody, name: string): string => (typeof body[name] === 'string' ? (body[name] as string).trim() : '')
/** A checkbox: present (any value) when ticked; HTML sends nothing for an unticked one. */
export const ticked = (body: FormBody, name: string): boolean => body[name] !== undefined && body[name] !== ''

/** The referral a one-at-a-time form describes, in the API's input shape (absent where left empty). */
export function referralFromForm(body: FormBody, municipality: string): Record<string, unknown> {
  const opt = (name: string) => (text(body, name) === '' ? undefined : text(body, name))
  const date = (name: string) => (text(body, name) === '' ? undefined : parseDateInput(text(body, name)))
  const participant = { ...(opt('participant.name') && { name: opt('participant.name') }), ...(opt('participant.dufNumber') && { dufNumber: opt('participant.dufNumber') }) }
  const meetings = text(body, 'meetings')
  return {
    externalRef: text(body, 'externalRef'),
    municipality,
    track: text(body, 'track'),
    settledOn: parseDateInput(text(body, 'settledOn')),
    ...(date('referredOn') && { referredOn: date('referredOn') }),
    language: text(body, 'language').toLowerCase(),
    interpreter: ticked(body, 'interpreter'),
    ...(date('programmeEndsOn') && { programmeEndsOn: date('programmeEndsOn') }),
    threatenedIndustry: ticked(body, 'threatenedIndustry'),
    ...(opt('targetIndustry') && { targetIndustry: opt('targetIndustry') }),
    competenceMappingDone: ticked(body, 'competenceMappingDone'),
    advisorConsent: ticked(body, 'advisorConsent'),
    groupMeetingDone: ticked(body, 'groupMeetingDone'),
    meetings: meetings === '2' ? 2 : 1,
    ...(date('deferredUntil') && { deferredUntil: date('deferredUntil') }),
    ...(opt('deferralReason') && { deferralReason: opt('deferralReason') }),
    ...(Object.keys(participant).length > 0 && { participant }),
    advisor: { name: text(body, 'advisor.name'), email: text(body, 'advisor.email') },
  }
}
