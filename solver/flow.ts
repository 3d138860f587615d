// Min-cost flow with unit requests served one at a time, in priority order.
//
// Each request asks for one unit from its own node to the sink, along a cheapest path in the
// residual graph (successive shortest paths). Serving requests in order this way keeps the flow
// min-cost for the set served so far, and the served set is the lexicographically best one:
// unit-demand assignment is a (transversal) matroid, so greedy in priority order is exact. A
// lower-ranked request therefore never displaces a higher-ranked one, but it may reroute it.
//
// Dijkstra runs on reduced costs cost + π(u) − π(v) ≥ 0. A search that fails leaves a closed set
// (every arc out of it is saturated or disabled); no later augmenting path can enter it, so its
// nodes are marked dead and skipped by every later search: the big saving under shortage.

export type FlowArc = { readonly from: number; readonly to: number; readonly cap: number; readonly cost: number; readonly enabled: boolean }

export const INF_CAP = 1 << 30

/**
 * The arcs of a network, in typed arrays that grow as arcs are added: a county-size week has
 * about 100,000, and building them as objects was a fifth of the flow's time.
 */
export class ArcList {
  length = 0
  from = new Int32Array(1024)
  to = new Int32Array(1024)
  cap = new Int32Array(1024)
  cost = new Float64Array(1024)
  enabled = new Uint8Array(1024)

  static of(arcs: readonly FlowArc[]): ArcList {
    const list = new ArcList()
    for (const a of arcs) list.add(a.from, a.to, a.cap, a.cost, a.enabled)
    return list
  }

  /** Adds an arc; returns its index. */
  add(from: number, to: number, cap: number, cost: number, enabled = true): number {
    if (this.length === this.from.length) {
      const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2)
        b.set(a)
        return b
      }
      this.from = grow(this.from)
      this.to = grow(this.to)
      this.cap = grow(this.cap)
      this.cost = grow(this.cost)
      this.enabled = grow(this.enabled)
    }
    const k = this.length++
    this.from[k] = from
    this.to[k] = to
    this.cap[k] = cap
    this.cost[k] = cost
    this.enabled[k] = enabled ? 1 : 0
    return k
  }
}

// Node states: DONE while settled in the current search, DEAD for good once a failed search closed it off.
const DONE = 1
const DEAD = 2

export class UnitFlow {
  readonly nodes: number
  private readonly sink: number
  // Arc 2k is the forward arc, 2k+1 its reverse. A disabled arc has capacity 0 until enabled.
  private readonly to: Int32Array
  private readonly cap: Int32Array
  private readonly cost: Float64Array
  /** Capacity a disabled forward arc gets when enabled. */
  private readonly pending: Int32Array
  private readonly adjStart: Int32Array
  /** Forward arcs out of each node (CSR). */
  private readonly adj: Int32Array
  /**
   * Reverse arcs out of each node that carry residual capacity, i.e. units it could send back.
   * Kept apart because a shared node has thousands of reverse arcs and only a few carry flow:
   * scanning them all made every search slow.
   */
  private readonly back: number[][]
  /** Position of reverse arc 2k+1 in its node's `back` list, or -1. */
  private readonly backPos: Int32Array
  private readonly pot: Float64Array
  private readonly state: Uint8Array
  // Search scratch, reused by every request (no allocation in the hot loop).
  private readonly dist: Float64Array
  private readonly parent: Int32Array
  private readonly touched: Int32Array
  private touchedCount = 0
  private readonly heapKey: Float64Array
  private readonly heapNode: Int32Array
  private heapSize = 0
  private readonly queue: Int32Array
  /** Each node's forward arc to the sink, or -1. */
  private readonly sinkArc: Int32Array
  /** Nodes from this index on are looked ahead from when reached (see the constructor). */
  private readonly lookAheadFrom: number

  /**
   * `lookAheadFrom`: nodes below it are not looked ahead from when a search reaches them, only
   * settled in their turn. For the requests' own nodes: one reached backwards (its unit may move)
   * has an arc per date, and looking through all of them each time it is reached cost more than
   * it saved (a third of the search time on the ample weeks). Either way each path found is a
   * shortest one; only the search's work differs.
   */
  constructor(nodes: number, sink: number, given: ArcList | readonly FlowArc[], options: { readonly lookAheadFrom?: number } = {}) {
    this.lookAheadFrom = options.lookAheadFrom ?? 0
    const arcs = given instanceof ArcList ? given : ArcList.of(given)
    const n = arcs.length
    this.nodes = nodes
    this.sink = sink
    const m = n * 2
    this.to = new Int32Array(m)
    this.cap = new Int32Array(m)
    this.cost = new Float64Array(m)
    this.pending = new Int32Array(n)
    const degree = new Int32Array(nodes + 1)
    this.sinkArc = new Int32Array(nodes).fill(-1)
    for (let k = 0; k < n; k++) {
      const from = arcs.from[k]!
      this.to[2 * k] = arcs.to[k]!
      this.to[2 * k + 1] = from
      if (arcs.enabled[k]) this.cap[2 * k] = arcs.cap[k]!
      else this.pending[k] = arcs.cap[k]!
      this.cost[2 * k] = arcs.cost[k]!
      this.cost[2 * k + 1] = -arcs.cost[k]!
      degree[from + 1]!++
      if (arcs.to[k] === sink) this.sinkArc[from] = 2 * k
    }
    for (let v = 0; v < nodes; v++) degree[v + 1]! += degree[v]!
    this.adjStart = degree
    this.adj = new Int32Array(n)
    const fill = degree.slice(0, nodes)
    for (let k = 0; k < n; k++) this.adj[fill[arcs.from[k]!]!++] = 2 * k
    this.back = Array.from({ length: nodes }, () => [])
    this.backPos = new Int32Array(n).fill(-1)
    this.pot = new Float64Array(nodes)
    this.state = new Uint8Array(nodes)
    this.dist = new Float64Array(nodes).fill(Infinity)
    this.parent = new Int32Array(nodes).fill(-1)
    this.touched = new Int32Array(nodes)
    this.heapKey = new Float64Array(m + nodes + 1)
    this.heapNode = new Int32Array(m + nodes + 1)
    // A node joins the queue when its distance drops to the level, once per level: at most `nodes`.
    this.queue = new Int32Array(nodes + 1)
  }

  private addBack(r: number): void {
    const list = this.back[this.to[r ^ 1]!]!
    this.backPos[r >> 1] = list.length
    list.push(r)
  }

  private dropBack(r: number): void {
    const list = this.back[this.to[r ^ 1]!]!
    const i = this.backPos[r >> 1]!
    const last = list.pop()!
    if (last !== r) {
      list[i] = last
      this.backPos[last >> 1] = i
    }
    this.backPos[r >> 1] = -1
  }

  /**
   * A free path on from `v` (just reached at distance `d`, the level being settled) to the sink at
   * no reduced cost, of up to three forward arcs (a referral's municipality node, the pool, a
   * counsellor-day): if there is one, it is a shortest path, and it is recorded for the
   * augmentation. Checking while relaxing costs what greedy's scan of a referral's days costs,
   * and makes the search order among tied nodes matter little.
   */
  private lookAhead(v: number, d: number, depth = 2): boolean {
    const { to, cap, cost, pot, sinkArc, state, dist, parent, adj, adjStart } = this
    if (sinkArc[v]! >= 0) return this.reachSinkFrom(v, d)
    for (let i = adjStart[v]!; i < adjStart[v + 1]!; i++) {
      const a = adj[i]!
      if (cap[a]! <= 0) continue
      const w = to[a]!
      if (state[w] !== 0 || cost[a]! + pot[v]! - pot[w]! > 0) continue
      // A counsellor-day ends the path here or not at all; a shared node may lead on.
      if (sinkArc[w]! >= 0 ? !this.reachSinkFrom(w, d) : depth === 1 || !this.lookAhead(w, d, depth - 1)) continue
      if (dist[w] === Infinity) this.touched[this.touchedCount++] = w
      dist[w] = d
      parent[w] = a
      return true
    }
    return false
  }

  /** Through v's arc to the sink, if it is free at no reduced cost: recorded, true. */
  private reachSinkFrom(v: number, d: number): boolean {
    const b = this.sinkArc[v]!
    if (this.cap[b]! <= 0 || this.cost[b]! + this.pot[v]! - this.pot[this.sink]! > 0) return false
    this.reachSink(d, b)
    return true
  }

  // Methods, not closures made per call: tsx (keepNames) wraps every named closure as it is made,
  // and that wrapping was a quarter of the flow's time.
  private reachSink(d: number, arc: number): void {
    this.touch(this.sink)
    this.dist[this.sink] = d
    this.parent[this.sink] = arc
  }

  private touch(v: number): void {
    if (this.dist[v] === Infinity && (this.state[v]! & DONE) === 0) this.touched[this.touchedCount++] = v
  }

  /** Push onto the search's binary heap (keys in heapKey, nodes in heapNode, `heapSize` of them). */
  private push(key: number, node: number): void {
    const { heapKey, heapNode } = this
    let i = this.heapSize++
    while (i > 0) {
      const up = (i - 1) >> 1
      if (heapKey[up]! <= key) break
      heapKey[i] = heapKey[up]!
      heapNode[i] = heapNode[up]!
      i = up
    }
    heapKey[i] = key
    heapNode[i] = node
  }

  /** Enable a forward arc, e.g. a referral's days after its deadline. */
  enableArc(k: number): void {
    this.cap[2 * k]! += this.pending[k]!
    this.pending[k] = 0
  }

  /** Units on forward arc k (what its reverse arc could send back). */
  flowOn(k: number): number {
    return this.cap[2 * k + 1]!
  }

  /**
   * One unit from `source` (a node with no flow through it yet) to the sink along a cheapest
   * residual path. True if served. `source` is revived if an earlier failed search marked it dead:
   * the caller may have enabled new arcs out of it, and the rest of that dead set stays closed.
   */
  request(source: number): boolean {
    const { to, cap, cost, adj, adjStart, pot, state, dist, parent, touched, heapKey, heapNode, queue } = this
    const sink = this.sink
    state[source] = 0
    // A fresh source has no arcs in; set its potential so its arcs out have reduced cost ≥ 0.
    let p = -Infinity
    for (let i = adjStart[source]!; i < adjStart[source + 1]!; i++) {
      const a = adj[i]!
      if (cap[a]! > 0 && state[to[a]!] === 0) p = Math.max(p, pot[to[a]!]! - cost[a]!)
    }
    if (p === -Infinity) {
      state[source] = DEAD
      return false
    }
    pot[source] = p

    this.touchedCount = 0
    this.heapSize = 0
    this.touch(source)
    dist[source] = 0
    queue[0] = source
    let found = false
    // Nodes reached at the level being settled (reduced distance equal to the last one popped) go in
    // a queue instead of the heap: any of them may be settled next, and taking them breadth first
    // with a look-ahead to the sink finds a short zero-reduced-cost path after a few nodes instead of
    // settling the whole tie (under the potentials most of the graph ties at 0: that scan was most of
    // the flow's time). Depth first was worse: it follows reroutings before trying other free days.
    let head = 0
    let tail = 1
    let level = 0
    search: while (head < tail || this.heapSize > 0) {
      let d: number
      let u: number
      if (head < tail) {
        u = queue[head++]!
        d = level
      } else {
        d = heapKey[0]!
        u = heapNode[0]!
        // Pop: move the last element down from the root.
        const size = --this.heapSize
        const lastKey = heapKey[size]!
        const lastNode = heapNode[size]!
        let i = 0
        for (;;) {
          let c = 2 * i + 1
          if (c >= size) break
          if (c + 1 < size && heapKey[c + 1]! < heapKey[c]!) c++
          if (heapKey[c]! >= lastKey) break
          heapKey[i] = heapKey[c]!
          heapNode[i] = heapNode[c]!
          i = c
        }
        heapKey[i] = lastKey
        heapNode[i] = lastNode
        level = d
        head = tail = 0
      }
      if (state[u] !== 0 || d > dist[u]!) continue
      state[u] = DONE
      if (u === sink) {
        found = true
        break
      }
      const pu = pot[u]!
      // Forward arcs (CSR) first, then the reverse arcs that carry flow back.
      const back = this.back[u]!
      const first = adjStart[u]!
      const forward = adjStart[u + 1]! - first
      for (let j = 0, n = forward + back.length; j < n; j++) {
        const a = j < forward ? adj[first + j]! : back[j - forward]!
        if (cap[a]! <= 0) continue
        const v = to[a]!
        if (state[v] !== 0) continue
        const nd = d + cost[a]! + pu - pot[v]!
        if (nd < dist[v]!) {
          if (dist[v] === Infinity) touched[this.touchedCount++] = v
          dist[v] = nd
          parent[v] = a
          // Reduced costs are ≥ 0, so nothing left reaches the sink for less than d: stop here.
          if (v === sink && nd <= d) {
            found = true
            break search
          }
          if (nd <= d) {
            if (v >= this.lookAheadFrom && this.lookAhead(v, nd)) {
              found = true
              break search
            }
            queue[tail++] = v
          } else this.push(nd, v)
        }
      }
    }

    if (!found) {
      // Everything reached is closed off from the sink for good.
      for (let i = 0; i < this.touchedCount; i++) {
        const v = touched[i]!
        if (state[v] === DONE) state[v] = DEAD
      }
    } else {
      const total = dist[sink]!
      for (let i = 0; i < this.touchedCount; i++) {
        const v = touched[i]!
        // π += min(d, D), shifted by −D so nodes never reached keep theirs.
        if (state[v] === DONE) pot[v]! += dist[v]! - total
      }
      for (let v = sink; v !== source; ) {
        const a = parent[v]!
        cap[a]!--
        cap[a ^ 1]!++
        const r = a | 1 // the reverse arc of the pair, out of the forward arc's head
        if (a === r && cap[a] === 0) this.dropBack(r)
        if (a !== r && cap[r] === 1) this.addBack(r)
        v = to[a ^ 1]!
      }
    }
    for (let i = 0; i < this.touchedCount; i++) {
      const v = touched[i]!
      dist[v] = Infinity
      parent[v] = -1
      if (state[v] === DONE) state[v] = 0
    }
    return found
  }
}
