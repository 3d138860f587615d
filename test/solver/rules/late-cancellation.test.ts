import t from 'tap'
import { isLateCancellation, workingHoursBetween } from '../../../solver/rules/late-cancellation.ts'

const clock = [{ name: 'Tolketjenesten', cancellationHours: 36 }]
const working = [{ name: 'Kommunal tolketjeneste', cancellationWorkingHours: 48 }]
const session = (start: string) => ({ start, interpreted: true, language: 'ar' })

t.test('36 clock hours: a weekend counts like any other day', async (t) => {
  // Monday 09:00; cancelled Saturday 20:00 is 37 hours before: in time. Sunday 22:00 is 35: late.
  t.equal(isLateCancellation(session('2025-03-10T09:00:00+01:00'), '2025-03-08T20:00:00+01:00', { interpreterServices: clock, lateCancellationHours: 36 }), false, '37 hours ahead is in time')
  t.equal(isLateCancellation(session('2025-03-10T09:00:00+01:00'), '2025-03-08T22:00:00+01:00', { interpreterServices: clock, lateCancellationHours: 36 }), true, '35 hours ahead is late')
})

t.test('48 working hours: weekends and public holidays do not count', async (t) => {
  // Monday 09:00. Friday 08:00 leaves 16 h of Friday + 9 h of Monday = 25 working hours: late, although 73 clock hours.
  t.equal(workingHoursBetween('2025-03-07T08:00:00+01:00', '2025-03-10T09:00:00+01:00'), 25, 'Friday morning to Monday 09:00 is 25 working hours')
  t.equal(isLateCancellation(session('2025-03-10T09:00:00+01:00'), '2025-03-07T08:00:00+01:00', { interpreterServices: working, lateCancellationHours: 36 }), true, 'late under the working-hours rule')
  t.equal(isLateCancellation(session('2025-03-10T09:00:00+01:00'), '2025-03-07T08:00:00+01:00', { interpreterServices: clock, lateCancellationHours: 36 }), false, 'in time under the clock-hours rule')
  // Easter 2025: Maundy Thursday 17 April to Easter Monday 21 April are holidays. Tuesday 22 April 09:00,
  // cancelled Wednesday 16 April 09:00: 15 h of Wednesday + 9 h of Tuesday = 24 working hours.
  t.equal(workingHoursBetween('2025-04-16T09:00:00+02:00', '2025-04-22T09:00:00+02:00'), 24, 'Easter holidays do not count')
  t.equal(isLateCancellation(session('2025-04-22T09:00:00+02:00'), '2025-04-16T09:00:00+02:00', { interpreterServices: working, lateCancellationHours: 36 }), true, 'six days ahead across Easter is late')
  t.equal(isLateCancellation(session('2025-04-22T09:00:00+02:00'), '2025-04-15T09:00:00+02:00', { interpreterServices: working, lateCancellationHours: 36 }), false, 'a day earlier (48 working hours) is in time')
})

t.test('the service serving the language decides; none configured falls back to the policy', async (t) => {
  const both = [{ name: 'A', languages: ['ti'], cancellationWorkingHours: 48 }, { name: 'B', cancellationHours: 36 }]
  const friday = '2025-03-07T08:00:00+01:00'
  t.equal(isLateCancellation({ start: '2025-03-10T09:00:00+01:00', interpreted: true, language: 'ti' }, friday, { interpreterServices: both, lateCancellationHours: 36 }), true, 'Tigrinya goes to A (working hours)')
  t.equal(isLateCancellation({ start: '2025-03-10T09:00:00+01:00', interpreted: true, language: 'ar' }, friday, { interpreterServices: both, lateCancellationHours: 36 }), false, 'Arabic to B (clock hours)')
  t.equal(isLateCancellation(session('2025-03-10T09:00:00+01:00'), friday, { lateCancellationHours: 80 }), true, "no service: the policy's hours")
  t.equal(isLateCancellation({ start: '2025-03-10T09:00:00+01:00', interpreted: false, language: null }, '2025-03-10T08:00:00+01:00', { interpreterServices: clock, lateCancellationHours: 36 }), false, 'no interpreter, never late')
})
