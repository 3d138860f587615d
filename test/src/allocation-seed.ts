import { addDays, mondayOf } from '../../solver/calendar.ts'
import { todayInOslo } from '../../src/clock.ts'
import { referral, type Built } from '../helpers/build.ts'

// Sessions must lie in the future so that cancellation and status read as they would in use.
export const RUN_DATE = addDays(mondayOf(todayInOslo()), 14)
export const SETTLED = addDays(RUN_DATE, -30)

export const counsellor = (municipalities: string[]) => ({
  name: 'Kari Veileder',
  municipalities,
  weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '15:30' })),
  absences: [],
})

/** Two counsellors and referrals from two municipalities, ready to propose. */
export async function seedCentre(b: Built, n = 4) {
  const { app, auth } = b
  for (const [id, m] of [['kari', ['5001']], ['ali', ['5035']]] as const) {
    const res = await app.inject({ method: 'PUT', url: `/v1/counsellors/${id}`, headers: auth.coordinator, payload: counsellor([...m]) })
    if (res.statusCode >= 300) throw new Error(`seed counsellor: ${res.body}`)
  }
  const own = Array.from({ length: n }, (_, i) => referral({ externalRef: `A-${i}`, settledOn: SETTLED }))
  const other = Array.from({ length: n }, (_, i) => referral({ externalRef: `B-${i}`, municipality: '5035', settledOn: SETTLED }))
  if (n === 0) return { own: [], other: [] }
  const a = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: own } })
  const b2 = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.otherMunicipality, payload: { referrals: other } })
  if (a.statusCode !== 200 || b2.statusCode !== 200) throw new Error(`seed referrals: ${a.body} ${b2.body}`)
  return { own: a.json().ids as string[], other: b2.json().ids as string[] }
}

export async function proposeOn(b: Built) {
  const res = await b.app.inject({ method: 'POST', url: '/v1/allocations', headers: b.auth.coordinator, payload: { runDate: RUN_DATE, horizonWeeks: 4 } })
  if (res.statusCode !== 201) throw new Error(`propose: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string; sessions: { start: string; end: string; counsellorId: string; referralId?: string; pinned?: boolean }[] }
}

