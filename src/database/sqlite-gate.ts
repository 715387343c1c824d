import { BetterSqlite3QueryRunner } from 'typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner.js';

/**
 * SQLite through TypeORM has one connection per database, shared by every query runner. Without
 * this gate, a query from an HTTP request would run inside an ingest's open transaction (and be
 * rolled back with it), and two `repository.save` calls at once would nest BEGINs and fail.
 *
 * The gate makes a transaction exclusive: while one runner has a transaction open, queries and
 * transactions of every other runner on the same database wait until it commits or rolls back.
 * PostgreSQL needs none of this: each runner has its own pooled connection.
 */
interface Gate {
  owner: object | null;
  waiters: (() => void)[];
}

type Runner = BetterSqlite3QueryRunner & { transactionDepth: number; driver: { sqliteGate?: Gate } };
type Method = (this: Runner, ...args: unknown[]) => Promise<unknown>;

let installed = false;

export function installSqliteGate(): void {
  if (installed) return;
  installed = true;
  const proto = BetterSqlite3QueryRunner.prototype as unknown as Record<string, Method>;
  const original = { query: proto.query, start: proto.startTransaction, commit: proto.commitTransaction, rollback: proto.rollbackTransaction, release: proto.release };

  proto.query = async function (...args) {
    await waitTurn(this);
    return original.query.apply(this, args);
  };
  proto.startTransaction = async function (...args) {
    await waitTurn(this);
    const gate = gateOf(this);
    gate.owner = this; // set with no await since waitTurn returned: no other runner can slip in
    try {
      return await original.start.apply(this, args);
    } catch (err) {
      if (this.transactionDepth === 0) open(gate);
      throw err;
    }
  };
  for (const name of ['commit', 'rollback'] as const) {
    proto[`${name}Transaction`] = async function (...args) {
      try {
        return await original[name].apply(this, args);
      } finally {
        if (this.transactionDepth === 0 && gateOf(this).owner === this) open(gateOf(this));
      }
    };
  }
  proto.release = async function (...args) {
    if (gateOf(this).owner === this) open(gateOf(this));
    return original.release.apply(this, args);
  };
}

function gateOf(runner: Runner): Gate {
  runner.driver.sqliteGate ??= { owner: null, waiters: [] };
  return runner.driver.sqliteGate;
}

async function waitTurn(runner: Runner): Promise<void> {
  const gate = gateOf(runner);
  while (gate.owner && gate.owner !== runner) await new Promise<void>((resolve) => gate.waiters.push(resolve));
}

function open(gate: Gate): void {
  gate.owner = null;
  const waiting = gate.waiters;
  gate.waiters = [];
  for (const wake of waiting) wake();
}
