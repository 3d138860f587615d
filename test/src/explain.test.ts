// Explanations rendered from the solver's data in the reader's language, naming only what the
// reader may see.
import t from 'tap'
import type { Explanation } from '../../solver/types.ts'
import { countOnly, renderExplanation, renderProposal } from '../../src/services/explain.ts'

const lower: Explanation = {
  code: 'lower-priority', rule: 'threatened-industry', from: '2025-03-10', until: '2025-03-30', toDeadline: false,
  sessions: 3, decided: 3, takenBy: ['0b9f-uuid-a', '0b9f-uuid-b', '0b9f-uuid-c'], groupMeetings: 0,
}

t.test('lower-priority in bokmål (default) and English names the rule by its policy identifier', async (t) => {
  t.equal(renderExplanation(lower, 'nb'), '3 timer mellom 10. mars 2025 og 30. mars 2025 gikk til deltakere som sikter mot en bransje truet av krisen (regel: threatened-industry).')
  t.match(renderExplanation(lower, 'en'), /^3 sessions between 10 March 2025 and 30 March 2025 went to participants aiming at an industry threatened by the crisis \(rule: threatened-industry\)\.$/)
})

t.test('no internal id: a municipality sees its own externalRef, the others are counted', async (t) => {
  const own = (id: string) => (id === '0b9f-uuid-b' ? 'sak-14' : null)
  const nb = renderExplanation(lower, 'nb', own)
  t.match(nb, /blant dem sak-14 og 2 henvisninger fra andre kommuner/, 'own named, others counted')
  t.notMatch(nb, /uuid/, 'no internal id')
  t.notMatch(renderExplanation(lower, 'nb', countOnly), /uuid|blant dem/, 'nobody named when none may be')
})

t.test('capacity taken by group meetings says so in words', async (t) => {
  const none: Explanation = { code: 'no-capacity', minutes: 120, from: '2025-03-10', until: '2025-04-15', toDeadline: true, groupMeetings: 2 }
  t.match(renderExplanation(none, 'nb'), /fristen 15\. april 2025.*2 gruppemøter tar veiledertid/)
  t.match(renderExplanation(none, 'en'), /the deadline 15 April 2025.*2 group meetings take counsellor time/)
  const meeting = { ...lower, groupMeetings: 1, meetings: [{ language: 'uk', on: '2025-03-17' }] }
  t.match(renderExplanation(meeting, 'nb'), /; gruppemøtet \(uk, 17\. mars 2025\) for deltakere med høyere prioritet tok veiledertid/, 'the meeting named by language and date')
  t.match(renderExplanation(meeting, 'en'), /; the group meeting \(uk, 17 March 2025\) of participants ranked above took counsellor time/)
  t.match(renderExplanation({ ...meeting, sessions: 0, decided: 0, takenBy: [] }, 'nb'), /^Veiledertiden mellom 10\. mars 2025 og 30\. mars 2025 gikk til gruppemøtet \(uk, 17\. mars 2025\) for deltakere som sikter mot/, 'all the time to the meeting')
  t.notMatch(renderExplanation({ ...lower, groupMeetings: 1 }, 'nb'), /gruppemøte/, 'a proposal stored before meetings were named counted every meeting on those days, ranked above or not: not said to have taken it')
  const room: Explanation = { code: 'group-meeting-no-room', language: 'uk', minutes: 180, from: '2025-03-17', until: '2025-03-28', otherMeetings: 1 }
  t.match(renderExplanation(room, 'en'), /1 group meetings in other languages take counsellor time/)
  const takes: Explanation = { code: 'group-meeting-takes-priority', until: '2025-03-30' }
  t.match(renderExplanation(takes, 'nb'), /^Et gruppemøte i denne tildelingen ville ta veiledertid eller tolk som deltakere med høyere prioritet trenger før 30\. mars 2025/)
  t.match(renderExplanation(takes, 'en'), /^A group meeting in this run would take counsellor time or an interpreter that participants ranked above need before 30 March 2025/)
})

t.test('renderProposal replaces each detail that has an explanation and always gives followupsUnplanned', async (t) => {
  const out = renderProposal({ unassigned: [{ referralId: 'x', detail: 'english', explanation: { code: 'missing-competence-mapping' } }, { referralId: 'y', detail: 'kept' }], deadlineBreaches: [], followupsUnplanned: undefined }, 'nb')
  t.equal(out.unassigned[0]?.detail, 'Kommunen må fullføre kompetansekartleggingen i IMDi-nett før timen kan bookes.')
  t.equal(out.unassigned[1]?.detail, 'kept', 'an entry without explanation keeps its detail')
  t.same(out.followupsUnplanned, [], 'empty, not absent')
})
