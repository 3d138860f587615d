import type { PolicyInput } from '../../solver/types.ts'
import { todayInOslo } from '../clock.ts'
import { immediate, type Db } from './db.ts'
import { bumpStateVersion } from './state.ts'

export type SettingsRepository = ReturnType<typeof createSettingsRepository>

/** One dated policy version: the fields a coordinator set, in force from validFrom. */
export type PolicyVersion = { readonly validFrom: string; readonly policy: PolicyInput }

/** validFrom of the settings stored before policies were dated: in force from the beginning. */
export const UNDATED = '2000-01-01'

/** The centre's settings: 'policy' (a PolicyInput) and 'interpreterCapacity' (language -> sessions a day), as JSON. */
export function createSettingsRepository(db: Db) {
  const get = db.prepare('SELECT value FROM settings WHERE key = ?').pluck()
  const upsert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
  const remove = db.prepare('DELETE FROM settings WHERE key = ?')
  const read = <T>(key: string): T | undefined => {
    const value = get.get(key) as string | undefined
    return value === undefined ? undefined : (JSON.parse(value) as T)
  }
  const versionOn = db.prepare('SELECT valid_from AS validFrom, policy FROM policy_versions WHERE valid_from <= ? ORDER BY valid_from DESC LIMIT 1')
  const allVersions = db.prepare('SELECT valid_from AS validFrom, policy FROM policy_versions ORDER BY valid_from')
  const putVersion = db.prepare(
    'INSERT INTO policy_versions (valid_from, policy, created_at) VALUES (?, ?, ?) ON CONFLICT (valid_from) DO UPDATE SET policy = excluded.policy, created_at = excluded.created_at',
  )
  /** The version in force on a date: the newest from on or before it, else the undated one from before versions. */
  const policyVersionOn = (on: string): PolicyVersion | undefined => {
    const row = versionOn.get(on) as { validFrom: string; policy: string } | undefined
    if (row) return { validFrom: row.validFrom, policy: JSON.parse(row.policy) as PolicyInput }
    const legacy = read<PolicyInput>('policy')
    return legacy === undefined ? undefined : { validFrom: UNDATED, policy: legacy }
  }
  return {
    /** The settings in force on `on` (default today in Oslo): the dated version, see policyVersionOn. */
    policyInput: (on: string = todayInOslo()): PolicyInput | undefined => policyVersionOn(on)?.policy,
    policyVersionOn,
    /** Every dated version, oldest first. */
    policyVersions: (): PolicyVersion[] =>
      (allVersions.all() as { validFrom: string; policy: string }[]).map((r) => ({ validFrom: r.validFrom, policy: JSON.parse(r.policy) as PolicyInput })),
    /** Keep a version from `validFrom` (a second one with the same date replaces it) and the interpreter capacity, in one transaction. */
    putPolicyVersion: immediate(db.transaction((validFrom: string, policy: PolicyInput, interpreterCapacity: Record<string, number> | undefined) => {
      putVersion.run(validFrom, JSON.stringify(policy), new Date().toISOString())
      if (interpreterCapacity === undefined) remove.run('interpreterCapacity')
      else upsert.run('interpreterCapacity', JSON.stringify(interpreterCapacity))
      bumpStateVersion(db)
    })),
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
