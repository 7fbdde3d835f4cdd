/**
 * The quantile DORA figures report (pure). Nearest rank, as `bench/stats.ts` uses for the
 * benchmarks (which core cannot import): the `q` quantile of n samples is the sample at rank
 * `ceil(q * n)` (1-based, at least 1) of the samples sorted ascending. It is always one of the
 * observed samples, never an interpolation. With no samples there is no quantile: null, never 0.
 */

/** The `q` quantile (0 < q <= 1) of `xs` by nearest rank; null when `xs` is empty. */
export function nearestRank(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/** p50 and p90 of `xs` with the number of samples they stand on. */
export interface Quantiles {
  readonly p50: number | null;
  readonly p90: number | null;
  /** How many samples: 0 means both quantiles are null (nothing observed), never 0 seconds. */
  readonly count: number;
}

/** {@link Quantiles} of `xs`. */
export function quantiles(xs: readonly number[]): Quantiles {
  return { p50: nearestRank(xs, 0.5), p90: nearestRank(xs, 0.9), count: xs.length };
}
