import t from 'tap'
import { BUILT_IN_POLICIES } from '../../src/replay/policies.ts'
import { simulate } from '../../src/replay/simulate.ts'
import { loadScenario } from '../../src/services/scenario.ts'

// The bundled fixtures issue 4 names: both must be in the tree and replay sensibly.
for (const name of ['trondelag-2020', 'ukraine-surge-2022']) {
  const path = new URL(`../../fixtures/${name}.json`, import.meta.url)
  t.test(`${name}: optimised is never behind fifo on share within deadline, and the accounts add up`, async (t) => {
    const scenario = loadScenario(path.pathname)
    const fifo = simulate(scenario, BUILT_IN_POLICIES.fifo!).metrics
    const optimised = simulate(scenario, BUILT_IN_POLICIES.optimised!).metrics
    t.ok(fifo.accounts.referrals > 0, 'the fixture has referrals in its period')
    t.ok(
      (optimised.ordinary.share ?? 1) >= (fifo.ordinary.share ?? 1),
      `optimised ${optimised.ordinary.withinDeadline}/${optimised.ordinary.decided} is not behind fifo ${fifo.ordinary.withinDeadline}/${fifo.ordinary.decided}`,
    )
    for (const m of [fifo, optimised]) {
      const a = m.accounts
      t.equal(a.held + a.booked + a.pending + a.withdrawn, a.referrals, `${m.policy}: held + booked + pending + withdrawn = referrals`)
    }
  })
}
