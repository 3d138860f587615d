import { resolvePolicy } from '../../solver/policy.ts'
import { solve } from '../../solver/solve.ts'
import type { Method, Problem, Proposal, Session, SolveOptions } from '../../solver/types.ts'
import { osloMidnightUtc, todayInOslo } from '../clock.ts'
import { Conflict, NotFound, Unavailable, Validation } from '../errors.ts'
import type { StoredProposal } from '../schemas/allocation.ts'
import { pageOf, type CursorKey, type Page } from '../schemas/page.ts'
import { createAllocationRepository, type AllocationRepository, type AllocationStatus, type AllocationSummary, type StoredAllocation } from '../store/allocation-repository.ts'
import { createCounsellorRepository, type CounsellorRepository } from '../store/counsellor-repository.ts'
import type { Db } from '../store/db.ts'
import { createReferralRepository, type ReferralRepository } from '../store/referral-repository.ts'
import { createSessionRepository, toWireSession, type SessionRepository } from '../store/session-repository.ts'
import { createSettingsRepository, type SettingsRepository } from '../store/settings-repository.ts'
import { stateVersion } from '../store/state.ts'
import { DEFAULT_HORIZON_WEEKS, toSolverCounsellor, toSolverReferral } from './scenario.ts'
import { referralStatus } from './referrals.ts'
import { findDisruptions, type BookedSession } from '../../solver/disruptions.ts'
import { releaseChanges, type RepairProposal } from '../../solver/repair.ts'
import { isLateCancellation } from './sessions.ts'
import { sharedSolvePool, type SolveJob, type SolvePool } from './solve-worker.ts'

/** What the allocation lifecycle reads and writes. */
export type AllocationDeps = {
  readonly db: Db
  readonly referrals: ReferralRepository
  readonly counsellors: CounsellorRepository
  readonly allocations: AllocationRepository
  readonly sessions: SessionRepository
  readonly settings: SettingsRepository
  /** Where runs solve off the event loop (proposeInWorker, solveInWorker). */
  readonly solver: SolvePool
}

/**
 * The repositories on one database. Reading referrals needs no DUF cipher (the solver never sees
 * personal data), so the CLI can build these without TILDELING_SECRET.
 */
export function allocationDeps(db: Db, existing: { referrals?: ReferralRepository; counsellors?: CounsellorRepository; solver?: SolvePool } = {}): AllocationDeps {
  return {
    db,
    referrals: existing.referrals ?? createReferralRepository(db, undefined),
    counsellors: existing.counsellors ?? createCounsellorRepository(db),
    allocations: createAllocationRepository(db),
    sessions: createSessionRepository(db),
    settings: createSettingsRepository(db),
    solver: existing.solver ?? sharedSolvePool(),
  }
}

/** The proposal object of the contract: the stored proposal with its id and current status. */
export type ProposalOut = StoredProposal

export function proposalOut(a: StoredAllocation): ProposalOut {
  // The solver's types are readonly; the wire type is the same shape, mutable.
  return { ...a.proposal, id: a.id, status: a.status } as unknown as ProposalOut
}

/**
 * The allocation problem as the centre stands now. Referrals: everyone not withdrawn and not
 * completed, plus completed ones still owed a follow-up (`meetings: 2`). Pinned: every booked
 * session from the run date on, and the earlier ones of those referrals (a follow-up counts its
 * gap from the first session).
 */
export function loadProblem(deps: AllocationDeps, runDate: string, horizonWeeks: number, now = new Date()): Problem {
  return loadState(deps, runDate, horizonWeeks, now).problem
}

/**
 * loadProblem, and the booked sessions still to come that no longer fit (solver/disruptions.ts):
 * those are left out of `pinned`, so no run keeps them silently; a plan run releases them and a
 * repair moves them (`changes` on the proposal either way).
 */
export function loadState(deps: AllocationDeps, runDate: string, horizonWeeks: number, now = new Date()): { problem: Problem; disrupted: BookedSession[] } {
  const today = todayInOslo(now)
  const stored = deps.referrals.list()
  const booked = deps.referrals.bookedSessions(stored.map((r) => r.id))
  const open = stored.filter((r) => {
    if (r.withdrawnAt !== undefined || r.referredOn > runDate) return false
    const sessions = booked.get(r.id) ?? []
    if (referralStatus(r, sessions, now, today) !== 'completed') return true
    return r.meetings === 2 && !sessions.some((s) => s.kind === 'followup')
  })
  const pinned = new Map<string, Session & { id: string }>()
  for (const s of deps.sessions.list({ status: 'booked', fromUtc: osloMidnightUtc(runDate) })) pinned.set(s.id, toWireSession(s))
  for (const r of open) {
    for (const s of booked.get(r.id) ?? []) {
      if (pinned.has(s.id)) continue
      const { endUtc: _e, ...session } = s
      pinned.set(s.id, session as Session & { id: string })
    }
  }
  const capacity = deps.settings.interpreterCapacity()
  const version = deps.settings.policyVersionOn(runDate)
  const policy = resolvePolicy(version?.policy, runDate)
  const counsellors = deps.counsellors.list().map(toSolverCounsellor)
  const referrals = open.map((r) => toSolverReferral(r, r.referredOn))
  const coming = [...pinned.values()].filter((s) => Date.parse(s.start) > now.getTime())
  const gone = new Set(findDisruptions({ sessions: coming, counsellors, referrals, policy }).map((d) => d.sessionId))
  const problem: Problem = {
    runDate,
    horizonWeeks,
    policy,
    counsellors,
    referrals,
    // The solver pins what it is given; the store's ids are not part of its shape.
    pinned: [...pinned.values()].filter((s) => !gone.has(s.id)).map(({ id: _id, ...s }) => ({ ...s, pinned: true }) as Session),
    ...(capacity !== undefined && { interpreterCapacity: capacity }),
  }
  return { problem, disrupted: coming.filter((s) => gone.has(s.id)) }
}

export type ProposeInput = { readonly runDate?: string | undefined; readonly horizonWeeks?: number | undefined; readonly method?: Method | undefined }

/**
 * The solver's time limit for a run through the API or the pages. Past it the flow hands over to
 * greedy for the requests it has not reached, and the proposal says so (`stats.outcome: "timedout"`).
 */
export const SOLVE_TIME_LIMIT_MS = 10_000

/** What a client is told to wait while a run is in progress: a county's run takes about a second. */
export const BUSY_RETRY_AFTER_SECONDS = 2

/** 503 while another run of the same centre is in progress; the route sends `Retry-After`. */
export class RunInProgress extends Unavailable {
  readonly retryAfterSeconds = BUSY_RETRY_AFTER_SECONDS
  constructor() {
    super(`another allocation run of this centre is in progress; try again in ${BUSY_RETRY_AFTER_SECONDS} seconds`)
  }
}

type Begun = { readonly runDate: string; readonly horizonWeeks: number; readonly version: number; readonly problem: Problem; readonly method: Method | undefined; readonly disrupted: readonly BookedSession[]; readonly now: Date }

/** The run date checked, the state version read first (any write after it makes the commit fail), the problem loaded. */
function beginRun(deps: AllocationDeps, input: ProposeInput, now: Date): Begun {
  const runDate = input.runDate ?? todayInOslo(now)
  // A run in the past would book sessions in the past (history is what replay is for).
  if (runDate < todayInOslo(now)) {
    throw new Validation(`the run date ${runDate} is before today (${todayInOslo(now)}); plan from today or later`, [{ path: 'runDate', message: 'must not be before today' }])
  }
  const horizonWeeks = input.horizonWeeks ?? DEFAULT_HORIZON_WEEKS
  const { version, state } = deps.db.transaction(() => ({ version: stateVersion(deps.db), state: loadState(deps, runDate, horizonWeeks, now) }))()
  return { runDate, horizonWeeks, version, problem: state.problem, disrupted: state.disrupted, method: input.method, now }
}

function store(deps: AllocationDeps, run: Begun, solved: Proposal): ProposalOut {
  // Disrupted bookings were not pinned: each becomes a change, to its referral's new session or to nothing.
  const language = new Map(run.problem.referrals.map((r) => [r.id, r.interpreter ? r.language : null]))
  const released = run.disrupted.length === 0 ? null : releaseChanges(run.disrupted, solved.sessions, run.now.toISOString(), run.problem.policy, (id) => language.get(id) ?? null)
  const planned = released ? ({ ...solved, sessions: released.sessions, changes: released.changes } as Proposal) : solved
  // The policy version the run used: its validFrom, or `default` when the centre has set none.
  const proposal = { ...planned, policyVersion: deps.settings.policyVersionOn(run.runDate)?.validFrom ?? 'default' }
  return proposalOut(deps.allocations.create({ runDate: run.runDate, horizonWeeks: run.horizonWeeks, proposal, stateVersion: run.version }))
}

/** Build, solve and store a proposal on the current state, in this thread (the CLI: nothing else waits on it). */
export function propose(deps: AllocationDeps, input: ProposeInput = {}, now = new Date()): ProposalOut {
  const run = beginRun(deps, input, now)
  return store(deps, run, solve(run.problem, run.method ? { method: run.method } : {}))
}

/** Centres (one database each) with a run in progress. */
const running = new WeakSet<Db>()

/**
 * Run a job in a worker thread, one run at a time per centre: RunInProgress (503) while another is
 * running. For every run the API or a page starts (propose, repair).
 */
export async function runInWorker(deps: AllocationDeps, job: SolveJob): Promise<Proposal | RepairProposal> {
  if (running.has(deps.db)) throw new RunInProgress()
  running.add(deps.db)
  try {
    const outcome = await deps.solver.solve(job)
    if (outcome.ok) return outcome.proposal
    if (outcome.why === 'timeout') throw new Unavailable(`the allocation did not finish within ${outcome.limitMs / 1000} s and was stopped; try again, or run \`tildeling allocate\``)
    throw outcome.error
  } finally {
    running.delete(deps.db)
  }
}

/** Solve `problem` in a worker thread (runInWorker), within the service's time limit. */
export async function solveInWorker(deps: AllocationDeps, problem: Problem, options: SolveOptions = {}): Promise<Proposal> {
  return (await runInWorker(deps, { problem, options: { timeLimitMs: SOLVE_TIME_LIMIT_MS, ...options } })) as Proposal
}

/** Whether a run of this centre is in progress: a second click is refused before any work. */
export const runInProgress = (deps: AllocationDeps): boolean => running.has(deps.db)

/** propose() with the solve in a worker thread: what POST /v1/allocations and the pages call. */
export async function proposeInWorker(deps: AllocationDeps, input: ProposeInput = {}, now = new Date()): Promise<ProposalOut> {
  // Refused before the problem is even loaded: a second click costs nothing.
  if (runInProgress(deps)) throw new RunInProgress()
  const run = beginRun(deps, input, now)
  return store(deps, run, await solveInWorker(deps, run.problem, run.method ? { method: run.method } : {}))
}

export function getAllocation(deps: AllocationDeps, id: string): ProposalOut {
  const a = deps.allocations.findById(id)
  if (!a) throw new NotFound(`no allocation ${id}`)
  return proposalOut(a)
}

/** One page of the run history, newest first; `after` is the (createdAt, id) of the last run of the previous page. */
export function listAllocations(deps: AllocationDeps, filter: { readonly status?: AllocationStatus | undefined }, page: { readonly limit: number; readonly after?: CursorKey | undefined }): Page<AllocationSummary> {
  const [createdAt, id] = page.after ?? []
  const before = createdAt === undefined || id === undefined ? undefined : ([createdAt, id] as const)
  const found = deps.allocations.listNewest({ status: filter.status, before, limit: page.limit + 1 })
  return pageOf(found, page.limit, (a) => [a.createdAt, a.id])
}

/** Book the proposal atomically; 404 / 409 with a detail that says what to do. */
export function commitAllocation(deps: AllocationDeps, id: string, now = new Date()): ProposalOut & { readonly booked: number } {
  const found = deps.allocations.findById(id)
  if (found && found.status === 'proposed') {
    // A proposal left lying past its run date, or a session of it that has begun, books the past.
    const begun = found.proposal.sessions.find((s) => !s.pinned && Date.parse(s.start) <= now.getTime())
    if (found.runDate < todayInOslo(now) || begun) {
      throw new Conflict(`allocation ${id} was proposed for ${found.runDate}${begun ? ` and its session at ${begun.start} has begun` : ''}; run a new allocation and commit that`)
    }
  }
  const policy = resolvePolicy(deps.settings.policyInput(todayInOslo(now)), todayInOslo(now))
  const outcome = deps.allocations.commit(id, (s) => isLateCancellation(s, now, policy))
  if (!outcome.ok) {
    switch (outcome.why) {
      case 'not-found':
        throw new NotFound(`no allocation ${id}`)
      case 'not-proposed':
        throw new Conflict(`allocation ${id} is ${outcome.status}, not proposed; run a new allocation`)
      case 'state-moved':
        throw new Conflict(
          `referrals, counsellors, sessions or the policy changed since this proposal was made (centre state ${outcome.builtOn} -> ${outcome.now}); re-run the allocation and commit the new proposal`,
        )
      case 'overlap':
        throw new Conflict(`counsellor ${outcome.counsellorId} already has a booked session at ${outcome.start}; re-run the allocation`)
    }
  }
  return { ...getAllocation(deps, id), booked: outcome.booked }
}
