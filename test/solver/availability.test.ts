import t from 'tap'
import fc from 'fast-check'
import { counsellorDays, firstFit, packDay, subtractRange } from '../../solver/availability.ts'
import { DEFAULT_POLICY } from '../../solver/policy.ts'
import type { Counsellor, MinuteRange, Session } from '../../solver/types.ts'

const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end }))

const anna: Counsellor = { id: 'anna', municipalities: ['5001'], weekly: weekdays('08:00', '15:30'), absences: [] }

const individual = (start: string, end: string, counsellorId = 'anna'): Session => ({
  referralId: 'r1', counsellorId, kind: 'individual', start, end, pinned: true,
})

t.test('only working days: no weekends, no public holidays, whatever weekly says', async (t) => {
  const always: Counsellor = { ...anna, weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '15:30' })) }
  const days = counsellorDays(always, '2025-05-12', '2025-05-18', DEFAULT_POLICY, [])
  t.same(days.map((d) => d.date), ['2025-05-12', '2025-05-13', '2025-05-14', '2025-05-15', '2025-05-16'],
    'Saturday 17 May (a holiday too) and Sunday are out')
  const easter = counsellorDays(anna, '2025-04-14', '2025-04-22', DEFAULT_POLICY, [])
  t.same(easter.map((d) => d.date), ['2025-04-14', '2025-04-15', '2025-04-16', '2025-04-22'], 'Easter holidays are out')
  const ascension = counsellorDays(anna, '2025-05-29', '2025-05-29', DEFAULT_POLICY, [])
  t.same(ascension, [], 'Ascension Day is out')
})

t.test('weekly hours are cut to the centre working day', async (t) => {
  const early: Counsellor = { ...anna, weekly: [{ weekday: 1, start: '07:00', end: '17:00' }, { weekday: 3, start: '12:00', end: '14:00' }] }
  const days = counsellorDays(early, '2025-03-03', '2025-03-07', DEFAULT_POLICY, [])
  t.same(days.map((d) => [d.date, d.free]), [['2025-03-03', [[480, 930]]], ['2025-03-05', [[720, 840]]]],
    'Monday 08:00-15:30 only; Wednesday its own hours; other days none')
  const split: Counsellor = { ...anna, weekly: [{ weekday: 2, start: '08:00', end: '10:00' }, { weekday: 2, start: '12:00', end: '14:00' }] }
  t.same(counsellorDays(split, '2025-03-04', '2025-03-04', DEFAULT_POLICY, [])[0]?.free, [[480, 600], [720, 840]], 'two blocks on one day')
})

t.test('employment dates and absences are inclusive', async (t) => {
  const c: Counsellor = {
    ...anna,
    employedFrom: '2025-03-04',
    employedUntil: '2025-03-13',
    absences: [{ from: '2025-03-06', to: '2025-03-10', reason: 'sick' }],
  }
  const days = counsellorDays(c, '2025-03-03', '2025-03-14', DEFAULT_POLICY, [])
  t.same(days.map((d) => d.date), ['2025-03-04', '2025-03-05', '2025-03-11', '2025-03-12', '2025-03-13'],
    'from the first employed day, none in the absence, the last employed day included')
})

t.test('pinned sessions take their time and count against the daily cap', async (t) => {
  const c: Counsellor = { ...anna, maxSessionsPerDay: 3 }
  const busy: Session[] = [
    individual('2025-03-03T09:00:00+01:00', '2025-03-03T11:00:00+01:00'),
    { referralIds: ['u1', 'u2'], counsellorId: 'anna', kind: 'group', language: 'uk',
      start: '2025-03-03T12:00:00+01:00', end: '2025-03-03T15:00:00+01:00', interpreterOrderBy: '2025-03-01T12:00:00+01:00', pinned: true },
    individual('2025-03-04T09:00:00+01:00', '2025-03-04T10:00:00+01:00', 'bo'),
  ]
  const days = counsellorDays(c, '2025-03-03', '2025-03-04', DEFAULT_POLICY, busy)
  t.same(days[0], { counsellorId: 'anna', date: '2025-03-03', free: [[480, 540], [660, 720], [900, 930]], sessionsLeft: 1 },
    'individual and group time removed; 3 − 2 sessions left')
  t.same(days[1]?.free, [[480, 930]], "another counsellor's session does not touch this one's day")
  t.equal(days[1]?.sessionsLeft, 3)
  t.equal(counsellorDays(anna, '2025-03-03', '2025-03-03', DEFAULT_POLICY, busy)[0]?.sessionsLeft, Infinity,
    'no cap: Infinity')
  const full = counsellorDays({ ...anna, maxSessionsPerDay: 2 }, '2025-03-03', '2025-03-03', DEFAULT_POLICY, busy)
  t.same(full, [], 'a day whose cap is used up is omitted')
  const summer = counsellorDays(anna, '2025-06-02', '2025-06-02', DEFAULT_POLICY,
    [individual('2025-06-02T07:00:00Z', '2025-06-02T09:00:00Z')])
  t.same(summer[0]?.free, [[480, 540], [660, 930]], 'a session given in UTC is placed in Oslo summer time')
  const allDay = counsellorDays(anna, '2025-03-05', '2025-03-05', DEFAULT_POLICY, [individual('2025-03-05T08:00:00+01:00', '2025-03-05T15:30:00+01:00')])
  t.same(allDay, [], 'a day with no free time is omitted')
})

t.test('subtractRange and firstFit', async (t) => {
  t.same(subtractRange([[480, 930]], [540, 600]), [[480, 540], [600, 930]], 'splits')
  t.same(subtractRange([[480, 600], [700, 800]], [550, 750]), [[480, 550], [750, 800]], 'cuts across two')
  t.same(subtractRange([[480, 600]], [480, 600]), [], 'removes exactly')
  t.same(subtractRange([[480, 600]], [300, 400]), [[480, 600]], 'outside: unchanged')
  t.equal(firstFit([[480, 540], [600, 800]], 120), 600, 'skips a gap too short')
  t.equal(firstFit([[480, 540]], 120), null, 'nothing fits')
})

t.test('packDay keeps the most important items when not all fit', async (t) => {
  t.same(packDay([[480, 930]], [120, 120, 120]).starts, [480, 600, 720], 'all fit, in priority order from the start')
  t.same(packDay([[480, 840]], [120, 120, 120, 60]).starts, [480, 600, 720, null],
    'six hours: the fourth (least important) is dropped')
  t.same(packDay([[480, 720]], [60, 120, 120]).starts, [480, 540, null], 'drops the lowest priority, not the longest')
  t.same(packDay([[480, 600], [630, 690]], [60, 120]).starts, [630, 480],
    'first-fit-decreasing fits what priority order cannot')
  t.same(packDay([], [60]).starts, [null], 'no free time: nothing placed')
  t.same(packDay([[480, 930]], []).starts, [], 'no items')
})

t.test('packDay places only inside free time, without overlap, keeping a priority prefix (property)', async (t) => {
  const ranges = fc.array(fc.tuple(fc.integer({ min: 480, max: 930 }), fc.integer({ min: 0, max: 240 })), { maxLength: 4 })
    .map((rs) => rs.map(([s, len]) => [s, s + len] as const).sort((a, b) => a[0] - b[0])
      .reduce<MinuteRange[]>((acc, r) => (acc.length && r[0] <= acc[acc.length - 1]![1] ? acc : [...acc, r]), []))
  const items = fc.array(fc.constantFrom(60, 90, 120, 180), { maxLength: 8 })
  fc.assert(fc.property(ranges, items, (free, durations) => {
    const { starts } = packDay(free, durations)
    if (starts.length !== durations.length) return false
    const firstNull = starts.indexOf(null)
    if (firstNull >= 0 && starts.slice(firstNull).some((s) => s !== null)) return false
    const placed = starts.flatMap((s, i) => (s === null ? [] : [[s, s + durations[i]!] as const])).sort((a, b) => a[0] - b[0])
    const inside = placed.every(([s, e]) => free.some(([fs, fe]) => s >= fs && e <= fe))
    const apart = placed.every((r, i) => i === 0 || r[0] >= placed[i - 1]![1])
    return inside && apart
  }))
  t.pass('every placement is inside a free interval, none overlap, dropped items are the least important')
})
