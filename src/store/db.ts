import Database from 'better-sqlite3'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type Db = Database.Database

export const DEFAULT_DB_PATH = './data/tildeling.db'
const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

/**
 * Open the database (file or ':memory:'), set the pragmas and apply pending migrations.
 * The folder of a file path is created, so a fresh clone starts with no setup.
 */
export function openDatabase(path: string = DEFAULT_DB_PATH): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  // WAL lets readers go on while one writer commits; memory databases ignore it.
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  // Another process (the CLI importing while the server runs) may hold the write lock briefly.
  db.pragma('busy_timeout = 5000')
  migrate(db)
  return db
}

/**
 * A transaction function that always begins with BEGIN IMMEDIATE (nested in another transaction it
 * is a savepoint, as any). For read-then-write work: a deferred transaction that read a snapshot
 * another process has since written past fails at once with SQLITE_BUSY, which busy_timeout cannot
 * wait out; taking the write lock first makes the second writer wait its turn instead.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function immediate<F extends (...args: any[]) => any>(tx: Database.Transaction<F>): F {
  return ((...args: Parameters<F>) => (tx.immediate as unknown as (...a: Parameters<F>) => ReturnType<F>)(...args)) as F
}

/** The migration files `NNN-name.sql`, in order of their number. */
export function migrationFiles(): { version: number; name: string; sql: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(join(MIGRATIONS_DIR, f), 'utf8') }))
    .sort((a, b) => a.version - b.version)
}

/** Apply every migration above PRAGMA user_version, each in its own transaction with its version bump. */
export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number
  let version = current
  for (const m of migrationFiles()) {
    if (m.version <= current) continue
    db.transaction(() => {
      db.exec(m.sql)
      // PRAGMA takes no bound parameters; m.version is a parsed integer, not input.
      db.pragma(`user_version = ${m.version}`)
    })()
    version = m.version
  }
  return version
}
