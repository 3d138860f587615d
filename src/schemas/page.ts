import { z } from 'zod'

// Keyset pagination for the lists (referrals, sessions, allocations): a page ends at some item,
// and the next page starts after that item's sort key. Unlike an offset, this neither skips nor
// repeats items when others are added or removed between two pages.

export const PAGE_LIMIT_DEFAULT = 500
export const PAGE_LIMIT_MAX = 5000

/** The sort key of the last item of a page; the next page starts after it. */
export type CursorKey = readonly string[]

/**
 * A cursor is the key as base64url JSON, tagged with its list so that a cursor of one list is
 * refused by another. Opaque to clients; it grants nothing, since every page is read through the
 * caller's own filters.
 */
export function encodeCursor(list: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify({ list, key })).toString('base64url')
}

/** The key, or undefined when the text is not a cursor of this list with keys of `arity` parts. */
export function decodeCursor(list: string, arity: number, cursor: string): CursorKey | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (typeof parsed !== 'object' || parsed === null) return undefined
    const { list: of, key } = parsed as { list?: unknown; key?: unknown }
    if (of !== list || !Array.isArray(key) || key.length !== arity || !key.every((k) => typeof k === 'string')) return undefined
    return key as string[]
  } catch {
    return undefined
  }
}

/** The `limit` and `cursor` query parameters of a list whose sort key has `arity` parts; spread into its query schema. */
export function pageQuery(list: string, arity: number) {
  return {
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(PAGE_LIMIT_MAX)
      .default(PAGE_LIMIT_DEFAULT)
      .describe(`items per page, 1 to ${PAGE_LIMIT_MAX.toLocaleString('en')} (default ${PAGE_LIMIT_DEFAULT})`),
    cursor: z
      .string()
      .max(2000)
      .transform((text, ctx) => {
        const key = decodeCursor(list, arity, text)
        if (key === undefined) {
          ctx.addIssue({ code: 'custom', message: `not a cursor of ${list}: pass nextCursor from the previous page as it is` })
          return z.NEVER
        }
        return key
      })
      .optional()
      .describe('where to continue: the nextCursor of the previous page; omit for the first page'),
  }
}

export const NextCursorSchema = z.string().nullable().describe('pass as `cursor` to get the next page; null on the last page')

/** One page of a list, as the services return it: the items and, when more follow, the key to continue after. */
export type Page<T> = { readonly items: T[]; readonly next: CursorKey | null }

/**
 * The page out of `limit + 1` candidates read in list order: the extra one only tells that more
 * follow. `keyOf` gives the key of the last item kept.
 */
export function pageOf<T>(candidates: readonly T[], limit: number, keyOf: (item: T) => CursorKey): Page<T> {
  if (candidates.length <= limit) return { items: [...candidates], next: null }
  const items = candidates.slice(0, limit)
  return { items, next: keyOf(items[items.length - 1]!) }
}
