import fc from 'fast-check'
import t from 'tap'
import type { FlowArc } from '../../solver/flow.ts'
import { UnitFlow } from '../../solver/flow.ts'

// A small assignment: requests (in priority order) to slots with capacities, each request allowed
// on some slots at a cost.
type Instance = { slots: number[]; requests: { slot: number; cost: number }[][] }

const instance = fc.record({
  slots: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }),
  requests: fc.array(fc.array(fc.record({ slot: fc.nat(3), cost: fc.nat(9) }), { maxLength: 4 }), { minLength: 1, maxLength: 6 }),
})

function normalise(x: Instance): Instance {
  // Keep only slots that exist, one arc per request and slot.
  return {
    slots: x.slots,
    requests: x.requests.map((arcs) => arcs.filter((a, i) => a.slot < x.slots.length && arcs.findIndex((b) => b.slot === a.slot) === i)),
  }
}

/** Every assignment, best first: the served vector in request order lexicographically, then the least cost. */
function bruteForce(x: Instance): { served: boolean[]; cost: number } {
  let best: { served: boolean[]; cost: number } | null = null
  const used = x.slots.map(() => 0)
  const choice: number[] = []
  const visit = (i: number, cost: number): void => {
    if (i === x.requests.length) {
      const served = choice.map((c) => c >= 0)
      const better =
        best === null ||
        (() => {
          for (let k = 0; k < served.length; k++) if (served[k] !== best.served[k]) return served[k] === true
          return cost < best.cost
        })()
      if (better) best = { served, cost }
      return
    }
    choice[i] = -1
    visit(i + 1, cost)
    for (const a of x.requests[i]!) {
      if (used[a.slot]! >= x.slots[a.slot]!) continue
      used[a.slot]!++
      choice[i] = a.slot
      visit(i + 1, cost + a.cost)
      used[a.slot]!--
    }
    choice.length = i
  }
  visit(0, 0)
  return best!
}

function byFlow(x: Instance): { served: boolean[]; cost: number } {
  const n = x.requests.length
  const sink = n + x.slots.length
  const arcs: FlowArc[] = []
  const costOf: number[] = []
  x.requests.forEach((list, i) => list.forEach((a) => {
    arcs.push({ from: i, to: n + a.slot, cap: 1, cost: a.cost, enabled: true })
    costOf.push(a.cost)
  }))
  const requestArcs = arcs.length
  x.slots.forEach((cap, s) => arcs.push({ from: n + s, to: sink, cap, cost: 0, enabled: true }))
  const flow = new UnitFlow(sink + 1, sink, arcs)
  const served = x.requests.map((_, i) => flow.request(i))
  let cost = 0
  for (let k = 0; k < requestArcs; k++) cost += flow.flowOn(k) * costOf[k]!
  return { served, cost }
}

t.test('unit requests in priority order serve the lexicographically best set at least cost', async (t) => {
  fc.assert(
    fc.property(instance, (raw) => {
      const x = normalise(raw)
      const want = bruteForce(x)
      const got = byFlow(x)
      t.same(got.served, want.served, 'served requests match the brute-force lexicographic optimum')
      t.equal(got.cost, want.cost, 'total cost matches the brute-force minimum for that served set')
    }),
    { seed: 20201116, numRuns: 300 },
  )
})

t.test('a disabled arc is not used until enabled', async (t) => {
  const arcs: FlowArc[] = [
    { from: 0, to: 1, cap: 1, cost: 0, enabled: false },
    { from: 1, to: 2, cap: 1, cost: 0, enabled: true },
  ]
  const flow = new UnitFlow(3, 2, arcs)
  t.equal(flow.request(0), false, 'no path while the only arc is disabled')
  flow.enableArc(0)
  t.equal(flow.request(0), true, 'served once the arc is enabled, though the failed search marked nodes dead')
})
