import t from 'tap'
import { TZDate } from '@date-fns/tz'
import fc from 'fast-check'
import {
  addDays,
  addMonths,
  daysBetween,
  epochMs,
  formatHhMm,
  fromOsloDateTime,
  hoursBetween,
  isPublicHoliday,
  isWorkingDay,
  isoWeekday,
  mondayOf,
  norwegianPublicHolidays,
  parseHhMm,
  toOsloDateTime,
  workingDaysBetween,
} from '../../solver/calendar.ts'

t.test('public holidays follow Easter, computed', async (t) => {
  t.same(
    norwegianPublicHolidays(2025),
    [
      '2025-01-01', '2025-04-17', '2025-04-18', '2025-04-20', '2025-04-21', '2025-05-01',
      '2025-05-17', '2025-05-29', '2025-06-08', '2025-06-09', '2025-12-25', '2025-12-26',
    ],
    'Easter 2025 is 20 April; Ascension 29 May; Whit Monday 9 June',
  )
  t.ok(norwegianPublicHolidays(2024).includes('2024-03-31'), 'Easter 2024 is 31 March')
  t.ok(norwegianPublicHolidays(2024).includes('2024-03-28'), 'Maundy Thursday 2024')
  t.ok(norwegianPublicHolidays(2024).includes('2024-05-09'), 'Ascension 2024 is 9 May')
  t.ok(norwegianPublicHolidays(2020).includes('2020-04-12'), 'Easter 2020 is 12 April')
  t.ok(norwegianPublicHolidays(2026).includes('2026-04-05'), 'Easter 2026 is 5 April')
  t.ok(isPublicHoliday('2025-05-17'), 'Constitution Day')
  t.notOk(isPublicHoliday('2025-05-16'), 'the day before is ordinary')
})

t.test('working days are Monday to Friday without public holidays', async (t) => {
  t.ok(isWorkingDay('2025-03-03'), 'a Monday')
  t.notOk(isWorkingDay('2025-03-08'), 'Saturday')
  t.notOk(isWorkingDay('2025-03-09'), 'Sunday')
  t.notOk(isWorkingDay('2025-05-29'), 'Ascension Day (a Thursday)')
  t.notOk(isWorkingDay('2025-04-18'), 'Good Friday')
  t.same(workingDaysBetween('2025-04-14', '2025-04-22'), ['2025-04-14', '2025-04-15', '2025-04-16', '2025-04-22'],
    'Easter week loses Thursday to Monday')
})

t.test('date arithmetic is plain calendar arithmetic, across DST and leap days', async (t) => {
  t.equal(isoWeekday('2025-03-03'), 1, 'Monday')
  t.equal(isoWeekday('2025-03-09'), 7, 'Sunday')
  t.equal(isoWeekday('1970-01-01'), 4, 'epoch was a Thursday')
  t.equal(addDays('2025-03-29', 2), '2025-03-31', 'over the March DST switch')
  t.equal(addDays('2025-10-25', 2), '2025-10-27', 'over the October DST switch')
  t.equal(addDays('2024-02-28', 1), '2024-02-29', 'leap day')
  t.equal(addDays('2025-01-01', -1), '2024-12-31')
  t.equal(daysBetween('2025-03-01', '2025-04-01'), 31)
  t.equal(daysBetween('2025-04-01', '2025-03-01'), -31, 'b − a, negative when b is earlier')
  t.equal(addMonths('2025-11-30', 3), '2026-02-28', 'clamped to the end of February')
  t.equal(addMonths('2023-11-30', 3), '2024-02-29', 'leap February')
  t.equal(addMonths('2025-01-15', 3), '2025-04-15')
  t.equal(addMonths('2025-10-31', -1), '2025-09-30', 'backwards too')
  t.equal(mondayOf('2025-03-09'), '2025-03-03', 'Sunday belongs to the week that began on Monday')
  t.equal(mondayOf('2025-03-03'), '2025-03-03')
})

t.test('HH:MM round trip', async (t) => {
  t.equal(parseHhMm('09:30'), 570)
  t.equal(parseHhMm('8:05'), 485, 'one-digit hour')
  t.equal(formatHhMm(570), '09:30')
  t.equal(formatHhMm(930), '15:30')
  t.throws(() => parseHhMm('9.30'), 'rejects other formats')
})

t.test('Oslo date-times carry the offset in force', async (t) => {
  t.equal(toOsloDateTime('2025-03-03', 540), '2025-03-03T09:00:00+01:00', 'winter')
  t.equal(toOsloDateTime('2025-06-02', 540), '2025-06-02T09:00:00+02:00', 'summer')
  t.equal(toOsloDateTime('2025-03-31', 540), '2025-03-31T09:00:00+02:00', 'the Monday after the March switch')
  t.equal(toOsloDateTime('2025-03-28', 540), '2025-03-28T09:00:00+01:00', 'the Friday before it')
  t.equal(toOsloDateTime('2025-10-27', 540), '2025-10-27T09:00:00+01:00', 'the Monday after the October switch')
  t.equal(toOsloDateTime('2025-10-24', 540), '2025-10-24T09:00:00+02:00', 'the Friday before it')
  t.same(fromOsloDateTime('2025-06-02T07:00:00Z'), { date: '2025-06-02', minute: 540 }, 'UTC converted to summer time')
  t.same(fromOsloDateTime('2025-01-06T23:30:00Z'), { date: '2025-01-07', minute: 30 }, 'crosses midnight')
  t.same(fromOsloDateTime('2025-03-03T09:00:00+01:00'), { date: '2025-03-03', minute: 540 })
  t.same(fromOsloDateTime('2025-06-02T09:00'), { date: '2025-06-02', minute: 540 }, 'no offset: read as Oslo wall time, whatever the host zone')
  t.equal(epochMs('2025-06-02T09:00:30'), Date.parse('2025-06-02T07:00:30Z'), 'seconds kept')
  t.throws(() => epochMs('next Monday'), 'rejects what is not ISO 8601')
})

t.test('the computed offset agrees with the tz database every hour-ish over five years', async (t) => {
  let mismatches = 0
  for (let day = 0; day < 5 * 366; day++) {
    const date = addDays('2022-01-01', day)
    for (const minute of [0, 180, 540, 930, 1410]) {
      // Skip the non-existent hour of the spring switch.
      if (isoWeekday(date) === 7 && minute === 180 && date.slice(5, 7) === '03') continue
      const iso = toOsloDateTime(date, minute)
      const [y, m, d] = date.split('-').map(Number) as [number, number, number]
      const tz = new TZDate(y, m - 1, d, Math.floor(minute / 60), minute % 60, 'Europe/Oslo')
      if (Date.parse(iso) !== tz.getTime()) mismatches++
      const back = fromOsloDateTime(new Date(tz.getTime()).toISOString())
      if (back.date !== date || back.minute !== minute) mismatches++
    }
  }
  t.equal(mismatches, 0, 'EU summer-time rule matches Europe/Oslo from 2022 to 2026')
})

t.test('elapsed hours are real hours across DST', async (t) => {
  t.equal(hoursBetween('2025-03-29T12:00:00+01:00', '2025-03-30T12:00:00+02:00'), 23, 'the short day')
  t.equal(hoursBetween('2025-10-25T12:00:00+02:00', '2025-10-26T12:00:00+01:00'), 25, 'the long day')
  t.equal(hoursBetween('2025-03-03T09:00:00+01:00', '2025-03-01T21:00:00+01:00'), -36, 'negative when b is earlier')
})

t.test('day arithmetic agrees with UTC Date arithmetic (property)', async (t) => {
  const day = fc.integer({ min: -30_000, max: 60_000 }) // 1887 to 2134
  const iso = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10)
  fc.assert(fc.property(day, fc.integer({ min: -1000, max: 1000 }), (n, k) => {
    return addDays(iso(n), k) === iso(n + k) && daysBetween(iso(n), iso(n + k)) === k &&
      isoWeekday(iso(n)) === (new Date(n * 86_400_000).getUTCDay() || 7)
  }))
  fc.assert(fc.property(day, fc.integer({ min: -40, max: 40 }), (n, k) => {
    const d = iso(n)
    const r = addMonths(d, k)
    const months = (Number(r.slice(0, 4)) - Number(d.slice(0, 4))) * 12 + Number(r.slice(5, 7)) - Number(d.slice(5, 7))
    const clamped = Number(r.slice(8)) === Number(d.slice(8)) || addDays(r, 1).slice(8) === '01'
    return months === k && clamped && Number(r.slice(8)) <= Number(d.slice(8))
  }))
  t.pass('addDays, daysBetween, isoWeekday and addMonths hold over three centuries')
})

t.test('isOpenDay and interpreterOrderDate: working days, closed days, the order day counts', async (t) => {
  const { interpreterOrderDate, isOpenDay } = await import('../../solver/calendar.ts')
  const closing = { closedDates: ['2025-06-13'], closedDays: ['12-24', '12-31'] }
  t.equal(isOpenDay('2025-12-24', closing), false, 'Christmas Eve is closed')
  t.equal(isOpenDay('2025-06-13', closing), false, 'a closed date')
  t.equal(isOpenDay('2025-06-12', closing), true, 'an ordinary Thursday')
  t.equal(interpreterOrderDate('2025-03-10', 2, closing), '2025-03-06', 'Monday: Thursday before (Fri and Thu are the two)')
  t.equal(interpreterOrderDate('2025-03-12', 2, closing), '2025-03-10', 'Wednesday: Monday')
  t.equal(interpreterOrderDate('2025-04-22', 2, closing), '2025-04-15', 'Tuesday after Easter: Tuesday 15 (Wed 16 and Tue 15)')
  t.equal(interpreterOrderDate('2025-06-16', 1, closing), '2025-06-12', 'one day, over a closed Friday: Thursday')
  t.equal(interpreterOrderDate('2026-01-02', 2, closing), '2025-12-29', 'over New Year: Mon 29 and Tue 30 Dec')
})
