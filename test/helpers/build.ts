import type { Test } from 'tap'
import { buildApp, type TildelingApp } from '../../src/app.ts'
import { openDatabase, type Db } from '../../src/store/db.ts'
import type { FastifyBaseLogger } from 'fastify'

export const TEST_SECRET = 'test-secret-not-for-production'

export type Built = {
  app: TildelingApp
  db: Db
  /** `Authorization` headers, one per role; `municipality` is bound to 5001, `otherMunicipality` to 5035. */
  auth: { coordinator: Headers; municipality: Headers; otherMunicipality: Headers; analyst: Headers }
}
type Headers = { authorization: string }

/**
 * An app on a fresh :memory: database (or the file `dbPath`) with a key of each role; closed (app,
 * then database) when the test ends. `secret: null` builds one without TILDELING_SECRET.
 */
export async function build(t: Test, opts: { secret?: string | null; logger?: FastifyBaseLogger; dbPath?: string } = {}): Promise<Built> {
  const db = openDatabase(opts.dbPath ?? ':memory:')
  const app = await buildApp({ db, secret: opts.secret === null ? undefined : (opts.secret ?? TEST_SECRET), ...(opts.logger && { logger: opts.logger }) })
  t.teardown(async () => {
    await app.close()
    db.close()
  })
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` })
  const keys = app.store.keys
  return {
    app,
    db,
    auth: {
      coordinator: bearer(keys.create('coordinator').key),
      municipality: bearer(keys.create('municipality', '5001').key),
      otherMunicipality: bearer(keys.create('municipality', '5035').key),
      analyst: bearer(keys.create('analyst').key),
    },
  }
}

/** A valid referral of municipality 5001 as a municipality posts it; override any field. */
export function referral(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalRef: 'R-1',
    municipality: '5001',
    track: 'ordinary',
    settledOn: '2025-01-10',
    referredOn: '2025-02-01',
    language: 'ar',
    competenceMappingDone: true,
    advisorConsent: true,
    participant: { name: 'Amina Testperson', dufNumber: '2024 12345678' },
    advisor: { name: 'Kari Rådgiver', email: 'kari@trondheim.kommune.no' },
    ...overrides,
  }
}
