import fc from 'fast-check'
import t from 'tap'
import type { Test } from 'tap'
import type { FlowArc } from '../../solver/flow.ts'
import { INF_CAP, UnitFlow } from '../../solver/flow.ts'

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

// Larger networks shaped like the solver's (requests -> shared date nodes or own slots -> slots ->
// sink) with few distinct costs, so that ties are everywhere: the searches' shortcuts (ties taken
// breadth first, the look-ahead to a free slot) must serve the same requests at the same cost as a
// plain successive-shortest-path with Bellman-Ford on the residual graph.
type Net = { nodes: number; sink: number; arcs: FlowArc[]; requests: number[] }

const pooled = fc
  .record({
    dates: fc.integer({ min: 1, max: 4 }),
    perDate: fc.integer({ min: 1, max: 3 }),
    caps: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 12, maxLength: 12 }),
    requests: fc.array(
      fc.record({ dates: fc.array(fc.nat(3), { maxLength: 4 }), own: fc.array(fc.nat(11), { maxLength: 2 }), late: fc.boolean() }),
      { minLength: 1, maxLength: 14 },
    ),
  })
  .map(({ dates, perDate, caps, requests }): Net => {
    const R = requests.length
    const slots = dates * perDate
    const pool = (d: number) => R + slots + d
    const sink = R + slots + dates
    const arcs: FlowArc[] = []
    requests.forEach((q, i) => {
      for (const s of new Set(q.own.filter((s) => s < slots))) arcs.push({ from: i, to: R + s, cap: 1, cost: Math.floor(s / perDate), enabled: true })
      for (const d of new Set(q.dates.filter((d) => d < dates))) arcs.push({ from: i, to: pool(d), cap: 1, cost: d + (q.late ? 2 : 0), enabled: true })
    })
    for (let d = 0; d < dates; d++) for (let k = 0; k < perDate; k++) arcs.push({ from: pool(d), to: R + d * perDate + k, cap: INF_CAP, cost: 0, enabled: true })
    for (let s = 0; s < slots; s++) arcs.push({ from: R + s, to: sink, cap: caps[s]!, cost: 0, enabled: true })
    return { nodes: sink + 1, sink, arcs, requests: requests.map((_, i) => i) }
  })

/** Successive shortest paths with Bellman-Ford: slow, and obviously right. */
function reference(net: Net): { served: boolean[]; cost: number } {
  const flow = net.arcs.map(() => 0)
  const served = net.requests.map((source) => {
    const dist = new Array<number>(net.nodes).fill(Infinity)
    const via = new Array<number>(net.nodes).fill(-1) // arc index * 2 (+1 when used backwards)
    dist[source] = 0
    for (let round = 0; round < net.nodes; round++) {
      let changed = false
      net.arcs.forEach((a, k) => {
        if (flow[k]! < a.cap && dist[a.from]! + a.cost < dist[a.to]!) {
          dist[a.to] = dist[a.from]! + a.cost
          via[a.to] = 2 * k
          changed = true
        }
        if (flow[k]! > 0 && dist[a.to]! - a.cost < dist[a.from]!) {
          dist[a.from] = dist[a.to]! - a.cost
          via[a.from] = 2 * k + 1
          changed = true
        }
      })
      if (!changed) break
    }
    if (dist[net.sink] === Infinity) return false
    for (let v = net.sink; v !== source; ) {
      const k = via[v]! >> 1
      const a = net.arcs[k]!
      if (via[v]! & 1) {
        flow[k]!--
        v = a.to
      } else {
        flow[k]!++
        v = a.from
      }
    }
    return true
  })
  return { served, cost: net.arcs.reduce((sum, a, k) => sum + a.cost * flow[k]!, 0) }
}

/** The flow on `net`; request nodes (0..R-1) settled rather than looked ahead from when `settleRequests`. */
function byUnitFlow(net: Net, settleRequests: boolean): { served: boolean[]; cost: number } {
  const flow = new UnitFlow(net.nodes, net.sink, net.arcs, { lookAheadFrom: settleRequests ? net.requests.length : 0 })
  const served = net.requests.map((q) => flow.request(q))
  return { served, cost: net.arcs.reduce((sum, a, k) => sum + a.cost * flow.flowOn(k), 0) }
}

/** The flow, with and without lookAheadFrom, serves what the reference serves at its cost. */
function agreesWithReference(t: Test, net: Net): void {
  const want = reference(net)
  for (const settleRequests of [false, true]) {
    const got = byUnitFlow(net, settleRequests)
    const how = settleRequests ? ' (request nodes settled, not looked ahead from)' : ''
    t.same(got.served, want.served, `the same requests served${how}`)
    t.equal(got.cost, want.cost, `at the same total cost${how}`)
  }
}

t.test('on pooled networks full of ties the flow serves what plain successive shortest paths serve, at the same cost', async (t) => {
  fc.assert(
    fc.property(pooled, (net) => agreesWithReference(t, net)),
    { seed: 20261201, numRuns: 400 },
  )
})

// The solver's network since the municipality layer (solver/network.ts): request → OWN(group,
// date) → that group's slots of the date at no cost, or on to the date's pool at a penalty; the
// pool → every slot of the date. Paths are three and four arcs long, so the look-ahead's three-arc
// reach and the settled request nodes are both exercised.
const municipal = fc
  .record({
    dates: fc.integer({ min: 1, max: 4 }),
    perDate: fc.integer({ min: 1, max: 3 }),
    groups: fc.integer({ min: 1, max: 3 }),
    caps: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 12, maxLength: 12 }),
    requests: fc.array(fc.record({ group: fc.nat(2), dates: fc.array(fc.nat(3), { maxLength: 4 }), late: fc.boolean() }), { minLength: 1, maxLength: 14 }),
  })
  .map(({ dates, perDate, groups, caps, requests }): Net => {
    const R = requests.length
    const slots = dates * perDate
    const pool = (d: number) => R + slots + d
    const own = (g: number, d: number) => R + slots + dates + g * dates + d
    const sink = R + slots + dates + groups * dates
    const arcs: FlowArc[] = []
    requests.forEach((q, i) => {
      for (const d of new Set(q.dates.filter((d) => d < dates))) arcs.push({ from: i, to: own(q.group % groups, d), cap: 1, cost: d + (q.late ? 2 : 0), enabled: true })
    })
    for (let g = 0; g < groups; g++)
      for (let d = 0; d < dates; d++) {
        for (let k = 0; k < perDate; k++) if ((d * perDate + k) % groups === g) arcs.push({ from: own(g, d), to: R + d * perDate + k, cap: INF_CAP, cost: 0, enabled: true })
        arcs.push({ from: own(g, d), to: pool(d), cap: INF_CAP, cost: 1, enabled: true })
      }
    for (let d = 0; d < dates; d++) for (let k = 0; k < perDate; k++) arcs.push({ from: pool(d), to: R + d * perDate + k, cap: INF_CAP, cost: 0, enabled: true })
    for (let s = 0; s < slots; s++) arcs.push({ from: R + s, to: sink, cap: caps[s]!, cost: 0, enabled: true })
    return { nodes: sink + 1, sink, arcs, requests: requests.map((_, i) => i) }
  })

t.test('on networks with a municipality layer the flow serves what plain successive shortest paths serve, at the same cost', async (t) => {
  fc.assert(
    fc.property(municipal, (net) => agreesWithReference(t, net)),
    { seed: 20261202, numRuns: 400 },
  )
})
