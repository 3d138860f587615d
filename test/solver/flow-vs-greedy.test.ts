// Where the optimiser beats the hand-coordinator baseline on referrals seen within deadline
// (default policy: the deadline rule first).
//
// Greedy takes referrals most urgent first, each to the earliest day with room. With one pooled
// capacity per date that is exact (a referral that took day s instead of a later s' ≤ its deadline
// never hurts anyone ranked lower, who could use s' as well). It stops being exact when a second,
// coupled limit makes days unequal for different referrals: an interpreter cap per language and
// day, or a programme that ends before the deadline. These two hand-checkable cases are the
// smallest of each kind; the bench shows the effect at scale.

import t from 'tap'
import type { Test } from 'tap'
import { solve } from '../../solver/solve.ts'
import type { Problem, Proposal } from '../../solver/types.ts'
import { validateProposal } from '../../solver/validate.ts'
import { counsellor, problem, referral } from './helpers.ts'

// Run on Monday 5 January 2026, two weeks. Interpreted sessions need 7 days' lead (from Monday
// the 12th), others 2 days' notice (from Wednesday the 7th). Only two counsellor-days fall after
// both: X on Monday the 12th (room for one 2-hour session), Y on Tuesday the 13th (room for two).
const X = counsellor('X', { weekly: [{ weekday: 1, start: '09:00', end: '11:00' }] })
const Y = counsellor('Y', { weekly: [{ weekday: 2, start: '09:00', end: '13:00' }] })

function firstDayOf(p: Proposal, id: string): string | undefined {
  const s = p.sessions.find((x) => x.kind === 'individual' && x.referralId === id)
  return s?.start.slice(0, 10)
}

function both(t: Test, p: Problem): { flow: Proposal; greedy: Proposal } {
  const flow = solve(p, { method: 'flow' })
  const greedy = solve(p, { method: 'greedy' })
  t.same(validateProposal(p, flow), [], 'the flow proposal breaks no hard rule')
  t.same(validateProposal(p, greedy), [], 'the greedy proposal breaks no hard rule')
  return { flow, greedy }
}

t.test('interpreter cap per language and day: the flow moves an uninterpreted referral to free the interpreted day', async (t) => {
  // J (no interpreter, deadline 13th) ranks first. Greedy puts J on X's only slot on the 12th;
  // K1 (Tigrinya) then takes the 13th and its one Tigrinya interpreter, and K2 has nowhere to go.
  // The optimum: K1 on the 12th, J and K2 on the 13th (one interpreter each day).
  const p = problem({
    runDate: '2026-01-05',
    counsellors: [X, Y],
    interpreterCapacity: { ti: 1 },
    referrals: [
      referral('J', { settledOn: '2025-10-13', referredOn: '2025-10-20' }),
      referral('K1', { settledOn: '2025-10-20', referredOn: '2025-10-27', language: 'ti', interpreter: true }),
      referral('K2', { settledOn: '2025-10-20', referredOn: '2025-10-28', language: 'ti', interpreter: true }),
    ],
  })
  const { flow, greedy } = both(t, p)
  t.equal(greedy.stats.withinDeadline, 2, 'greedy keeps two within deadline: J on the 12th blocks K1 there')
  t.equal(firstDayOf(greedy, 'J'), '2026-01-12', 'greedy gives J the earliest day')
  t.equal(flow.stats.withinDeadline, 3, 'the flow keeps all three within deadline')
  t.ok(flow.stats.withinDeadline > greedy.stats.withinDeadline, 'the optimiser is strictly ahead of greedy here')
  // K1 and K2 cost the same on either day: which of them takes the 12th is a tie.
  t.equal(firstDayOf(flow, 'J'), '2026-01-13', 'the flow moves J a day later')
  t.same(
    ['K1', 'K2'].map((id) => firstDayOf(flow, id)).sort(),
    ['2026-01-12', '2026-01-13'],
    'so each day has one Tigrinya session',
  )
})

t.test('programme ending before the deadline: the flow keeps a later-deadline referral whose programme ends first', async (t) => {
  // J's deadline (13th) ranks it before K (deadline 20th), but K's programme ends on the 12th (its
  // last day still in time), so only the 12th is any use to K. Greedy gives J the 12th and K is lost; the flow moves J to the 13th.
  const p = problem({
    runDate: '2026-01-05',
    counsellors: [X, counsellor('Y', { weekly: [{ weekday: 2, start: '09:00', end: '11:00' }] })],
    referrals: [
      referral('J', { settledOn: '2025-10-13' }),
      referral('K', { settledOn: '2025-10-20', programmeEndsOn: '2026-01-12' }),
    ],
  })
  const { flow, greedy } = both(t, p)
  t.equal(greedy.stats.withinDeadline, 1, 'greedy keeps only J within deadline')
  t.equal(greedy.unassigned.find((u) => u.referralId === 'K')?.reason, 'lower-priority', 'greedy reports K as lost to a higher-ranked referral')
  t.equal(flow.stats.withinDeadline, 2, 'the flow keeps both within deadline')
  t.same([firstDayOf(flow, 'J'), firstDayOf(flow, 'K')], ['2026-01-13', '2026-01-12'], 'K gets the 12th, J the 13th (still within its deadline)')
})
