import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Caller, Role } from '../auth/caller.ts'
import type { Db } from './db.ts'

export type KeyRepository = ReturnType<typeof createKeyRepository>

/** The stored form of a key: its sha256. A leaked database gives no usable key. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

type KeyRow = { id: string; role: Role; municipality: string | null }

export function createKeyRepository(db: Db) {
  const insert = db.prepare('INSERT INTO api_keys (id, key_hash, role, municipality, created_at) VALUES (?, ?, ?, ?, ?)')
  const byHash = db.prepare('SELECT id, role, municipality FROM api_keys WHERE key_hash = ?')
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
    /** The caller a presented key belongs to, or undefined for an unknown key. */
    findByKey(key: string): Caller | undefined {
      const row = byHash.get(hashKey(key)) as KeyRow | undefined
      if (!row) return undefined
      if (row.role === 'municipality') return { role: 'municipality', municipality: row.municipality ?? '', keyId: row.id }
      return { role: row.role, keyId: row.id }
    },
  }
}
