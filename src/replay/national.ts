// A seeded national year for the replay benchmark: 11 centres (the counties of 2020-2023),
// referrals and counsellors shared out by population. Not a fixture file: 40,000 referrals are
// generated in a second and would only bloat the tree.

import { addDays, addMonths, isoWeekday } from '../../solver/calendar.ts'
import type { Scenario } from '../schemas/scenario.ts'
import { parseScenario } from '../services/scenario.ts'
import { keyedRandom } from './simulate.ts'

/** The 11 counties of 2020-2023, a municipality number in each, and population in thousands (SSB, 2022, rounded). */
export const COUNTIES: readonly { readonly name: string; readonly municipality: string; readonly population: number }[] = [
  { name: 'Viken', municipality: '3005', population: 1260 },
  { name: 'Oslo', municipality: '0301', population: 700 },
  { name: 'Vestland', municipality: '4601', population: 640 },
  { name: 'Rogaland', municipality: '1103', population: 485 },
  { name: 'Trøndelag', municipality: '5001', population: 475 },
  { name: 'Vestfold og Telemark', municipality: '3803', population: 425 },
  { name: 'Innlandet', municipality: '3403', population: 372 },
  { name: 'Agder', municipality: '4204', population: 312 },
  { name: 'Møre og Romsdal', municipality: '1507', population: 267 },
  { name: 'Nordland', municipality: '1804', population: 241 },
  { name: 'Troms og Finnmark', municipality: '5401', population: 242 },
]

export type NationalOptions = { readonly seed?: number; readonly referrals?: number; readonly counsellors?: number; readonly year?: number }

/** Largest-remainder split of `total` by weights, so the parts add up exactly. */
function split(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((w) => (total * w) / sum)
  const parts = exact.map(Math.floor)
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0])
  const left = total - parts.reduce((a, b) => a + b, 0)
  for (let k = 0; k < left; k++) parts[order[k]![1]]!++
  return parts
}

/** One scenario per centre for a year like 2023 (70 % Ukrainian referrals, 30 % ordinary). */
export function nationalYear(opts: NationalOptions = {}): Scenario[] {
  const seed = opts.seed ?? 2023
  const year = opts.year ?? 2023
  const weights = COUNTIES.map((c) => c.population)
  const referralsPer = split(opts.referrals ?? 40_000, weights)
  const counsellorsPer = split(opts.counsellors ?? 150, weights)
  return COUNTIES.map((county, ci) => {
    const r = (key: string) => keyedRandom(seed, `${ci}:${key}`)
    const base = Number(county.municipality.slice(0, 2)) * 100
    const municipalities = [county.municipality, ...[1, 2, 3].map((k) => String(base + k).padStart(4, '0'))]
    const referrals = Array.from({ length: referralsPer[ci]! }, (_, i) => {
      // Referred on a working day spread over the year.
      let referredOn = addDays(`${year}-01-02`, Math.floor(r(`d${i}`) * 360))
      while (isoWeekday(referredOn) > 5) referredOn = addDays(referredOn, 1)
      const ukraine = r(`t${i}`) < 0.7
      const settledOn = addDays(referredOn, -Math.floor(r(`s${i}`) * 40))
      return {
        id: `c${ci}-${i}`,
        externalRef: `c${ci}-${i}`,
        municipality: municipalities[Math.floor(r(`m${i}`) * municipalities.length)]!,
        track: ukraine ? 'ukraine' : 'ordinary',
        settledOn,
        referredOn,
        language: ukraine ? 'uk' : (['ar', 'ti', 'prs', 'so'] as const)[Math.floor(r(`l${i}`) * 4)]!,
        interpreter: r(`i${i}`) < 0.85,
        competenceMappingDone: ukraine || r(`c${i}`) < 0.9,
        advisorConsent: true,
        groupMeetingDone: ukraine && r(`g${i}`) < 0.2,
        programmeEndsOn: addMonths(settledOn, ukraine ? 12 : 24),
        meetings: !ukraine && r(`n${i}`) < 0.15 ? 2 : 1,
      }
    })
    const counsellors = Array.from({ length: counsellorsPer[ci]! }, (_, k) => {
      // Three days a week for guidance; four weeks' summer holiday, staggered.
      const holiday = addDays(`${year}-06-26`, 7 * (k % 4))
      return {
        id: `c${ci}-k${k}`,
        name: `Counsellor ${k + 1}`,
        municipalities: [municipalities[k % municipalities.length]!],
        weekly: [1, 2, 3, 4, 5].filter((d) => (d + k) % 5 < 3).map((weekday) => ({ weekday, start: '08:00', end: '15:30' })),
        absences: [{ from: holiday, to: addDays(holiday, 25), reason: 'leave' }],
      }
    })
    return parseScenario({
      name: `national-${year} ${county.name}`,
      from: `${year}-01-02`,
      to: `${year}-12-29`,
      seed,
      noShowRate: 0.05,
      cancellationRate: 0.05,
      counsellors,
      referrals,
    })
  })
}
