import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t from 'tap'
import { createLogger } from '../../src/logger.ts'
import { ReferralInputSchema } from '../../src/schemas/referral.ts'
import { startServer } from '../../src/server.ts'
import { createReferralRepository } from '../../src/store/referral-repository.ts'
import { createDufCipher } from '../../src/store/crypto.ts'
import { migrationFiles, openDatabase } from '../../src/store/db.ts'
import { stateVersion } from '../../src/store/state.ts'
import { build, referral, TEST_SECRET } from '../helpers/build.ts'

t.test('a file database is created with its folder, in WAL mode, with foreign keys, migrated', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-store-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'nested', 'folder', 't.db')
  const db = openDatabase(path)
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal', 'WAL mode')
  t.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys on')
  const latest = Math.max(...migrationFiles().map((m) => m.version))
  t.equal(db.pragma('user_version', { simple: true }), latest, 'every migration applied')
  db.close()
  const again = openDatabase(path)
  t.equal(again.pragma('user_version', { simple: true }), latest, 'reopening applies nothing twice')
  t.equal(stateVersion(again), 0, 'and keeps the data (no re-run of 001)')
  again.close()
})

t.test('foreign keys are enforced', async (t) => {
  const db = openDatabase(':memory:')
  t.teardown(() => db.close())
  t.throws(() => db.prepare("INSERT INTO session_referrals VALUES ('no-session', 'no-referral')").run(), /FOREIGN KEY/, 'a dangling reference is refused')
})

t.test('every write to referrals and counsellors bumps the state version', async (t) => {
  const { app, auth, db } = await build(t)
  const v0 = stateVersion(db)
  const res = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.coordinator, payload: { referrals: [referral(), referral({ externalRef: 'R-2' })] } })
  t.equal(stateVersion(db), v0 + 1, 'a batch bumps it once')
  await app.inject({ method: 'PATCH', url: `/v1/referrals/${res.json().ids[0]}`, headers: auth.coordinator, payload: { advisorConsent: false } })
  t.equal(stateVersion(db), v0 + 2, 'a patch bumps it')
  await app.inject({ method: 'PUT', url: '/v1/counsellors/c1', headers: auth.coordinator, payload: { name: 'Kari', weekly: [] } })
  t.equal(stateVersion(db), v0 + 3, 'a counsellor put bumps it')
  await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.coordinator, payload: { referrals: [referral({ settledOn: 'soon' })] } })
  t.equal(stateVersion(db), v0 + 3, 'a refused batch does not')
})

t.test('the DUF number is stored encrypted, never plain', async (t) => {
  const { app, auth, db } = await build(t)
  await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [referral()] } })
  const row = db.prepare('SELECT * FROM referrals').get() as Record<string, unknown>
  t.notOk(JSON.stringify(row).includes('12345678'), 'no column holds the number')
  t.match(row.duf_encrypted, /^v1\./, 'the ciphertext is in duf_encrypted')
})

t.test('without TILDELING_SECRET a DUF number is refused and nothing is stored', async (t) => {
  const { app, auth, db } = await build(t, { secret: null })
  const res = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [referral({ externalRef: 'x', participant: { name: 'N' } }), referral()] } })
  t.equal(res.statusCode, 422, 'the batch is 422')
  t.match(res.json().errors, [{ index: 1, path: 'participant.dufNumber', message: /until TILDELING_SECRET is set/ }], 'saying why, for the item with the number')
  t.equal((db.prepare('SELECT count(*) AS n FROM referrals').get() as { n: number }).n, 0, 'nothing was stored')
  const noDuf = await app.inject({ method: 'POST', url: '/v1/referrals', headers: auth.municipality, payload: { referrals: [referral({ participant: { name: 'N' } })] } })
  t.equal(noDuf.statusCode, 200, 'a referral without a DUF number is still accepted')
})

t.test('the cipher round-trips, uses a fresh IV, and detects tampering or a wrong secret', async (t) => {
  const cipher = createDufCipher('a-secret-of-some-length')
  const a = cipher.encrypt('2024 12345678')
  t.equal(cipher.decrypt(a), '202412345678', 'round trip, normalised to 12 digits')
  t.not(cipher.encrypt('202412345678'), a, 'the same number encrypts differently each time')
  const parts = a.split('.')
  const last = parts[3] ?? ''
  const flipped = [...parts.slice(0, 3), (last[0] === 'A' ? 'B' : 'A') + last.slice(1)].join('.')
  t.throws(() => cipher.decrypt(flipped), 'a changed ciphertext does not decrypt')
  t.throws(() => createDufCipher('another-secret-entirely').decrypt(a), 'another secret does not decrypt')
})

t.test('the server refuses to start when the stored DUF numbers cannot be read with its secret', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tildeling-duf-start-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const dbPath = join(dir, 't.db')
  const quiet = createLogger({ stream: new Writable({ write: (_c, _e, done) => done() }) })
  const start = (secret: string | undefined) => startServer({ dbPath, port: 0, host: '127.0.0.1', secret, logger: quiet })

  const empty = await start(undefined)
  await empty.close()
  t.pass('with no DUF number stored it starts without a secret')

  const db = openDatabase(dbPath)
  const { referredOn: _r, ...input } = ReferralInputSchema.parse(referral())
  createReferralRepository(db, createDufCipher(TEST_SECRET)).upsertBatch([{ ...input, referredOn: '2025-02-01' }])
  db.close()
  await t.rejects(start(undefined), /holds encrypted DUF numbers but TILDELING_SECRET is not set/, 'without the secret it refuses, saying why')
  await t.rejects(start('another-secret-than-the-one-used'), /does not decrypt the DUF numbers/, 'with another secret it refuses, saying why')
  const right = await start(TEST_SECRET)
  await right.close()
  t.pass('with the secret they were stored with it starts')
})
