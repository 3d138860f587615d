import t from 'tap'
import { Validation } from '../../src/errors.ts'
import { ImportFileError, parseReferralCsv, parseReferralJson, readReferralFile } from '../../src/services/import.ts'
import { intakeReferrals } from '../../src/services/referrals.ts'
import { build } from '../helpers/build.ts'

const fixture = (name: string) => new URL(`../../fixtures/import/${name}`, import.meta.url).pathname

t.test('an Excel CSV (BOM, ;, CRLF, ja/nei, empty cells, quoted ;) reads as the API\'s referrals', async (t) => {
  const { items, label } = readReferralFile(fixture('referrals-excel-semicolon.csv'))
  t.equal(items.length, 3, 'three rows')
  t.same(items[0], {
    externalRef: 'TR-101', municipality: '5001', track: 'ordinary', settledOn: '2025-01-06', referredOn: '2025-01-20', language: 'ar',
    interpreter: true, competenceMappingDone: true, advisorConsent: false, meetings: 2, programmeEndsOn: '2026-06-30',
    participant: { name: 'Testperson En', dufNumber: '2024 00000001' }, advisor: { name: 'Kari Rådgiver', email: 'kari@trondheim.kommune.no' },
  }, 'the BOM is dropped, ja/nei are booleans, meetings a number, dotted columns nest')
  t.same(items[1], { externalRef: 'TR-102', municipality: '5001', track: 'ukraine', settledOn: '2025-01-13', referredOn: '2025-01-20', language: 'uk', interpreter: false, advisor: { name: 'Kari Rådgiver', email: 'kari@trondheim.kommune.no' } }, 'empty cells are absent, not empty strings')
  t.match(items[2], { interpreter: true, competenceMappingDone: false, advisorConsent: true, participant: { name: 'Testperson; Tre' } }, '1/0 are booleans and a quoted ; stays in its cell')
  t.equal(label(0), 'line 2', 'items are named by their line in the file')
})

t.test('a comma-separated CSV is detected and stored through the same intake', async (t) => {
  const { app } = await build(t)
  const { items } = readReferralFile(fixture('referrals-comma.csv'))
  const result = intakeReferrals(app.store.referrals, { role: 'coordinator', keyId: 'test' }, items)
  t.match(result, { created: 2, updated: 0 }, 'both rows are stored')
})

t.test('an invalid CSV fails as the API does: every row listed, nothing stored', async (t) => {
  const { app, db } = await build(t)
  const { items } = readReferralFile(fixture('referrals-invalid.csv'))
  const err = t.throws(() => intakeReferrals(app.store.referrals, { role: 'coordinator', keyId: 'test' }, items)) as unknown
  t.ok(err instanceof Validation, 'a validation error')
  const paths = (err as Validation).items.map((p) => `${p.index}:${p.path}`)
  t.same(paths.sort(), ['0:competenceMappingDone', '0:settledOn', '1:advisor.email'], 'an impossible date, a non-boolean and a bad e-mail are each named')
  t.equal((db.prepare('SELECT count(*) AS n FROM referrals').get() as { n: number }).n, 0, 'the valid third row is not stored either')
})

t.test('JSON: { referrals } or a bare array; anything else is a clear error', async (t) => {
  t.equal(readReferralFile(fixture('referrals.json')).items.length, 2, '{ referrals: [...] } reads')
  t.equal(parseReferralJson('[{"a":1}]').items.length, 1, 'a bare array reads')
  t.throws(() => parseReferralJson('{"items": []}'), ImportFileError, 'an object without referrals is refused')
  t.throws(() => parseReferralJson('{"referrals": ['), /is not JSON/, 'broken JSON is refused')
  t.throws(() => readReferralFile('/no/such/file.csv'), /cannot read/, 'a missing file is refused')
  t.throws(() => readReferralFile('referrals.xlsx'), /\.csv or \.json/, 'another extension is refused')
  t.throws(() => parseReferralCsv('a;b\n1;2;3\n'), /not valid CSV/, 'a row with too many cells is refused')
})
