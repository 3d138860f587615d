import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { parse } from 'csv-parse/sync'

/** A file that cannot be read as referrals; the message is one line, fit for a CLI. */
export class ImportFileError extends Error {
  override name = 'ImportFileError'
}

/** The items of a referral file, and how to name item i to a person (a CSV line, a JSON index). */
export type ReferralFile = { readonly items: unknown[]; readonly label: (index: number) => string }

const BOOLEAN_FIELDS = new Set(['interpreter', 'threatenedIndustry', 'competenceMappingDone', 'advisorConsent', 'groupMeetingDone'])
const NUMBER_FIELDS = new Set(['meetings'])
// Excel in Norwegian writes ja/nei; other exports write true/false or 1/0.
const TRUE = new Set(['true', 'ja', '1', 'yes'])
const FALSE = new Set(['false', 'nei', '0', 'no'])

/** Read a .json or .csv file of referrals (by extension). */
export function readReferralFile(path: string): ReferralFile {
  const ext = extname(path).toLowerCase()
  if (ext !== '.json' && ext !== '.csv') throw new ImportFileError(`${path}: expected a .csv or .json file`)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ImportFileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  return ext === '.json' ? parseReferralJson(text, path) : parseReferralCsv(text, path)
}

/** `{ "referrals": [...] }` as the API takes it, or a bare array. */
export function parseReferralJson(text: string, source = 'input'): ReferralFile {
  let json: unknown
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new ImportFileError(`${source} is not JSON: ${(err as Error).message}`)
  }
  const items = Array.isArray(json) ? json : typeof json === 'object' && json !== null && Array.isArray((json as { referrals?: unknown }).referrals) ? (json as { referrals: unknown[] }).referrals : undefined
  if (!items) throw new ImportFileError(`${source}: expected { "referrals": [...] } or an array of referrals`)
  return { items, label: (i) => `item ${i}` }
}

/**
 * CSV as municipalities export it from Excel: UTF-8 with or without BOM, `;` or `,` separated
 * (detected from the header), a header row with the contract's field names (`participant.name`,
 * `advisor.email` for nested ones), booleans as true/false/ja/nei/1/0, an empty cell = absent.
 */
export function parseReferralCsv(text: string, source = 'input'): ReferralFile {
  const body = text.replace(/^\uFEFF/, '')
  const header = body.split(/\r?\n/, 1)[0] ?? ''
  const delimiter = count(header, ';') > count(header, ',') ? ';' : ','
  let records: Record<string, string>[]
  try {
    records = parse(body, { delimiter, columns: (h: string[]) => h.map((c) => c.trim()), skip_empty_lines: true, trim: true, relax_column_count: false })
  } catch (err) {
    throw new ImportFileError(`${source} is not valid CSV: ${(err as Error).message}`)
  }
  // Line 1 is the header; records follow from line 2 (blank lines are skipped, rarely in exports).
  return { items: records.map(csvRecordToReferral), label: (i) => `line ${i + 2}` }
}

function count(s: string, c: string): number {
  return s.split(c).length - 1
}

function csvRecordToReferral(record: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [column, raw] of Object.entries(record)) {
    if (raw === '') continue
    const [head, sub] = column.split('.', 2) as [string, string | undefined]
    const value = convert(sub ?? head, raw)
    if (sub === undefined) out[head] = value
    else out[head] = { ...((out[head] as Record<string, unknown> | undefined) ?? {}), [sub]: value }
  }
  return out
}

/** Cells are text; turn the known boolean and number fields into their types, leave the rest for validation. */
function convert(field: string, raw: string): unknown {
  if (BOOLEAN_FIELDS.has(field)) {
    const v = raw.toLowerCase()
    if (TRUE.has(v)) return true
    if (FALSE.has(v)) return false
    return raw // validation then says it must be a boolean
  }
  if (NUMBER_FIELDS.has(field) && /^\d+$/.test(raw)) return Number(raw)
  return raw
}
