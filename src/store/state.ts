import type { Db } from './db.ts'

/**
 * centre_state.version moves with every write to referrals, counsellors, sessions or settings,
 * in the same transaction as the write: an allocation remembers the version it was built on,
 * and commit refuses if it moved.
 */
export function bumpStateVersion(db: Db): number {
  const row = db.prepare('UPDATE centre_state SET version = version + 1 WHERE id = 1 RETURNING version').get() as { version: number }
  return row.version
}

export function stateVersion(db: Db): number {
  return (db.prepare('SELECT version FROM centre_state WHERE id = 1').get() as { version: number }).version
}
