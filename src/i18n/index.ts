import { en } from './en.ts'
import { nb, type Messages } from './nb.ts'

export type { Messages }
export type Lang = 'nb' | 'en'
export const LANGS = ['nb', 'en'] as const

const CATALOGUES: Record<Lang, Messages> = { nb, en }

/** The catalogue of a language. */
export function messages(lang: Lang): Messages {
  return CATALOGUES[lang]
}

/**
 * The language an Accept-Language header asks for: English only when it prefers English over
 * Norwegian; bokmål otherwise (also for nn, no and anything else), since the service is Norwegian first.
 */
export function langFromAcceptLanguage(header: string | undefined): Lang {
  if (!header) return 'nb'
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';')
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined)
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q) }
    })
    .filter((x) => x.tag !== '' && x.q > 0)
    .sort((a, b) => b.q - a.q)
  for (const { tag } of ranked) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en'
    if (/^(nb|nn|no)(-|$)/.test(tag) || tag === '*') return 'nb'
  }
  return 'nb'
}
