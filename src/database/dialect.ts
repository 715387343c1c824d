import type { DataSource, QueryRunner } from 'typeorm';

export type DialectName = 'sqlite' | 'postgres';

export function dialectOf(runner: Pick<QueryRunner, 'connection'>): DialectName {
  return runner.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * Migrations are written once as SQL with a few placeholders, so the SQLite and PostgreSQL
 * schemas are reviewed side by side and cannot drift apart.
 */
const TYPES: Record<DialectName, Record<string, string>> = {
  sqlite: { pk: 'INTEGER PRIMARY KEY AUTOINCREMENT', ts: 'datetime', json: 'text', real: 'real', bool: 'boolean' },
  postgres: { pk: 'SERIAL PRIMARY KEY', ts: 'timestamptz', json: 'text', real: 'double precision', bool: 'boolean' },
};

export function renderSql(sql: string, dialect: DialectName): string {
  return sql.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const t = TYPES[dialect][name];
    if (!t) throw new Error(`unknown SQL placeholder {{${name}}}`);
    return t;
  });
}

export async function runSql(runner: QueryRunner, statements: string[]): Promise<void> {
  const dialect = dialectOf(runner);
  for (const s of statements) await runner.query(renderSql(s, dialect));
}

/** Positional parameter `n` (1-based) in the dialect's syntax. */
export function param(dialect: DialectName, n: number): string {
  return dialect === 'postgres' ? `$${n}` : '?';
}

/** SQL written with `?` placeholders, in the dialect's form (PostgreSQL numbers them `$1, $2…`). */
export function numbered(dialect: DialectName, sql: string): string {
  let n = 0;
  return dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql;
}

/** The larger of two values where NULL means "unknown", not "smallest". */
export function greatest(dialect: DialectName, a: string, b: string): string {
  return dialect === 'postgres' ? `GREATEST(${a}, ${b})` : `max(coalesce(${a}, ${b}), coalesce(${b}, ${a}))`;
}

/** A timestamp as a raw-SQL parameter: TypeORM's SQLite text form (UTC), or a Date for pg. */
export function sqlTimestamp(dialect: DialectName, date: Date): string | Date {
  return dialect === 'postgres' ? date : date.toISOString().replace('T', ' ').replace('Z', '');
}

/** Runs a write and returns how many rows it changed, the same way on both drivers. */
export async function execute(source: DataSource | QueryRunner, sql: string, params: unknown[]): Promise<number> {
  const runner = 'manager' in source && 'createQueryRunner' in source ? source.createQueryRunner() : (source as QueryRunner);
  try {
    const result = await runner.query(sql, params, true);
    return result.affected ?? 0;
  } finally {
    if (runner !== source) await runner.release();
  }
}

/** Runs a write with RETURNING and gives its rows, the same way on both drivers. */
export async function returning<T>(source: DataSource, sql: string, params: unknown[]): Promise<T[]> {
  const runner = source.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return (result.records ?? []) as T[];
  } finally {
    await runner.release();
  }
}

/** The UTC calendar day of a timestamp expression, as YYYY-MM-DD text. */
export function utcDay(dialect: DialectName, expression: string): string {
  return dialect === 'postgres' ? `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')` : `substr(${expression}, 1, 10)`;
}
