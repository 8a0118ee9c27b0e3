/**
 * A small strict command-line parser: known flags only, typed values, and errors that name the flag
 * and say what is accepted. (node:util parseArgs has no `--no-x` flags on every Node 20.)
 */

/** A bad command line: the CLI prints the message and the usage, and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagSpec =
  | { type: 'string'; describe: string; default?: string; valueName?: string }
  | { type: 'int'; describe: string; default?: number; min: number; max: number; valueName?: string }
  | { type: 'boolean'; describe: string; default?: boolean };

export type FlagSpecs = Record<string, FlagSpec>;

type ValueOf<S extends FlagSpec> = S extends { type: 'string' } ? string : S extends { type: 'int' } ? number : boolean;

/** Parsed flags: defaults filled in, undefined where a flag without default was not given. */
export type ParsedFlags<S extends FlagSpecs> = { [K in keyof S]: ValueOf<S[K]> | undefined };

/**
 * Parse `argv` against `specs`. Accepts `--flag value`, `--flag=value`, booleans as `--flag` and
 * `--no-flag`. Positional arguments are refused (commands take flags only).
 */
export function parseFlags<S extends FlagSpecs>(argv: readonly string[], specs: S): ParsedFlags<S> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) if (spec.default !== undefined) out[name] = spec.default;
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') throw new UsageError(`unexpected argument '${arg}': options start with --`);
    const eq = arg.indexOf('=');
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let inline: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    let negated = false;
    if (!(name in specs) && name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option '--${name}'`);
    if (seen.has(name)) throw new UsageError(`option '--${name}' given twice`);
    seen.add(name);
    if (spec.type === 'boolean') {
      if (inline !== undefined) {
        if (negated || !['true', 'false'].includes(inline)) throw new UsageError(`option '--${name}' takes no value (use --${name} or --no-${name})`);
        out[name] = inline === 'true';
      } else out[name] = !negated;
      continue;
    }
    if (inline === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`option '--${name}' needs a value (${spec.valueName ?? spec.type})`);
      inline = next;
      i++;
    }
    if (spec.type === 'string') {
      if (inline === '') throw new UsageError(`option '--${name}' needs a non-empty value`);
      out[name] = inline;
    } else {
      const n = /^-?\d+$/.test(inline) ? Number(inline) : NaN;
      if (!Number.isSafeInteger(n) || n < spec.min || n > spec.max) {
        throw new UsageError(`option '--${name}': '${inline}' is not a whole number from ${spec.min} to ${spec.max}`);
      }
      out[name] = n;
    }
  }
  return out as ParsedFlags<S>;
}

/** Usage lines for a flag table. */
export function describeFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const left = spec.type === 'boolean' ? `--${name}` : `--${name} ${spec.valueName ?? (spec.type === 'int' ? 'N' : 'VALUE')}`;
    const def = spec.default !== undefined && spec.type !== 'boolean' ? ` (default ${spec.default})` : '';
    return [left, `${spec.describe}${def}`] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`).join('\n');
}
