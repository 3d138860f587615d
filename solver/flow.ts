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

export class UnitFlow {
  readonly nodes: number
  private readonly sink: number
  // Arc 2k is the forward arc, 2k+1 its reverse.
  private readonly to: Int32Array
  private readonly cap: Int32Array
  private readonly cost: Float64Array
  private readonly enabled: Uint8Array
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
  private readonly dead: Uint8Array
  // Search scratch, reused by every request (no allocation in the hot loop).
  private readonly dist: Float64Array
  private readonly parent: Int32Array
  private readonly done: Uint8Array
  private readonly touched: Int32Array
  private touchedCount = 0
  private heapKey: Float64Array
  private heapNode: Int32Array
  private readonly queue: Int32Array
  /** Each node's forward arc to the sink, or -1. */
  private readonly sinkArc: Int32Array

  constructor(nodes: number, sink: number, arcs: readonly FlowArc[]) {
    this.nodes = nodes
    this.sink = sink
    const m = arcs.length * 2
    this.to = new Int32Array(m)
    this.cap = new Int32Array(m)
    this.cost = new Float64Array(m)
    this.enabled = new Uint8Array(m)
    const degree = new Int32Array(nodes + 1)
    arcs.forEach((a, k) => {
      this.to[2 * k] = a.to
      this.to[2 * k + 1] = a.from
      this.cap[2 * k] = a.cap
      this.cost[2 * k] = a.cost
      this.cost[2 * k + 1] = -a.cost
      this.enabled[2 * k] = this.enabled[2 * k + 1] = a.enabled ? 1 : 0
      degree[a.from + 1]!++
    })
    for (let v = 0; v < nodes; v++) degree[v + 1]! += degree[v]!
    this.adjStart = degree
    this.adj = new Int32Array(arcs.length)
    const fill = degree.slice(0, nodes)
    arcs.forEach((a, k) => {
      this.adj[fill[a.from]!++] = 2 * k
    })
    this.sinkArc = new Int32Array(nodes).fill(-1)
    arcs.forEach((a, k) => {
      if (a.to === sink) this.sinkArc[a.from] = 2 * k
    })
    this.back = Array.from({ length: nodes }, () => [])
    this.backPos = new Int32Array(arcs.length).fill(-1)
    this.pot = new Float64Array(nodes)
    this.dead = new Uint8Array(nodes)
    this.dist = new Float64Array(nodes).fill(Infinity)
    this.parent = new Int32Array(nodes).fill(-1)
    this.done = new Uint8Array(nodes)
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
   * no reduced cost, of one arc or two forward arcs: if there is one, it is a shortest path, and it
   * is recorded for the augmentation. Checking while relaxing costs what greedy's scan of a
   * referral's days costs, and makes the search order among tied nodes matter little.
   */
  private lookAhead(v: number, d: number): boolean {
    const { to, cap, cost, enabled, pot, sinkArc, dead, done, dist, parent, adj, adjStart } = this
    const sink = this.sink
    const reach = (): void => {
      if (dist[sink] === Infinity && !done[sink]) this.touched[this.touchedCount++] = sink
      dist[sink] = d
    }
    const b = sinkArc[v]!
    if (b >= 0) {
      if (cap[b]! <= 0 || !enabled[b] || cost[b]! + pot[v]! - pot[sink]! > 0) return false
      reach()
      parent[sink] = b
      return true
    }
    for (let i = adjStart[v]!; i < adjStart[v + 1]!; i++) {
      const a = adj[i]!
      if (cap[a]! <= 0 || !enabled[a]) continue
      const w = to[a]!
      if (dead[w] || done[w] || cost[a]! + pot[v]! - pot[w]! > 0) continue
      const c = sinkArc[w]!
      if (c < 0 || cap[c]! <= 0 || !enabled[c] || cost[c]! + pot[w]! - pot[sink]! > 0) continue
      if (dist[w] === Infinity) this.touched[this.touchedCount++] = w
      dist[w] = d
      parent[w] = a
      reach()
      parent[sink] = c
      return true
    }
    return false
  }

  /** Enable a forward arc (and its reverse), e.g. a referral's days after its deadline. */
  enableArc(k: number): void {
    this.enabled[2 * k] = this.enabled[2 * k + 1] = 1
  }

  /** Units on forward arc k. */
  flowOn(k: number): number {
    return this.enabled[2 * k] ? this.cap[2 * k + 1]! : 0
  }

  /**
   * One unit from `source` (a node with no flow through it yet) to the sink along a cheapest
   * residual path. True if served. `source` is revived if an earlier failed search marked it dead:
   * the caller may have enabled new arcs out of it, and the rest of that dead set stays closed.
   */
  request(source: number): boolean {
    this.dead[source] = 0
    const { to, cap, cost, enabled, adj, adjStart, pot, dead } = this
    // A fresh source has no arcs in; set its potential so its arcs out have reduced cost ≥ 0.
    let p = -Infinity
    for (let i = adjStart[source]!; i < adjStart[source + 1]!; i++) {
      const a = adj[i]!
      if (cap[a]! > 0 && enabled[a] && !dead[to[a]!]) p = Math.max(p, pot[to[a]!]! - cost[a]!)
    }
    if (p === -Infinity) {
      dead[source] = 1
      return false
    }
    pot[source] = p

    const { dist, parent, done, touched, heapKey, heapNode } = this
    this.touchedCount = 0
    let size = 0
    const push = (key: number, node: number): void => {
      let i = size++
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
    const touch = (v: number): void => {
      if (dist[v] === Infinity && !done[v]) touched[this.touchedCount++] = v
    }
    touch(source)
    dist[source] = 0
    this.queue[0] = source
    let found = false
    // Nodes reached at the level being settled (reduced distance equal to the last one popped) go in
    // a queue instead of the heap: any of them may be settled next, and taking them breadth first
    // with a look-ahead to the sink finds a short zero-reduced-cost path after a few nodes instead of
    // settling the whole tie (under the potentials most of the graph ties at 0: that scan was most of
    // the flow's time). Depth first was worse: it follows reroutings before trying other free days.
    const queue = this.queue
    let head = 0
    let tail = 1
    let level = 0
    search: while (head < tail || size > 0) {
      let d: number
      let u: number
      if (head < tail) {
        u = queue[head++]!
        d = level
      } else {
        d = heapKey[0]!
        u = heapNode[0]!
        // Pop: move the last element down from the root.
        const lastKey = heapKey[--size]!
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
      if (done[u] || d > dist[u]!) continue
      done[u] = 1
      if (u === this.sink) {
        found = true
        break
      }
      const pu = pot[u]!
      // Forward arcs (CSR) first, then the reverse arcs that carry flow back.
      const back = this.back[u]!
      const forward = adjStart[u + 1]! - adjStart[u]!
      for (let j = 0, n = forward + back.length; j < n; j++) {
        const a = j < forward ? adj[adjStart[u]! + j]! : back[j - forward]!
        if (cap[a]! <= 0 || !enabled[a]) continue
        const v = to[a]!
        if (dead[v] || done[v]) continue
        const nd = d + cost[a]! + pu - pot[v]!
        if (nd < dist[v]!) {
          touch(v)
          dist[v] = nd
          parent[v] = a
          // Reduced costs are ≥ 0, so nothing left reaches the sink for less than d: stop here.
          if (v === this.sink && nd <= d) {
            found = true
            break search
          }
          if (nd <= d) {
            if (this.lookAhead(v, nd)) {
              found = true
              break search
            }
            queue[tail++] = v
          } else push(nd, v)
        }
      }
    }

    if (!found) {
      // Everything reached is closed off from the sink for good.
      for (let i = 0; i < this.touchedCount; i++) {
        const v = touched[i]!
        if (done[v]) dead[v] = 1
      }
    } else {
      const total = dist[this.sink]!
      for (let i = 0; i < this.touchedCount; i++) {
        const v = touched[i]!
        // π += min(d, D), shifted by −D so nodes never reached keep theirs.
        if (done[v]) pot[v]! += dist[v]! - total
      }
      for (let v = this.sink; v !== source; ) {
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
      done[v] = 0
    }
    return found
  }
}
