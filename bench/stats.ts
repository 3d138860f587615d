/** Median of a non-empty list (mean of the middle two for even lengths). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of nothing')
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`

/** How far `value` falls short of `reference`, in per cent of the reference (negative: above it). */
export const gapPercent = (value: number, reference: number): string => (reference === 0 ? '–' : `${((100 * (reference - value)) / reference).toFixed(2)} %`)
