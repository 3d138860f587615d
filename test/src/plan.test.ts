// `plan` on a municipality's referral read, and explanations in the caller's language.
import t from 'tap'
import { build, referral } from '../helpers/build.ts'
import { proposeOn, RUN_DATE, seedCentre, SETTLED } from './allocation-seed.ts'
import { addDays } from '../../solver/calendar.ts'

t.test('plan: from the latest run, in the caller\'s language, stable through commit until a newer run', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  const { own } = await seedCentre(b, 1)
  // Deferred past the horizon: the run leaves it out with reason deferred.
  const later = addDays(RUN_DATE, 60)
  const posted = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [referral({ externalRef: 'D-1', settledOn: SETTLED, deferredUntil: later, deferralReason: 'skole først' })] } })
  const deferredId = posted.json().ids[0] as string

  const none = await app.inject({ method: 'GET', url: `/v1/referrals/${deferredId}`, headers: auth.municipality })
  t.notOk('plan' in none.json(), 'no plan before any run')

  const proposal = await proposeOn(b)
  const nb = await app.inject({ method: 'GET', url: `/v1/referrals/${deferredId}`, headers: auth.municipality })
  t.match(nb.json().plan, { status: 'waiting', reason: 'deferred', detail: /^Utsatt til /, asOf: RUN_DATE }, 'bokmål by default')
  const en = await app.inject({ method: 'GET', url: `/v1/referrals/${deferredId}`, headers: { ...auth.municipality, 'accept-language': 'en-GB,en;q=0.9' } })
  t.match(en.json().plan, { status: 'waiting', reason: 'deferred', detail: /^Deferred until / }, 'English when asked for')
  const planned = await app.inject({ method: 'GET', url: `/v1/referrals/${own[0]}`, headers: auth.municipality })
  t.match(planned.json().plan, { status: 'planned', asOf: RUN_DATE, plannedOn: /^\d{4}-\d{2}-\d{2}$/ }, 'a planned referral says when')

  const commit = await app.inject({ method: 'POST', url: `/v1/allocations/${proposal.id}/commit`, headers: auth.coordinator })
  t.equal(commit.statusCode, 200, 'committed')
  const after = await app.inject({ method: 'GET', url: `/v1/referrals/${deferredId}`, headers: auth.municipality })
  t.match(after.json().plan, { status: 'waiting', reason: 'deferred' }, 'after commit the deferred referral still reads deferred')
  const list = await app.inject({ method: 'GET', url: '/v1/referrals', headers: auth.municipality })
  const booked = list.json().referrals.find((r: { id: string }) => r.id === own[0])
  t.match(booked.plan, { status: 'booked' }, 'the list carries the plan too; committed reads booked')
})

t.test('POST /v1/allocations: details in Norwegian by default, English with Accept-Language: en', async (t) => {
  const b = await build(t)
  const { app, auth } = b
  await seedCentre(b, 1)
  const unmapped = referral({ externalRef: 'M-1', settledOn: SETTLED, competenceMappingDone: false })
  await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [unmapped] } })
  const nb = await proposeOn(b) as unknown as { id: string; unassigned: { reason: string; detail: string }[]; followupsUnplanned: unknown[] }
  t.match(nb.unassigned.find((u) => u.reason === 'missing-competence-mapping'), { detail: /kompetansekartleggingen i IMDi-nett/ }, 'nb by default')
  t.same(nb.followupsUnplanned, [], 'followupsUnplanned on every proposal')
  const en = await app.inject({ method: 'GET', url: `/v1/allocations/${nb.id}`, headers: { ...auth.coordinator, 'accept-language': 'en' } })
  t.match(en.json().unassigned.find((u: { reason: string }) => u.reason === 'missing-competence-mapping'), { detail: /competence mapping in IMDi-nett/ }, 'en on request')
  t.notOk(JSON.stringify(en.json()).includes('"explanation"'), 'the structured explanation stays inside')
})
