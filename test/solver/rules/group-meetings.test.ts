// Group meetings inside the priority order (issue 9): the hand-checked scenarios of fixtures/rules/
// group-meeting-*.json, one per defect seen in review, with the derivation in each description.
import t from 'tap'
import { fileURLToPath } from 'node:url'
import { solve } from '../../../solver/solve.ts'
import type { GroupSession, IndividualSession, Problem, Proposal } from '../../../solver/types.ts'
import { validateProposal } from '../../../solver/validate.ts'
import { renderProposal } from '../../../src/services/explain.ts'
import { loadScenario, scenarioProblem } from '../../../src/services/scenario.ts'

const dir = fileURLToPath(new URL('../../../fixtures/rules/', import.meta.url))
const run = (name: string): { problem: Problem; proposal: Proposal } => {
  const problem = scenarioProblem(loadScenario(`${dir}${name}.json`))
  const proposal = solve(problem)
  t.same(validateProposal(problem, proposal), [], `${name}: the proposal breaks no hard rule`)
  return { problem, proposal }
}
const meetings = (p: Proposal) => p.sessions.filter((s): s is GroupSession => s.kind === 'group')
const first = (p: Proposal, id: string) => p.sessions.find((s): s is IndividualSession => s.kind === 'individual' && s.referralId === id)
const waiting = (p: Proposal, id: string) => p.unassigned.find((u) => u.referralId === id)
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `U${String(from + i).padStart(2, '0')}`)

t.test('seats go to the highest-ranked members, and their meeting is held although the slot after it went to someone ranked above', async (t) => {
  const { proposal: p } = run('group-meeting-seats')
  t.same(
    meetings(p).map((g) => ({ start: g.start, end: g.end, members: [...g.referralIds].sort() })),
    [{ start: '2025-03-17T09:00:00+01:00', end: '2025-03-17T12:00:00+01:00', members: ids(1, 15) }],
    'one meeting on 17 March, for U01..U15 (referred first), not for U16 and U17',
  )
  t.equal(first(p, 'D')?.start, '2025-03-19T09:00:00+01:00', 'D, ranked above, has the one hour after the meeting')
  for (const id of ids(1, 15)) t.match(waiting(p, id), { reason: 'lower-priority', rule: 'waiting-time', takenBy: ['D'] }, `${id}: met, and waits for its individual session behind D`)
  for (const id of ids(16, 17)) t.match(waiting(p, id), { reason: 'awaiting-group-meeting', explanation: { code: 'group-meeting-full', seats: 15 } }, `${id}: the one meeting that can be held is full`)
})

t.test('a group meeting never takes the only slot a referral ranked above has before its deadline', async (t) => {
  const { proposal: p } = run('group-meeting-deadline')
  t.equal(first(p, 'O1')?.start, '2025-03-17T09:00:00+01:00', 'O1 keeps 17 March, its only day before the deadline')
  t.same(p.deadlineBreaches, [], 'no deadline missed')
  t.same(
    meetings(p).map((g) => ({ start: g.start, members: [...g.referralIds].sort() })),
    [{ start: '2025-03-24T09:00:00+01:00', members: ['U1', 'U2', 'U3'] }],
    'the meeting is held on the next block, 24 March',
  )
  for (const id of ['U1', 'U2', 'U3']) t.match(waiting(p, id), { reason: 'no-capacity-in-horizon' }, `${id}: no day left for the individual session after 26 March`)
})

t.test('capacity taken by another language\'s meeting is lower-priority, naming the meeting and the rule, in words', async (t) => {
  const { proposal: p } = run('group-meeting-other-language')
  t.same(meetings(p).map((g) => [g.language, g.start, g.referralIds]), [['uk', '2025-03-17T09:00:00+01:00', ['A1']]], 'the uk meeting of A1, ranked above, has the block')
  const b = waiting(p, 'B1')
  t.match(b, { reason: 'lower-priority', rule: 'waiting-time', takenBy: [], explanation: { code: 'lower-priority', meetings: [{ language: 'uk', on: '2025-03-17' }] } }, 'B1 was outranked by the uk meeting')
  t.notMatch(b?.detail ?? '', /no counsellor has a free/, 'not told that no counsellor had a free block')
  const nb = renderProposal(p, 'nb').unassigned.find((u) => u.referralId === 'B1')?.detail ?? ''
  const en = renderProposal(p, 'en').unassigned.find((u) => u.referralId === 'B1')?.detail ?? ''
  t.equal(nb, 'Veiledertiden mellom 17. mars 2025 og 28. mars 2025 gikk til gruppemøtet (uk, 17. mars 2025) for deltakere som ble henvist tidligere (regel: waiting-time).')
  t.equal(en, 'The counsellor time between 17 March 2025 and 28 March 2025 went to the group meeting (uk, 17 March 2025) of participants referred earlier (rule: waiting-time).')
  t.notMatch(nb + en, /A1/, 'the meeting is named by language and date, never by its members')
})

t.test('languages share the blocks in priority order: a member ranked above a second meeting of another language gets its own meeting first', async (t) => {
  const { proposal: p } = run('group-meeting-language-order')
  const a = Array.from({ length: 15 }, (_, i) => `A${String(i + 1).padStart(2, '0')}`)
  t.same(
    meetings(p).map((g) => [g.language, g.start, [...g.referralIds].sort()]),
    [
      ['uk', '2025-03-17T09:00:00+01:00', a],
      ['ru', '2025-03-18T09:00:00+01:00', ['B1']],
    ],
    'uk for A01..A15 on 17 March, ru for B1 on 18 March',
  )
  t.match(waiting(p, 'A16'), { reason: 'lower-priority', rule: 'waiting-time', explanation: { meetings: [{ language: 'ru', on: '2025-03-18' }] } }, 'A16: the block for a second uk meeting went to the ru meeting of B1, ranked above')
})

t.test('a first session lost to a meeting ranked above is lower-priority, naming the meeting', async (t) => {
  const { proposal: p } = run('group-meeting-takes-time')
  t.same(meetings(p).map((g) => [g.language, g.start, g.referralIds]), [['uk', '2025-03-17T09:00:00+01:00', ['A1']]], 'the meeting of A1, ranked above O1, has the block')
  t.match(waiting(p, 'O1'), { reason: 'lower-priority', rule: 'waiting-time', takenBy: [], explanation: { sessions: 0, meetings: [{ language: 'uk', on: '2025-03-17' }] } }, 'O1: outranked by the meeting, not short of capacity')
  const nb = renderProposal(p, 'nb').unassigned.find((u) => u.referralId === 'O1')?.detail ?? ''
  t.equal(nb, 'Veiledertiden mellom 5. mars 2025 og 30. mars 2025 gikk til gruppemøtet (uk, 17. mars 2025) for deltakere som ble henvist tidligere (regel: waiting-time).')
  t.match(p.deadlineBreaches.find((b) => b.referralId === 'O1'), { reason: 'lead-time', explanation: { code: 'deadline-before-earliest', passed: true } }, 'its breach: the deadline had passed before the run')
})
