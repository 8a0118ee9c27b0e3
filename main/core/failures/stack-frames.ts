/**
 * What a failure's stack adds to its group key: the error's kind (the name on the stack's first
 * line) and the first frames of the project's own code — the job handler that threw — without
 * Node's internals or libraries, line and column numbers, or the folder the code is installed in.
 * Two workers installed in different folders, or a rebuild that shifted a line, keep one group.
 */

/** How many own frames take part in the group key. */
export const TOP_FRAME_COUNT = 2;

/** `    at fn (file:line:col)`, `    at async fn (file:line:col)`, `    at file:line:col`. */
const FRAME = /^\s*at\s+(?:async\s+)?(?:(.*?)\s+\()?(.*?)(?::\d+)?(?::\d+)?\)?\s*$/;
/** `TypeError: msg` / `DataNotAvailableError [ERR_X]: msg` on the first line of a V8 stack. */
const HEAD = /^([A-Za-z_$][\w$.]*)(?:\s*\[([A-Z0-9_]+)\])?:\s/;

/** The error's name from the stack's first line (`DataNotAvailableError`), or null. */
export function errorKindOf(stack: string | null | undefined): string | null {
  if (!stack) return null;
  const head = HEAD.exec(stack);
  if (!head) return null;
  return head[2] ? `${head[1]} ${head[2]}` : head[1]!;
}

/** A location of library or runtime code, which says nothing about which handler failed. */
function isForeign(file: string): boolean {
  return (
    file.startsWith('node:') ||
    file.startsWith('internal/') ||
    file.includes('/node_modules/') ||
    file.includes('\\node_modules\\') ||
    file === 'native' ||
    file === '<anonymous>' ||
    /^index \d+$/.test(file) ||
    file.startsWith('evalmachine')
  );
}

/**
 * A file named portably: `file://` and backslashes gone, and only its last two path segments
 * (`market-data/market-data-provider.ts`), which survive a different install folder.
 */
export function normaliseFile(file: string): string {
  let f = file.replace(/^file:\/\/\/?/, '/').replace(/\\/g, '/');
  f = f.replace(/^\/?[A-Za-z]:\//, '/').replace(/\?.*$/, '');
  const parts = f.split('/').filter((p) => p !== '');
  return parts.slice(-2).join('/');
}

/** A frame's function, without `Object.` and `new ` decoration that varies by call style. */
function normaliseFunction(fn: string | undefined): string {
  if (!fn) return '<top>';
  return fn.replace(/^new\s+/, '').replace(/^Object\./, '').replace(/\s*\[as [^\]]+\]$/, '');
}

/** The first `count` frames of own code, each `function (dir/file)`. */
export function ownTopFrames(stack: string | null | undefined, count = TOP_FRAME_COUNT): string[] {
  if (!stack) return [];
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    if (!/^\s+at\s/.test(line)) continue;
    const m = FRAME.exec(line);
    if (!m) continue;
    const file = (m[2] ?? '').trim();
    if (file === '' || isForeign(file)) continue;
    frames.push(`${normaliseFunction(m[1])} (${normaliseFile(file)})`);
    if (frames.length >= count) break;
  }
  return frames;
}

/**
 * The first line of each attempt's error, oldest first. A failed job's stack is BullMQ's stack
 * per attempt joined with newlines, so a new attempt starts at an unindented line after a frame.
 */
export function attemptReasons(stack: string | null | undefined): string[] {
  if (!stack) return [];
  const heads: string[] = [];
  let inFrames = true;
  for (const line of stack.split('\n')) {
    const isFrame = /^\s+at\s/.test(line);
    if (!isFrame && inFrames && line.trim() !== '') heads.push(line.trim().slice(0, 1000));
    inFrames = isFrame;
  }
  return heads;
}
