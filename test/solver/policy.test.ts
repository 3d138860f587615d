import t from 'tap'
import { DEFAULT_POLICY, defaultPolicyOn, resolvePolicy } from '../../solver/policy.ts'

t.test('defaults are the contract table for a run today', async (t) => {
  const p = defaultPolicyOn('2026-11-23')
  t.same(p.sessionMinutes, { ordinary: 120, ukraine: 60, corona: 90 }, 'ordinary 15+90+15, ukraine 60, corona 90')
  t.same(p.leadDays, { ordinary: 7, ukraine: 14, corona: 7 }, 'one week / two weeks lead time')
  t.same(p.priority, ['deadline', 'threatened-industry', 'programme-time', 'waiting-time'])
})

t.test('a 2021 run uses the 2021 routine: a 90-minute ordinary block', async (t) => {
  t.equal(defaultPolicyOn('2021-09-01').sessionMinutes.ordinary, 90)
  t.equal(defaultPolicyOn('2025-03-01').sessionMinutes.ordinary, 120, 'the March 2025 revision')
})

t.test('a partial policy keeps the other defaults, nested ones too', async (t) => {
  const p = resolvePolicy({ priority: ['threatened-industry', 'deadline'], leadDays: { ukraine: 21 } }, '2026-01-05')
  t.same(p.priority, ['threatened-industry', 'deadline'])
  t.same(p.leadDays, { ...DEFAULT_POLICY.leadDays, ukraine: 21 })
  t.equal(p.secondMeetingGapDays, 28)
})
