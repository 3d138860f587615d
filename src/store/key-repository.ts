import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Caller, Role } from '../auth/caller.ts'
import type { Db } from './db.ts'

export type KeyRepository = ReturnType<typeof createKeyRepository>

/** The stored form of a key: its sha256. A leaked database gives no usable key. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

type KeyRow = { id: string; role: Role; municipality: string | null }

/** A key as the coordinator lists it: never the key, only what it is for. */
export type KeyInfo = { readonly id: string; readonly role: Role; readonly municipality?: string; readonly createdAt: string; readonly revokedAt?: string }

export function createKeyRepository(db: Db) {
  const insert = db.prepare('INSERT INTO api_keys (id, key_hash, role, municipality, created_at) VALUES (?, ?, ?, ?, ?)')
  const byHash = db.prepare('SELECT id, role, municipality FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL')
  const all = db.prepare('SELECT id, role, municipality, created_at, revoked_at FROM api_keys ORDER BY created_at, id')
  const revoke = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
  return {
    /** Create a key; the plain key is returned once and never stored. */
    create(role: Role, municipality?: string): { id: string; key: string } {
      if ((role === 'municipality') !== (municipality !== undefined)) {
        throw new Error('a municipality key needs a municipality number, and only a municipality key has one')
      }
      const id = randomUUID()
      const key = `tl_${randomBytes(32).toString('base64url')}`
      insert.run(id, hashKey(key), role, municipality ?? null, new Date().toISOString())
      return { id, key }
    },
    list(): KeyInfo[] {
      return (all.all() as (KeyRow & { created_at: string; revoked_at: string | null })[]).map((r) => ({
        id: r.id,
        role: r.role,
        ...(r.municipality !== null && { municipality: r.municipality }),
        createdAt: r.created_at,
        ...(r.revoked_at !== null && { revokedAt: r.revoked_at }),
      }))
    },
    /** Revoke a key by id; false when there is no such key or it was revoked already. */
    revoke(id: string): boolean {
      return revoke.run(new Date().toISOString(), id).changes === 1
    },
    /** The caller a presented key belongs to, or undefined for an unknown or revoked key. */
    findByKey(key: string): Caller | undefined {
      const row = byHash.get(hashKey(key)) as KeyRow | undefined
      if (!row) return undefined
      if (row.role === 'municipality') return { role: 'municipality', municipality: row.municipality ?? '', keyId: row.id }
      return { role: row.role, keyId: row.id }
    },
  }
}
