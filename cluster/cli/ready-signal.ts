/**
 * The "ready" signal for programs that start the cluster as a child process (the desktop app): one
 * JSON line on stdout and, with `--ready-file FILE`, the same JSON in a file (written atomically,
 * mode 0600 since it may carry a token). Shape, one line:
 *
 *   {"event":"ready","url":"http://127.0.0.1:41234","token":"sqt_…"|null,"tokenName":"admin"|null,
 *    "name":"…","datastore":"embedded","pid":1234,"version":"0.1.0"}
 *
 * `token` is set only when this start generated one (first start, or `--session-token`).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DatastoreKind } from '../../contract/api.ts';

export const ReadySignal = z.strictObject({
  event: z.literal('ready'),
  url: z.string().url(),
  token: z.string().nullable(),
  tokenName: z.string().nullable(),
  name: z.string(),
  datastore: DatastoreKind,
  pid: z.int(),
  version: z.string(),
});
export type ReadySignal = z.infer<typeof ReadySignal>;

/** Write the ready file atomically with mode 0600. */
export function writeReadyFile(file: string, signal: ReadySignal): void {
  const dir = path.dirname(path.resolve(file));
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(signal)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** Remove the ready file on shutdown so nobody connects to a stopped cluster. */
export function removeReadyFile(file: string): void {
  rmSync(file, { force: true });
}

/** The ready line among other output: the last stdout line that parses as a ReadySignal. */
export function findReadySignal(stdout: string): ReadySignal | null {
  const lines = stdout.split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = ReadySignal.safeParse(JSON.parse(line));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON: keep looking
    }
  }
  return null;
}
