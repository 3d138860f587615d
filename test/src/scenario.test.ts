import t from 'tap'
import { parseScenario, scenarioProblem } from '../../src/services/scenario.ts'

t.test('a scenario run leaves out referrals not yet referred or already withdrawn on the run date', async (t) => {
  const ref = (id: string, over: Record<string, unknown> = {}) => ({ externalRef: id, municipality: '5001', track: 'ordinary', settledOn: '2025-02-01', referredOn: '2025-03-01', language: 'ar', ...over })
  const s = parseScenario({
    name: 'who is in the run',
    runDate: '2025-03-10',
    counsellors: [],
    referrals: [ref('in'), ref('later', { referredOn: '2025-03-11' }), ref('gone', { withdrawnOn: '2025-03-10' }), ref('leaves-later', { withdrawnOn: '2025-03-20' })],
  })
  t.same(scenarioProblem(s).referrals.map((r) => r.id), ['in', 'leaves-later'], 'withdrawn on or before the run date, or referred after it: not in the run')
  t.same(scenarioProblem(s, { runDate: '2025-03-12' }).referrals.map((r) => r.id), ['in', 'later', 'leaves-later'], 'a later run date sees the later referral')
})

t.test('a withdrawal date must be a real date', async (t) => {
  t.throws(() => parseScenario({ name: 'x', counsellors: [], referrals: [{ externalRef: 'a', municipality: '5001', track: 'ordinary', settledOn: '2025-02-01', language: 'ar', withdrawnOn: '2025-02-30' }] }), /referrals\.0\.withdrawnOn/, 'the error names the field')
})
