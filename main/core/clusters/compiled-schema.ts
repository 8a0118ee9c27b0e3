/**
 * Contract schemas compiled once into zod's fast path (`z.compile`), for what the desktop parses in
 * bulk: events from the stream, history pages of a first sync (a thousand jobs each), job lists.
 * The schema stays the one definition: generated code checks it, and zod's ordinary parse takes
 * over for whatever the fast path does not accept, so answers and refusals are the schema's own.
 */
import { z } from 'zod';

const compiledSchemas = new WeakMap<z.ZodType, z.ZodType>();

/** The compiled form of `schema` (made on first use, then kept). */
export function compiledSchema<T extends z.ZodType>(schema: T): T {
  let compiled = compiledSchemas.get(schema);
  if (!compiled) {
    compiled = z.compile(schema);
    compiledSchemas.set(schema, compiled);
  }
  return compiled as T;
}
