import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { parse } from 'csv-parse/sync'
import type { Caller } from '../auth/caller.ts'
import { Conflict, Forbidden, issuePath, Validation, type ProblemItem } from '../errors.ts'
import { messages, type Lang, type Messages } from '../i18n/index.ts'
import { ReferralInputSchema } from '../schemas/referral.ts'
import type { ReferralRepository } from '../store/referral-repository.ts'
import { intakeReferrals, type IntakeResult } from './referrals.ts'

/** A file that cannot be read as referrals; the message is one line, fit for a CLI. */
export class ImportFileError extends Error {
  override name = 'ImportFileError'
}

/** The items of a referral file, and how to name item i to a person (a CSV line, a JSON index). */
export type ReferralFile = { readonly items: unknown[]; readonly label: (index: number) => string }

/** Read a .json or .csv file of referrals (by extension). */
export function readReferralFile(path: string): ReferralFile {
  const ext = extname(path).toLowerCase()
  if (ext !== '.json' && ext !== '.csv') throw new ImportFileError(`${path}: expected a .csv or .json file`)
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    throw new ImportFileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  return ext === '.json' ? parseReferralJson(bytes.toString('utf8'), path) : parseReferralCsv(decodeText(bytes).text, path)
}

/** `{ "referrals": [...] }` as the API takes it, or a bare array. */
export function parseReferralJson(text: string, source = 'input', t?: Messages['intake']): ReferralFile {
  let json: unknown
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new ImportFileError(t ? t.notJson((err as Error).message) : `${source} is not JSON: ${(err as Error).message}`)
  }
  const items = Array.isArray(json) ? json : typeof json === 'object' && json !== null && Array.isArray((json as { referrals?: unknown }).referrals) ? (json as { referrals: unknown[] }).referrals : undefined
  if (!items) throw new ImportFileError(t ? t.jsonShape : `${source}: expected { "referrals": [...] } or an array of referrals`)
  return { items, label: (i) => `item ${i}` }
}

/**
 * CSV text as municipalities export it (already decoded): `;` or `,` separated (detected from
 * the header), the contract's field names or their Norwegian names as headers, booleans
 * ja/nei/true/false/1/0, dates dd.mm.yyyy or yyyy-mm-dd, an empty cell = absent. Kept for callers
 * holding text; `importReferrals` takes the file's bytes and reports every problem.
 */
export function parseReferralCsv(text: string, source = 'input'): ReferralFile {
  const parsed = parseCsvText(text, messages('en').intake)
  // A cell that did not convert stays as written, so the intake's validation names it; what is
  // wrong with the file's shape (header, cell counts) is refused here.
  const first = parsed.problems.find((p) => p.line === 1 || p.column === undefined)
  if (first) throw new ImportFileError(`${source} is not valid CSV: ${describe(first, messages('en').intake)}`)
  return { items: parsed.items, label: (i) => `line ${parsed.lines[i] ?? i + 2}` }
}

/** A problem a person can correct in the file: where (line, column as headed in the file) and what to write. */
export type ImportProblem = { readonly line?: number; readonly item?: number; readonly column?: string; readonly message: string }

/** How a file's bytes were read. */
export type TextEncoding = 'utf-8' | 'windows-1252'

export type ImportOutcome =
  | { readonly ok: true; readonly rows: number; readonly created: number; readonly updated: number; readonly ids: string[]; readonly encoding?: TextEncoding }
  /** Nothing was stored; every problem is listed, in line order. */
  | { readonly ok: false; readonly status: 403 | 409 | 422; readonly problems: ImportProblem[]; readonly encoding?: TextEncoding }

/** "linje 3, kolonne «bosatt»: skriv datoen som dd.mm.åååå ..." in the catalogue's language. */
export function describe(p: ImportProblem, t: Messages['intake']): string {
  const where = [p.line === undefined ? undefined : t.line(p.line), p.item === undefined ? undefined : t.item(p.item), p.column === undefined ? undefined : t.column(p.column)].filter(Boolean).join(', ')
  return where === '' ? p.message : `${where}: ${p.message}`
}

/**
 * Import a referral file (the upload page and `tildeling import` call this): the file's bytes,
 * CSV or JSON. All or nothing, as POST /v1/referrals: either every row is stored or none, and then
 * every problem is listed with its line and column and what to write instead.
 */
export function importReferrals(
  referrals: ReferralRepository,
  caller: Caller,
  bytes: Uint8Array,
  opts: { readonly format: 'csv' | 'json'; readonly lang?: Lang; readonly today?: string },
): ImportOutcome {
  const t = messages(opts.lang ?? 'nb').intake
  let encoding: TextEncoding | undefined
  let file: CsvFile
  try {
    if (opts.format === 'json') {
      const json = parseReferralJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes), 'the file', t)
      file = { items: json.items, lines: [], problems: [], columns: new Map(), cellProblems: new Set() }
    } else {
      const decoded = decodeText(bytes, t)
      encoding = decoded.encoding
      file = parseCsvText(decoded.text, t)
    }
  } catch (err) {
    if (err instanceof ImportFileError) return { ok: false, status: 422, problems: [{ message: err.message }] }
    if (err instanceof TypeError) return { ok: false, status: 422, problems: [{ message: t.encoding.unsure(1) }] }
    throw err
  }
  const where = (index: number) => (opts.format === 'csv' ? { line: file.lines[index] ?? index + 2 } : { item: index })
  const columnOf = (path: string) => file.columns.get(path) ?? file.columns.get(path.split('.')[0] ?? '') ?? (opts.format === 'json' && path !== '' ? path : undefined)
  if (file.problems.length === 0 && file.items.length === 0) return { ok: false, status: 422, problems: [{ message: t.empty }], ...(encoding && { encoding }) }
  const problems = [...file.problems]
  let outcome: IntakeResult | undefined
  let status: 403 | 409 | 422 = 422
  const report = (status_: 403 | 409 | 422, items: readonly ProblemItem[]) => {
    status = status_
    for (const item of items) {
      // A cell that did not convert already has its problem (with what to write); skip the schema's echo of it.
      if (item.index !== undefined && file.cellProblems.has(`${item.index}:${item.path}`)) continue
      const column = columnOf(item.path)
      problems.push({ ...(item.index !== undefined && where(item.index)), ...(column !== undefined && { column }), message: item.message })
    }
  }
  if (problems.length > 0) {
    // The file's shape is wrong somewhere, so nothing will be stored; still list what the schema
    // finds in every other row, so the whole file can be corrected in one go.
    report(422, file.items.flatMap((item, index) => {
      const parsed = ReferralInputSchema.safeParse(item)
      return parsed.success ? [] : parsed.error.issues.map((issue) => ({ index, path: issuePath(issue.path), message: issue.message }))
    }))
  } else {
    try {
      outcome = intakeReferrals(referrals, caller, file.items, opts.today)
    } catch (err) {
      if (!(err instanceof Validation || err instanceof Conflict || err instanceof Forbidden)) throw err
      report(err instanceof Conflict ? 409 : err instanceof Forbidden ? 403 : 422, err.items)
    }
  }
  if (outcome) return { ok: true, rows: file.items.length, ...outcome, ...(encoding && { encoding }) }
  problems.sort((a, b) => (a.line ?? a.item ?? 0) - (b.line ?? b.item ?? 0))
  return { ok: false, status, problems, ...(encoding && { encoding }) }
}

/**
 * The text of a CSV file's bytes: UTF-8 (with or without BOM) when the bytes are valid UTF-8, else
 * Windows-1252 (what Excel's "CSV (semikolondelt)" writes in Norway). Refused, naming the
 * encoding, when neither reads for certain: UTF-16, bytes Windows-1252 leaves undefined or gives
 * control characters, or a U+FFFD already in the text (a name corrupted upstream is never stored).
 */
export function decodeText(bytes: Uint8Array, t: Messages['intake'] = messages('en').intake): { text: string; encoding: TextEncoding } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) throw new ImportFileError(t.encoding.utf16)
  let text: string
  let encoding: TextEncoding
  try {
    // ignoreBOM: false drops a leading BOM; fatal refuses any invalid sequence instead of writing U+FFFD.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    encoding = 'utf-8'
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes)
    encoding = 'windows-1252'
    // Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined (decoded as C1 controls); any
    // control character but tab and line ends means the file is in some other encoding.
    const odd = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.exec(text)
    if (odd) throw new ImportFileError(t.encoding.unsure(lineAt(text, odd.index)))
  }
  const lost = text.indexOf('\uFFFD')
  if (lost >= 0) throw new ImportFileError(t.encoding.replacement(lineAt(text, lost)))
  return { text, encoding }
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length
}

/**
 * The columns a file may have: the contract's field name first, then the Norwegian headers a
 * municipality writes (matched without case, spaces or punctuation: "Bosatt dato" = "bosattdato").
 * docs/csv.md lists them; the template uses the first Norwegian one.
 */
export const CSV_COLUMNS: readonly { readonly field: string; readonly nb: readonly [string, ...string[]]; readonly required?: true }[] = [
  { field: 'externalRef', nb: ['saksnummer', 'referanse', 'saksnr'], required: true },
  { field: 'municipality', nb: ['kommunenummer', 'kommune', 'kommunenr'], required: true },
  { field: 'track', nb: ['spor', 'ordning'], required: true },
  { field: 'settledOn', nb: ['bosatt', 'bosatt dato', 'bosettingsdato'], required: true },
  { field: 'referredOn', nb: ['henvist', 'henvist dato', 'henvisningsdato'] },
  { field: 'language', nb: ['språk', 'sprak', 'språkkode'], required: true },
  { field: 'interpreter', nb: ['tolk', 'trenger tolk'] },
  { field: 'programmeEndsOn', nb: ['programslutt', 'program slutter', 'introduksjonsprogram slutter'] },
  { field: 'threatenedIndustry', nb: ['truet bransje'] },
  { field: 'targetIndustry', nb: ['målbransje', 'ønsket bransje'] },
  { field: 'competenceMappingDone', nb: ['kompetansekartlegging', 'kartlegging utført', 'kompetansekartlegging utført'] },
  { field: 'advisorConsent', nb: ['samtykke', 'samtykke rådgiver'] },
  { field: 'groupMeetingDone', nb: ['gruppemøte', 'gruppemøte gjennomført'] },
  { field: 'meetings', nb: ['møter', 'antall møter'] },
  { field: 'deferredUntil', nb: ['utsatt til'] },
  { field: 'deferralReason', nb: ['utsettelsesgrunn', 'grunn for utsettelse'] },
  { field: 'participant.name', nb: ['navn', 'deltakers navn', 'deltaker navn'] },
  { field: 'participant.dufNumber', nb: ['dufnummer', 'duf', 'duf-nummer'] },
  { field: 'advisor.name', nb: ['rådgiver', 'rådgivers navn', 'programrådgiver'], required: true },
  { field: 'advisor.email', nb: ['rådgivers e-post', 'e-post', 'epost', 'rådgiver e-post'], required: true },
]

const normalise = (header: string) => header.toLowerCase().replace(/[\s._\-:]+/g, '')
const COLUMN_BY_HEADER = new Map(CSV_COLUMNS.flatMap((c) => [c.field, ...c.nb].map((h) => [normalise(h), c.field] as const)))

const BOOLEAN_FIELDS = new Set(['interpreter', 'threatenedIndustry', 'competenceMappingDone', 'advisorConsent', 'groupMeetingDone'])
const DATE_FIELDS = new Set(['settledOn', 'referredOn', 'programmeEndsOn', 'deferredUntil'])
// Excel in Norwegian writes ja/nei (and a ticked box as x); other exports true/false or 1/0.
const TRUE = new Set(['true', 'ja', 'j', '1', 'yes', 'y', 'x', 'sant'])
const FALSE = new Set(['false', 'nei', 'n', '0', 'no', 'usant'])
const TRACKS: Record<string, string> = { ordinary: 'ordinary', ordinær: 'ordinary', ordinaer: 'ordinary', ukraine: 'ukraine', ukraina: 'ukraine', corona: 'corona', korona: 'corona' }

type CsvFile = {
  readonly items: unknown[]
  /** The file line each item starts on. */
  readonly lines: number[]
  readonly problems: ImportProblem[]
  /** Field path -> the header as written in the file. */
  readonly columns: Map<string, string>
  /** `index:path` of cells that did not convert (their problem is in `problems`). */
  readonly cellProblems: Set<string>
}

function parseCsvText(text: string, t: Messages['intake']): CsvFile {
  const body = text.replace(/^\uFEFF/, '')
  const headerLine = body.split(/\r?\n/, 1)[0] ?? ''
  const delimiter = count(headerLine, ';') >= count(headerLine, ',') && count(headerLine, ';') > 0 ? ';' : ','
  let rows: { record: string[]; info: { lines: number } }[]
  try {
    rows = parse(body, { delimiter, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[]
  } catch (err) {
    throw new ImportFileError(t.notCsv((err as Error).message))
  }
  const problems: ImportProblem[] = []
  const cellProblems = new Set<string>()
  const [header, ...records] = rows
  if (!header) return { items: [], lines: [], problems, columns: new Map(), cellProblems }
  const fields = header.record.map((h) => COLUMN_BY_HEADER.get(normalise(h)))
  const columns = new Map<string, string>()
  header.record.forEach((h, i) => {
    const field = fields[i]
    if (h === '') return
    if (field === undefined) problems.push({ line: 1, column: h, message: t.unknownColumn })
    else if (columns.has(field)) problems.push({ line: 1, column: h, message: t.duplicateColumn(field) })
    else columns.set(field, h)
  })
  for (const c of CSV_COLUMNS) if (c.required && !columns.has(c.field)) problems.push({ line: 1, message: t.missingColumn(c.nb[0]) })
  const items: unknown[] = []
  const lines: number[] = []
  for (const { record, info } of records) {
    // info.lines counts up to the record's last line; a quoted cell may span lines, so count back.
    const line = info.lines - (record.join('').split('\n').length - 1)
    if (record.every((cell) => cell === '')) continue
    if (record.length !== header.record.length) {
      problems.push({ line, message: t.cells(record.length, header.record.length) })
      continue
    }
    const index = items.length
    const out: Record<string, unknown> = {}
    record.forEach((raw, i) => {
      const field = fields[i]
      if (raw === '' || field === undefined) return
      const converted = convert(field, raw, t)
      if (converted.problem !== undefined) {
        problems.push({ line, column: header.record[i] ?? field, message: converted.problem })
        cellProblems.add(`${index}:${field}`)
      }
      const [head, sub] = field.split('.', 2) as [string, string | undefined]
      if (sub === undefined) out[head] = converted.value
      else out[head] = { ...((out[head] as Record<string, unknown> | undefined) ?? {}), [sub]: converted.value }
    })
    items.push(out)
    lines.push(line)
  }
  return { items, lines, problems, columns, cellProblems }
}

function isRealDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso
}

function count(s: string, c: string): number {
  return s.split(c).length - 1
}

/** Cells are text: booleans, dates, the track and the number of meetings become what the API takes, or a problem saying what to write. */
function convert(field: string, raw: string, t: Messages['intake']): { value: unknown; problem?: string } {
  const v = raw.toLowerCase()
  if (BOOLEAN_FIELDS.has(field)) {
    if (TRUE.has(v)) return { value: true }
    if (FALSE.has(v)) return { value: false }
    return { value: raw, problem: t.hint.boolean }
  }
  if (DATE_FIELDS.has(field)) {
    const norwegian = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/.exec(raw)
    if (norwegian) {
      const [, d = '', m = '', y = ''] = norwegian
      if (y.length === 2) return { value: raw, problem: t.hint.shortYear }
      const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`
      // 30.02.2025 is no date: say how to write one (the schema's message speaks of YYYY-MM-DD).
      return isRealDate(iso) ? { value: iso } : { value: raw, problem: t.hint.date }
    }
    if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return { value: raw }
    return { value: raw, problem: t.hint.date }
  }
  if (field === 'track') {
    const track = TRACKS[v]
    return track === undefined ? { value: raw, problem: t.hint.track } : { value: track }
  }
  if (field === 'meetings') return v === '1' || v === '2' ? { value: Number(v) } : { value: raw, problem: t.hint.meetings }
  return { value: raw }
}

/** The CSV template a municipality downloads (docs/csv/ holds the same files): header and one example row, `;` separated, UTF-8 with BOM so Excel shows æøå. */
export function referralCsvTemplate(lang: Lang = 'nb'): string {
  const header = CSV_COLUMNS.map((c) => (lang === 'nb' ? c.nb[0] : c.field))
  const example: Record<string, string> = {
    externalRef: 'SAK-2025-001', municipality: '5001', track: lang === 'nb' ? 'ordinær' : 'ordinary', settledOn: '06.01.2025', referredOn: '20.01.2025',
    language: 'ar', interpreter: 'ja', programmeEndsOn: '30.06.2026', threatenedIndustry: 'nei', targetIndustry: '', competenceMappingDone: 'ja',
    advisorConsent: 'ja', groupMeetingDone: 'nei', meetings: '1', deferredUntil: '', deferralReason: '', 'participant.name': 'Åse Ødegård',
    'participant.dufNumber': '', 'advisor.name': 'Kari Rådgiver', 'advisor.email': 'kari.radgiver@kommune.no',
  }
  const row = CSV_COLUMNS.map((c) => example[c.field] ?? '')
  return `\uFEFF${header.join(';')}\r\n${row.join(';')}\r\n`
}
