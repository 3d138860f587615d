// Dates and times the Norwegian way ("8. desember 2026", "kl. 09.00"), always in Europe/Oslo.
import type { Lang } from './index.ts'

const ZONE = 'Europe/Oslo'
const LOCALE: Record<Lang, string> = { nb: 'nb-NO', en: 'en-GB' }

const cache = new Map<string, Intl.DateTimeFormat>()
function fmt(lang: Lang, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${JSON.stringify(opts)}`
  let f = cache.get(key)
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(LOCALE[lang], { timeZone: ZONE, ...opts })))
  return f
}

/** A calendar date `YYYY-MM-DD` as "8. desember 2026" / "8 December 2026" (the date itself, no zone shift). */
export function formatDate(date: string, lang: Lang): string {
  return fmt(lang, { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${date}T12:00:00Z`))
}

/** A date with its weekday: "tirsdag 8. desember 2026". */
export function formatDateLong(date: string, lang: Lang): string {
  return fmt(lang, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${date}T12:00:00Z`))
}

/** An instant's time of day in Oslo: "kl. 09.00" / "09:00". */
export function formatTime(iso: string, lang: Lang): string {
  const hm = fmt(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso))
  return lang === 'nb' ? `kl. ${hm.replace(':', '.')}` : hm
}

/** An instant as date and time in Oslo: "8. desember 2026, kl. 09.00". */
export function formatDateTime(iso: string, lang: Lang): string {
  const date = fmt(lang, { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso))
  return `${date}, ${formatTime(iso, lang)}`
}

/** The Oslo calendar date of an instant, `YYYY-MM-DD`. */
export function osloDate(iso: string): string {
  return fmt('nb', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso)).split('.').reverse().join('-')
}
