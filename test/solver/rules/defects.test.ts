// The fixtures of fixtures/rules/ that show a defect once seen in review (issue 9), checked for
// what allocation-expected.json cannot say: order days, follow-ups that cannot be planned, the
// advisor's attendance, and the rule named in both lists.
import t from 'tap'
import { fileURLToPath } from 'node:url'
import { solve } from '../../../solver/solve.ts'
import type { IndividualSession, Proposal } from '../../../solver/types.ts'
import { validateProposal } from '../../../solver/validate.ts'
import { loadScenario, scenarioProblem } from '../../../src/services/scenario.ts'

const dir = fileURLToPath(new URL('../../../fixtures/rules/', import.meta.url))
const run = (name: string): Proposal => {
  const problem = scenarioProblem(loadScenario(`${dir}${name}.json`))
  const proposal = solve(problem)
  t.same(validateProposal(problem, proposal), [], `${name}: the proposal breaks no hard rule`)
  return proposal
}
const first = (p: Proposal, id: string) => p.sessions.find((s): s is IndividualSession => s.kind === 'individual' && s.referralId === id)

t.test('interpreterOrderBy is an open day: Easter 2025 is skipped', async (t) => {
  const p = run('interpreter-order-easter')
  t.equal(first(p, 'A')?.interpreterOrderBy, '2025-04-14T09:00:00+02:00', 'Wed 16 April: ordered Monday 14 (Tue 15 and Mon 14 are the two open days)')
  t.equal(first(p, 'B')?.interpreterOrderBy, '2025-04-16T09:00:00+02:00', 'Wed 23 April: ordered Wed 16 (Tue 22 counts; Easter Monday, the weekend, Good Friday, Maundy Thursday do not)')
})

t.test('a session on programmeEndsOn is in time, and its order day falls on a working day', async (t) => {
  const p = run('programme-last-day')
  t.equal(first(p, 'P1')?.start, '2025-03-17T09:00:00+01:00', 'booked on the programme\'s last day')
  t.equal(first(p, 'P1')?.interpreterOrderBy, '2025-03-13T09:00:00+01:00', 'Monday 17: ordered Thursday 13, not Saturday 15')
})

t.test('a tie on the deadline date is named by the next rule, the same in both lists', async (t) => {
  const p = run('tie-deadline')
  const u = p.unassigned.find((x) => x.referralId === 'T2')
  const b = p.deadlineBreaches.find((x) => x.referralId === 'T2')
  t.equal(u?.rule, 'waiting-time', 'unassigned: waiting-time decided')
  t.equal(b?.rule, 'waiting-time', 'deadline breach: the same rule')
  t.notMatch(u?.detail ?? '', /rule: deadline/, 'the detail does not name the deadline rule')
})

t.test('follow-ups that cannot be planned are listed; no consent, no advisor', async (t) => {
  const p = run('followup-programme')
  t.same(p.followupsUnplanned, [{ referralId: 'F1', reason: 'programme-ended', detail: 'the follow-up cannot come before 2025-04-02, after the programme ends on 2025-03-20', explanation: { code: 'followup-after-programme', earliest: '2025-04-02', programmeEndsOn: '2025-03-20' } }])
  t.equal(first(p, 'F1')?.advisorAttends, false, 'advisorConsent false: the session is booked and the advisor does not attend')
  t.same(run('tie-deadline').followupsUnplanned, [], 'empty when every follow-up is planned or none is asked for')
  t.equal(first(run('tie-deadline'), 'T1')?.advisorAttends, undefined, 'with consent the field is left out (the advisor attends)')
})

t.test('the first session goes where its follow-up can follow before the programme ends', async (t) => {
  const p = run('followup-first-early')
  t.match(first(p, 'X'), { start: '2025-03-10T09:00:00+01:00', counsellorId: 'per' }, 'X, two meetings and a programme ending 18 April, has its first session on 10 March (with another municipality\'s counsellor)')
  t.equal(p.sessions.find((s) => s.kind === 'followup' && s.referralId === 'X')?.start, '2025-04-14T09:00:00+02:00', 'and its follow-up on 14 April, before the programme ends')
  t.match(first(p, 'Y'), { start: '2025-03-24T09:00:00+01:00', counsellorId: 'kari' }, 'Y still has its session: only the dates were shared the other way')
  t.same(p.followupsUnplanned, [], 'no follow-up left unplanned')
})
