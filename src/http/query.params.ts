import { InvalidInputError } from '../common/errors.js';

/** A whole number from a query string, within bounds; absent (or empty) means the default. */
export function intParam(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new InvalidInputError(`${name} must be a whole number from ${min} to ${max}, got "${raw.slice(0, 40)}"`);
  return Number(raw);
}
