/** A timestamp column read with raw SQL: SQLite returns TypeORM's UTC text form without a zone; pg returns a Date. */
export function parseTimestamp(v: string | Date): Date {
  return v instanceof Date ? v : new Date(v.replace(' ', 'T') + 'Z');
}
