import { readFileSync } from 'node:fs'
import t from 'tap'
import { messages } from '../../src/i18n/index.ts'
import { decodeText, describe, ImportFileError, importReferrals, referralCsvTemplate } from '../../src/services/import.ts'
import { build } from '../helpers/build.ts'

// CSV as Norwegian municipalities really export it from Excel (issue 13, item 9).
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/import/${name}`, import.meta.url))
const coordinator = { role: 'coordinator', keyId: 'test' } as const
const TODAY = '2025-03-01'

t.test('a Windows-1252 "CSV (semikolondelt)" with æøå, Norwegian headers and dd.mm.yyyy imports intact', async (t) => {
  const { app, auth } = await build(t)
  const bytes = fixture('referrals-excel-windows-1252.csv')
  t.ok(bytes.includes(0xc5) && !bytes.includes(0xc3), 'the fixture really is Windows-1252 (Å is one byte 0xC5, no UTF-8 lead bytes)')
  const outcome = importReferrals(app.store.referrals, coordinator, bytes, { format: 'csv', lang: 'nb', today: TODAY })
  t.match(outcome, { ok: true, rows: 2, created: 2, encoding: 'windows-1252' }, 'both rows stored, read as Windows-1252')
  const listed = (await app.inject({ method: 'GET', url: '/v1/referrals', headers: auth.coordinator })).json().referrals
  const byRef = new Map(listed.map((r: { externalRef: string }) => [r.externalRef, r]))
  t.match(byRef.get('NO-1'), {
    participant: { name: 'Åse Ødegård' }, advisor: { name: 'Kåre Rådgiver' }, track: 'ordinary', settledOn: '2025-01-06', referredOn: '2025-01-20',
    interpreter: true, competenceMappingDone: true, advisorConsent: false, meetings: 2,
  }, 'names keep æøå; Norwegian track, dates, ja/nei and the number of meetings read as the API\'s')
  t.match(byRef.get('NO-2'), { participant: { name: 'Bjørn Æsøy' }, track: 'ukraine', settledOn: '2025-01-13', interpreter: false }, 'd.m.yyyy reads too')
  t.notOk(JSON.stringify(listed).includes('\uFFFD'), 'no U+FFFD anywhere')
})

t.test('the same file saved as UTF-8, with or without BOM, reads the same', async (t) => {
  const text = new TextDecoder('windows-1252').decode(fixture('referrals-excel-windows-1252.csv'))
  for (const [what, bytes] of [['UTF-8 with BOM', Buffer.from(`\uFEFF${text}`, 'utf8')], ['UTF-8 without BOM', Buffer.from(text, 'utf8')]] as const) {
    const decoded = decodeText(bytes)
    t.equal(decoded.encoding, 'utf-8', `${what}: read as UTF-8`)
    t.equal(decoded.text, text, `${what}: the same text, BOM dropped`)
  }
})

t.test('a file it cannot read for certain is refused naming the encoding, never stored with U+FFFD', async (t) => {
  const { app, db } = await build(t)
  const header = 'externalRef;municipality;track;settledOn;language;advisor.name;advisor.email\r\n'
  const cases: [string, Buffer, RegExp][] = [
    ['UTF-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(header, 'utf16le')]), /UTF-16/],
    ['bytes undefined in Windows-1252', Buffer.concat([Buffer.from(header), Buffer.from('X-1;5001;ordinary;2025-01-06;ar;K\x81re;k@x.no\r\n', 'latin1')]), /neither valid UTF-8 nor Windows-1252 .*line 2/],
    ['a replacement character already in the text', Buffer.from(`${header}X-1;5001;ordinary;2025-01-06;ar;\uFFFDse;k@x.no\r\n`, 'utf8'), /replacement character .*line 2/],
  ]
  for (const [what, bytes, message] of cases) {
    const outcome = importReferrals(app.store.referrals, coordinator, bytes, { format: 'csv', lang: 'en', today: TODAY })
    t.match(outcome, { ok: false, status: 422, problems: [{ message }] }, `${what}: refused, saying why`)
    t.throws(() => decodeText(bytes), ImportFileError, `${what}: decodeText refuses it too`)
  }
  t.equal(db.prepare('SELECT count(*) FROM referrals').pluck().get(), 0, 'nothing stored')
  const nb = importReferrals(app.store.referrals, coordinator, cases[1]![1], { format: 'csv', lang: 'nb' })
  t.match(nb, { ok: false, problems: [{ message: /verken gyldig UTF-8 eller Windows-1252/ }] }, 'in Norwegian by default')
})

t.test('every bad row is listed with its line, column and what to write instead; nothing stored', async (t) => {
  const { app, db } = await build(t)
  const outcome = importReferrals(app.store.referrals, coordinator, fixture('referrals-many-errors.csv'), { format: 'csv', lang: 'nb', today: TODAY })
  if (outcome.ok) {
    t.fail('the file has errors')
    return
  }
  const shown = outcome.problems.map((p) => describe(p, messages('nb').intake))
  t.same(shown.filter((l) => /^linje 2,/.test(l)), [
    'linje 2, kolonne «Bosatt»: skriv datoen som dd.mm.åååå (f.eks. 15.01.2025) eller åååå-mm-dd',
    'linje 2, kolonne «Tolk»: skriv ja eller nei',
  ], 'an impossible month and a non-boolean on line 2, each saying what to write')
  t.ok(shown.includes('linje 3, kolonne «Spor»: skriv ordinær, ukraina eller korona'), 'an unknown track')
  t.ok(shown.includes('linje 3, kolonne «Bosatt»: skriv året med fire sifre, f.eks. 15.01.2025'), 'a two-digit year')
  t.ok(shown.some((l) => l.startsWith('linje 5, kolonne «Rådgivers e-post»: ')), 'a bad e-mail, under the file\'s own header')
  t.ok(shown.includes('linje 6, kolonne «Bosatt»: skriv datoen som dd.mm.åååå (f.eks. 15.01.2025) eller åååå-mm-dd'), '30.02 is no date')
  t.ok(shown.includes('linje 7: raden har 10 celler, men overskriften har 9; sjekk skilletegn (; eller ,) og anførselstegn'), 'a row with an extra cell')
  t.ok(shown.some((l) => l.startsWith('linje 9, kolonne «Kommunenummer»: ')), 'a three-digit municipality')
  t.equal(outcome.problems.length, 8, `all eight problems listed, none summarised as "and N more" (${shown.join(' | ')})`)
  t.same(outcome.problems.map((p) => p.line), [...outcome.problems.map((p) => p.line)].sort((a = 0, b = 0) => a - b), 'in line order')
  t.equal(db.prepare('SELECT count(*) FROM referrals').pluck().get(), 0, 'the valid rows are not stored either')

  const en = importReferrals(app.store.referrals, coordinator, fixture('referrals-many-errors.csv'), { format: 'csv', lang: 'en', today: TODAY })
  t.match(!en.ok && describe(en.problems[0]!, messages('en').intake), /^line 2, column "Bosatt": write the date as dd\.mm\.yyyy/, 'in English: line N, column')
})

t.test('once the file is valid, the intake\'s own rules are reported per line too', async (t) => {
  const { app } = await build(t)
  const csv = 'Saksnummer;Kommune;Spor;Bosatt;Henvist;Språk;Rådgiver;E-post\r\nK-1;5001;korona;06.01.2025;20.01.2025;ar;Kåre;k@x.no\r\nK-2;5001;ordinær;06.01.2024;20.01.2025;ar;Kåre;k@x.no\r\n'
  const outcome = importReferrals(app.store.referrals, coordinator, Buffer.from(csv), { format: 'csv', lang: 'en', today: TODAY })
  t.match(outcome, { ok: false, status: 422, problems: [{ line: 2, column: 'Spor', message: /corona track is in force/ }] }, 'a track not in force: line 2, column Spor')
  t.equal(!outcome.ok && outcome.problems.length, 1, 'and the valid line is not reported')
})

t.test('unknown and missing columns are named on line 1', async (t) => {
  const { app } = await build(t)
  const csv = 'Saksnummer;Kommune;Spor;Bosatt;Språk;Rådgiver;Favorittfarge\r\nK-1;5001;ordinær;06.01.2025;ar;Kåre;blå\r\n'
  const outcome = importReferrals(app.store.referrals, coordinator, Buffer.from(csv), { format: 'csv', lang: 'nb', today: TODAY })
  if (outcome.ok) {
    t.fail('refused')
    return
  }
  t.match(outcome.problems, [
    { line: 1, column: 'Favorittfarge', message: /ukjent kolonne/ },
    { line: 1, message: /kolonnen «rådgivers e-post» mangler/ },
  ], 'the unknown header and the missing e-mail column')
})

t.test('the template to download is the documented one and imports as it stands', async (t) => {
  const { app } = await build(t)
  for (const [lang, file] of [['nb', 'mal-henvisninger.csv'], ['en', 'referrals-template.csv']] as const) {
    const template = referralCsvTemplate(lang)
    t.equal(readFileSync(new URL(`../../docs/csv/${file}`, import.meta.url), 'utf8'), template, `docs/csv/${file} is the template (${lang})`)
    t.ok(template.startsWith('\uFEFF'), 'with a BOM, so Excel opens æøå right')
    const outcome = importReferrals(app.store.referrals, coordinator, Buffer.from(template, 'utf8'), { format: 'csv', lang, today: TODAY })
    t.match(outcome, { ok: true, rows: 1 }, `the ${lang} template imports`)
  }
})

t.test('JSON files: problems named by item', async (t) => {
  const { app } = await build(t)
  const outcome = importReferrals(app.store.referrals, coordinator, Buffer.from('{"referrals":[{"externalRef":"J-1"}]}'), { format: 'json', lang: 'en', today: TODAY })
  t.match(outcome, { ok: false, status: 422 }, 'refused')
  t.ok(!outcome.ok && outcome.problems.every((p) => p.item === 0 && p.line === undefined), 'every problem names item 0')
  t.match(importReferrals(app.store.referrals, coordinator, Buffer.from('{"referrals": ['), { format: 'json', lang: 'en' }), { ok: false, problems: [{ message: /not valid JSON/ }] }, 'broken JSON')
})
