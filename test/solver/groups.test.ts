import t from 'tap'
import { solve } from '../../solver/solve.ts'
import type { GroupSession, Proposal } from '../../solver/types.ts'
import { validateProposal } from '../../solver/validate.ts'
import { counsellor, problem, referral } from './helpers.ts'

const ukrainian = (id: string, over: Parameters<typeof referral>[1] = {}) => referral(id, { track: 'ukraine', language: 'uk', interpreter: true, ...over })
const groupsOf = (out: Proposal) => out.sessions.filter((s): s is GroupSession => s.kind === 'group')

t.test('groups hold at most maxParticipants of one language', async (t) => {
  const p = problem({
    horizonWeeks: 4,
    counsellors: [counsellor('C1'), counsellor('C2')],
    referrals: [
      ...Array.from({ length: 5 }, (_, i) => ukrainian(`U${i}`)),
      ukrainian('RU', { language: 'ru' }),
    ],
    policy: { groupMeeting: { minutes: 180, maxParticipants: 3, daysBeforeIndividual: 2 } },
  })
  const out = solve(p)
  t.same(validateProposal(p, out), [], 'valid')
  const groups = groupsOf(out)
  t.same(groups.map((g) => [g.language, g.referralIds.length]).sort(), [['ru', 1], ['uk', 2], ['uk', 3]], 'uk split 3 + 2, ru alone')
  t.ok(groups.every((g) => g.start.startsWith('2025-03-17')), 'all on the first date after the 14-day lead time')
})

t.test("a group goes to the members' own counsellor on its day, and an interpreter cap counts it", async (t) => {
  const p = problem({
    horizonWeeks: 4,
    counsellors: [counsellor('OTHER'), counsellor('OWN', { municipalities: ['5001'] })],
    referrals: [ukrainian('U1'), ukrainian('U2')],
    interpreterCapacity: { uk: 1 },
  })
  const out = solve(p)
  t.same(validateProposal(p, out), [], 'valid: the group and the individual sessions share the interpreter cap')
  t.equal(groupsOf(out)[0]?.counsellorId, 'OWN', 'own counsellor preferred')
  const days = out.sessions.filter((s) => s.kind === 'individual').map((s) => s.start.slice(0, 10))
  t.equal(new Set(days).size, days.length, 'with one interpreter a day, the two individual sessions fall on different days')
})

t.test('a pinned group meeting is kept and its members follow it', async (t) => {
  const group: GroupSession = {
    referralIds: ['U1'],
    counsellorId: 'C1',
    kind: 'group',
    language: 'uk',
    start: '2025-03-18T08:00:00+01:00',
    end: '2025-03-18T11:00:00+01:00',
    interpreterOrderBy: '2025-03-16T08:00:00+01:00',
  }
  const p = problem({ horizonWeeks: 4, referrals: [ukrainian('U1')], pinned: [group] })
  const out = solve(p)
  t.same(validateProposal(p, out), [], 'valid')
  t.equal(groupsOf(out).length, 1, 'no new group meeting')
  t.equal(out.sessions.find((s) => s.kind === 'individual')?.start.slice(0, 10), '2025-03-20', 'the individual session 2 days after the pinned meeting')
})

t.test("one member's deferral does not hold back the others' group meeting", async (t) => {
  const p = problem({
    horizonWeeks: 5,
    referrals: [ukrainian('U1', { deferredUntil: '2025-03-26', deferralReason: 'not ready', referredOn: '2024-11-01' }), ukrainian('U2'), ukrainian('U3')],
    policy: { groupMeeting: { minutes: 180, maxParticipants: 2, daysBeforeIndividual: 2 } },
  })
  const out = solve(p)
  t.same(validateProposal(p, out), [], 'valid')
  const groups = groupsOf(out).map((g) => [g.start.slice(0, 10), [...g.referralIds].sort()])
  t.same(groups, [['2025-03-17', ['U2', 'U3']], ['2025-03-26', ['U1']]], 'U2 and U3 meet after the lead time; U1 when its deferral ends')
})
