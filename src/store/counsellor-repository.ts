import type { CounsellorInput, CounsellorWire } from '../schemas/counsellor.ts'
import { immediate, type Db } from './db.ts'
import { bumpStateVersion } from './state.ts'

export type CounsellorRepository = ReturnType<typeof createCounsellorRepository>

type Row = {
  id: string
  name: string
  municipalities: string
  weekly: string
  absences: string
  employed_from: string | null
  employed_until: string | null
  max_sessions_per_day: number | null
}

function fromRow(r: Row): CounsellorWire {
  return {
    id: r.id,
    name: r.name,
    municipalities: JSON.parse(r.municipalities) as string[],
    weekly: JSON.parse(r.weekly) as CounsellorWire['weekly'],
    absences: JSON.parse(r.absences) as CounsellorWire['absences'],
    ...(r.employed_from !== null && { employedFrom: r.employed_from }),
    ...(r.employed_until !== null && { employedUntil: r.employed_until }),
    ...(r.max_sessions_per_day !== null && { maxSessionsPerDay: r.max_sessions_per_day }),
  }
}

export function createCounsellorRepository(db: Db) {
  const byId = db.prepare('SELECT * FROM counsellors WHERE id = ?')
  const all = db.prepare('SELECT * FROM counsellors ORDER BY id')
  const upsert = db.prepare(
    `INSERT INTO counsellors (id, name, municipalities, weekly, absences, employed_from, employed_until, max_sessions_per_day, updated_at)
     VALUES (@id, @name, @municipalities, @weekly, @absences, @employed_from, @employed_until, @max_sessions_per_day, @now)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, municipalities = excluded.municipalities, weekly = excluded.weekly,
       absences = excluded.absences, employed_from = excluded.employed_from, employed_until = excluded.employed_until,
       max_sessions_per_day = excluded.max_sessions_per_day, updated_at = excluded.updated_at`,
  )
  return {
    findById(id: string): CounsellorWire | undefined {
      const row = byId.get(id) as Row | undefined
      return row && fromRow(row)
    },
    list(): CounsellorWire[] {
      return (all.all() as Row[]).map(fromRow)
    },
    /** Create or replace a counsellor (PUT semantics); `created` tells which. */
    put: immediate(db.transaction((id: string, c: CounsellorInput): { created: boolean; counsellor: CounsellorWire } => {
      const created = byId.get(id) === undefined
      upsert.run({
        id,
        name: c.name,
        municipalities: JSON.stringify(c.municipalities),
        weekly: JSON.stringify(c.weekly),
        absences: JSON.stringify(c.absences),
        employed_from: c.employedFrom ?? null,
        employed_until: c.employedUntil ?? null,
        max_sessions_per_day: c.maxSessionsPerDay ?? null,
        now: new Date().toISOString(),
      })
      bumpStateVersion(db)
      return { created, counsellor: fromRow(byId.get(id) as Row) }
    })),
  }
}
