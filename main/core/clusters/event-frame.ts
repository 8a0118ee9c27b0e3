/**
 * One SSE data line of a cluster's event stream as a ClusterEvent: JSON, then the contract's schema.
 * The desktop runs this for every event it receives (a first connection to a busy cluster brings
 * them by the ten thousand), so the schema is compiled once into zod's fast path (compiled-schema.ts).
 */
import { describeZodError } from '../../../contract/api.ts';
import { ClusterEvent } from '../../../contract/events.ts';
import { compiledSchema } from './compiled-schema.ts';

const CompiledClusterEvent = compiledSchema(ClusterEvent);

export type EventFrame = { ok: true; event: ClusterEvent } | { ok: false; problem: string };

/** Parses one data line; `problem` says what is wrong with a line that is not a cluster event. */
export function parseEventFrame(data: string): EventFrame {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, problem: `data that is not JSON ("${data.slice(0, 60)}")` };
  }
  const parsed = CompiledClusterEvent.safeParse(json);
  if (!parsed.success) return { ok: false, problem: `an event that is not a Sigmatiq cluster event (${describeZodError(parsed.error).slice(0, 160)})` };
  return { ok: true, event: parsed.data };
}
