import { UsageError } from './parse-args.ts';

/**
 * A numeric flag's value as an integer in [min, max], or a UsageError naming the flag and what it takes.
 * Undefined stays undefined (the flag was not given).
 */
export function integerFlag(
  name: string,
  value: string | undefined,
  range: { min: number; max?: number; unit?: string },
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(n) || n < range.min || n > max) {
    const unit = range.unit ? ` ${range.unit}` : '';
    const span =
      range.max === undefined ? `at least ${range.min}${unit}` : `${range.min}..${range.max}${unit}`;
    throw new UsageError(`${name} takes a whole number, ${span} (got '${value}')`);
  }
  return n;
}
