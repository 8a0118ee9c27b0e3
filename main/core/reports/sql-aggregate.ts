/**
 * Aggregates written in JavaScript that SQLite calls for each row it reads, registered once per
 * connection. Reports use them where returning the rows, or grouping them in SQL (which sorts
 * every row first), costs several times reading them.
 */
import type { SqliteDatabase } from '../cache/open-cache-database.ts';

export interface RowAggregate<State, Args extends unknown[]> {
  start: () => State;
  /** Called with the state and the SQL call's arguments; returns the state. */
  step: (state: State, ...args: Args) => State;
  result: (state: State) => string | number | null;
}

const registered = new WeakMap<SqliteDatabase, Set<string>>();

/**
 * Makes `name(…)` an aggregate of this connection (once; later calls do nothing). Its SQL arity is
 * the number of parameters `step` declares after the state, so `step` must name each one (a rest
 * parameter would call for better-sqlite3's slower varargs mode).
 */
export function registerAggregate<State, Args extends unknown[]>(db: SqliteDatabase, name: string, aggregate: RowAggregate<State, Args>): void {
  let names = registered.get(db);
  if (!names) registered.set(db, (names = new Set()));
  if (names.has(name)) return;
  // better-sqlite3's types allow a step of one argument; it calls step with every argument of the SQL call.
  db.aggregate(name, aggregate as unknown as Parameters<SqliteDatabase['aggregate']>[1]);
  names.add(name);
}
