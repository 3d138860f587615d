import { addDays, epochMs, fromOsloDateTime, interpreterOrderDate, type Closing } from '../../solver/calendar.ts'
import { resolvePolicy } from '../../solver/policy.ts'
import type { Policy } from '../../solver/types.ts'
import { actorOf, type Caller } from '../auth/caller.ts'
import { Conflict, Forbidden, NotFound } from '../errors.ts'
import type { SettingsRepository } from '../store/settings-repository.ts'
import { TASK_KINDS, type TaskKind, type TaskRepository, type TaskSession } from '../store/task-repository.ts'

export { TASK_KINDS, type TaskKind }

/** One task as the API gives it. */
export type Task = {
  /** `<sessionId>:<kind>`: stable while the session is booked, also when it moves. */
  readonly id: string
  readonly kind: TaskKind
  readonly referralId: string
  readonly sessionId: string
  readonly dueOn: string
  readonly doneAt?: string
}

/** A task with the session it belongs to, for the page. */
export type TaskLine = Task & { readonly counsellorId: string; readonly start: string; readonly end: string }

export type TaskDeps = { readonly tasks: TaskRepository; readonly settings: SettingsRepository }

/** The participant sends the overview of education, work and goal at least 2 days before the session (source 000). */
export const OVERVIEW_WORKING_DAYS = 2

/**
 * The task a session gives: the counsellor's note after an ordinary session (first or follow-up,
 * source 001), the participant's overview before a ukraine track's individual session (000); the
 * corona track has neither, and a follow-up builds on the overview already sent.
 */
export function taskKindOf(s: Pick<TaskSession, 'track' | 'kind'>): TaskKind | undefined {
  if (s.track === 'ordinary') return 'note'
  if (s.track === 'ukraine' && s.kind === 'individual') return 'participant-overview'
  return undefined
}

/** The note is due `noteDueDays` calendar days after the session ("within one week", 001). */
export function noteDueOn(sessionDate: string, policy: Pick<Policy, 'noteDueDays'>): string {
  return addDays(sessionDate, policy.noteDueDays)
}

/**
 * The overview is due 2 working days before the session, counted as the interpreter order day is
 * (the due day counts, the session day does not; weekends, public holidays and the centre's closed
 * days do not count): a session on Monday has it due on Thursday.
 */
export function overviewDueOn(sessionDate: string, closing: Closing): string {
  return interpreterOrderDate(sessionDate, OVERVIEW_WORKING_DAYS, closing)
}

const taskId = (sessionId: string, kind: TaskKind) => `${sessionId}:${kind}`

/** The policy in force on each session's date (a dated policy applies to the sessions of its period). */
function policyOnDate(settings: SettingsRepository): (date: string) => Policy {
  const seen = new Map<string, Policy>()
  return (date) => {
    let p = seen.get(date)
    if (!p) seen.set(date, (p = resolvePolicy(settings.policyInput(date), date)))
    return p
  }
}

function taskOf(s: TaskSession, policyOn: (date: string) => Policy): TaskLine | undefined {
  const kind = taskKindOf(s)
  if (!kind) return undefined
  const date = fromOsloDateTime(s.start).date
  const policy = policyOn(date)
  const doneAt = s.done[kind]
  return {
    id: taskId(s.sessionId, kind),
    kind,
    referralId: s.referralId,
    sessionId: s.sessionId,
    dueOn: kind === 'note' ? noteDueOn(date, policy) : overviewDueOn(date, policy),
    ...(doneAt !== undefined && { doneAt }),
    counsellorId: s.counsellorId,
    start: s.start,
    end: s.end,
  }
}

function notAnalyst(caller: Caller) {
  if (caller.role === 'analyst') throw new Forbidden('tasks need a coordinator or municipality key; yours is an analyst key')
}

/**
 * The tasks of booked sessions, by due date: the centre sees all, a municipality those of its own
 * referrals. `dueBefore` keeps the tasks due earlier than that date; done tasks stay listed with
 * `doneAt`, or, with `doneSince` (an instant), only those done since then. A cancelled session has no tasks.
 */
export function listTasks(deps: TaskDeps, caller: Caller, q: { counsellorId?: string | undefined; dueBefore?: string | undefined; doneSince?: string | undefined } = {}): TaskLine[] {
  notAnalyst(caller)
  const policyOn = policyOnDate(deps.settings)
  const municipality = caller.role === 'municipality' ? caller.municipality : undefined
  return deps.tasks
    .sessions({ counsellorId: q.counsellorId, municipality })
    .flatMap((s) => taskOf(s, policyOn) ?? [])
    .filter((t) => q.dueBefore === undefined || t.dueOn < q.dueBefore)
    .filter((t) => q.doneSince === undefined || t.doneAt === undefined || epochMs(t.doneAt) >= epochMs(q.doneSince))
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || epochMs(a.start) - epochMs(b.start) || a.id.localeCompare(b.id))
}

/**
 * Why this caller may not mark the task done now, or undefined when it may: the note is the
 * centre's to register, and only once the session has begun; a municipality marks its
 * participants' overviews as received.
 */
export function whyNotDone(caller: Caller, task: Pick<TaskLine, 'kind' | 'start'>, now: Date): 'centre-only' | 'not-yet' | undefined {
  if (task.kind === 'note' && caller.role !== 'coordinator') return 'centre-only'
  if (task.kind === 'note' && epochMs(task.start) > now.getTime()) return 'not-yet'
  return undefined
}

/**
 * Mark one task done (again: no change, the first time stays). Unknown tasks, those of a cancelled
 * session and another municipality's are not found.
 */
export function markTaskDone(deps: TaskDeps, caller: Caller, id: string, now: Date = new Date()): TaskLine {
  notAnalyst(caller)
  const [sessionId = '', kind, ...rest] = id.split(':')
  const municipality = caller.role === 'municipality' ? caller.municipality : undefined
  const find = () => {
    const s = rest.length === 0 && (TASK_KINDS as readonly string[]).includes(kind ?? '') ? deps.tasks.sessions({ sessionId, municipality })[0] : undefined
    const task = s && taskOf(s, policyOnDate(deps.settings))
    return task?.kind === kind ? task : undefined
  }
  const task = find()
  if (!task) throw new NotFound(`no task ${id}`)
  if (task.doneAt !== undefined) return task
  const why = whyNotDone(caller, task, now)
  if (why === 'centre-only') throw new Forbidden('the counsellor\'s note is registered by the centre; a municipality key cannot mark it done')
  if (why === 'not-yet') throw new Conflict(`the note is written after the session, which starts ${task.start}`)
  deps.tasks.markDone(task.sessionId, task.kind, actorOf(caller), now)
  const done = find()
  if (!done) throw new Error(`task ${id} was marked done but does not read back`)
  return done
}
