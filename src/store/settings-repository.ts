import type { PolicyInput } from '../../solver/types.ts'
import { immediate, type Db } from './db.ts'
import { bumpStateVersion } from './state.ts'

export type SettingsRepository = ReturnType<typeof createSettingsRepository>

/** The centre's settings: 'policy' (a PolicyInput) and 'interpreterCapacity' (language -> sessions a day), as JSON. */
export function createSettingsRepository(db: Db) {
  const get = db.prepare('SELECT value FROM settings WHERE key = ?').pluck()
  const upsert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
  const remove = db.prepare('DELETE FROM settings WHERE key = ?')
  const read = <T>(key: string): T | undefined => {
    const value = get.get(key) as string | undefined
    return value === undefined ? undefined : (JSON.parse(value) as T)
  }
  return {
    policyInput: (): PolicyInput | undefined => read<PolicyInput>('policy'),
    interpreterCapacity: (): Record<string, number> | undefined => read<Record<string, number>>('interpreterCapacity'),
    /** Replace both settings in one transaction; an absent interpreterCapacity means unlimited. */
    update: immediate(db.transaction((policy: PolicyInput, interpreterCapacity: Record<string, number> | undefined) => {
      upsert.run('policy', JSON.stringify(policy))
      if (interpreterCapacity === undefined) remove.run('interpreterCapacity')
      else upsert.run('interpreterCapacity', JSON.stringify(interpreterCapacity))
      bumpStateVersion(db)
    })),
  }
}
