import type { Proposal, Session } from '../../solver/types.ts'
import { counted } from '../errors.ts'

export type TableLabels = {
  /** referral id -> what the coordinator recognises (the database's ids are UUIDs: municipality/externalRef). */
  readonly referrals?: ReadonlyMap<string, string>
  /** counsellor id -> name. */
  readonly counsellors?: ReadonlyMap<string, string>
  /** referral id -> what the policy's rules see in it (priorityFacts), so the table shows why who comes first. */
  readonly priorities?: ReadonlyMap<string, string>
}

/** Left-aligned columns, as wide as their widest cell. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/** `2025-03-10T09:00:00+01:00` -> `Mon 2025-03-10 09:00`. */
function when(start: string, end: string): string {
  const day = new Date(`${start.slice(0, 10)}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' })
  return `${day} ${start.slice(0, 10)} ${start.slice(11, 16)}-${end.slice(11, 16)}`
}

/**
 * The proposal as a coordinator reads it in a terminal: sessions (who, when, which counsellor),
 * then the unassigned with their reasons and details, the deadline breaches, and the stats.
 */
export function formatProposal(p: Omit<Proposal, 'status'> & { readonly id?: string; readonly status: string }, labels: TableLabels = {}): string {
  const who = (id: string) => labels.referrals?.get(id) ?? id
  const counsellor = (id: string) => labels.counsellors?.get(id) ?? id
  const priority = (id: string) => labels.priorities?.get(id) ?? '-'
  const whoOf = (s: Session) => (s.kind === 'group' ? `${counted(s.referralIds.length, 'participant')} (${s.language}): ${s.referralIds.map(who).join(', ')}` : who(s.referralId))
  const sorted = [...p.sessions].sort((a, b) => a.start.localeCompare(b.start) || a.counsellorId.localeCompare(b.counsellorId))
  const out: string[] = [`Allocation${p.id ? ` ${p.id}` : ''}, run date ${p.runDate} (${p.status})`, '']
  out.push(`Sessions (${p.sessions.length})`)
  out.push(
    sorted.length === 0
      ? '  none'
      : table(
          ['when', 'kind', 'counsellor', 'who', 'interpreter by', ...(labels.priorities ? ['priority (policy order)'] : [])],
          sorted.map((s) => [
            when(s.start, s.end),
            `${s.kind}${s.pinned ? ' (booked)' : ''}`,
            counsellor(s.counsellorId),
            whoOf(s),
            s.interpreterOrderBy?.slice(0, 10) ?? '-',
            ...(labels.priorities ? [s.kind === 'group' ? '-' : priority(s.referralId)] : []),
          ]),
        ),
  )
  out.push('', `Unassigned (${p.unassigned.length})`)
  out.push(
    p.unassigned.length === 0
      ? '  none'
      : labels.priorities
        ? table(['who', 'reason', 'priority (policy order)', 'detail'], p.unassigned.map((u) => [who(u.referralId), u.reason, priority(u.referralId), u.detail]))
        : table(['who', 'reason', 'detail'], p.unassigned.map((u) => [who(u.referralId), u.reason, u.detail])),
  )
  out.push('', `Deadline breaches (${p.deadlineBreaches.length})`)
  out.push(
    p.deadlineBreaches.length === 0
      ? '  none'
      : table(['who', 'deadline', 'planned on', 'reason', 'detail'], p.deadlineBreaches.map((d) => [who(d.referralId), d.deadline, d.plannedOn ?? '-', d.reason, d.detail])),
  )
  const s = p.stats
  out.push(
    '',
    'Stats',
    `  referrals ${s.referrals}, scheduled ${s.scheduled}, within deadline ${s.withinDeadline}, unassigned ${s.unassigned}, deadline breaches ${s.deadlineBreaches}`,
    `  sessions ${s.sessions} (group meetings ${s.groupMeetings}, follow-ups ${s.followups}${s.followupsPending ? `, ${s.followupsPending} second meetings not yet planned in this horizon` : ''}); method ${s.method}, ${s.outcome}, ${s.solveMs} ms${s.groupMethod !== undefined ? `; group meetings formed by ${s.groupMethod === 'lp' ? 'LP (javascript-lp-solver)' : s.groupMethod}` : ''}`,
    `  objective: ${s.objective.map((o) => `${o.rule} ${o.value}${o.bound !== undefined ? ` (bound ${o.bound})` : ''}`).join(', ') || '-'}`,
  )
  return out.join('\n') + '\n'
}
