/**
 * The desktop app's settings file (electron-store, `<userData>/settings.json`): the shell's own
 * settings (window state, how tokens are kept without an OS keyring, notification pause) and the
 * core's settings blob, which the core parses and repairs itself.
 *
 * A damaged file never costs the admin their good settings: each field is checked on its own with
 * its zod schema, a bad field goes back to its default, everything else is kept, unknown keys are
 * kept for a newer version, and the problems are reported so the app can say what it reset. A file
 * that is not JSON at all is copied aside before defaults are used.
 */
import { z } from 'zod';
import { DEFAULT_WINDOW_BOUNDS, WindowBounds } from './window-state.ts';

/** Without an OS keyring (`basic_text`): not decided yet, store obfuscated on disk, or keep for the session only. */
export const PlaintextTokenPolicy = z.enum(['ask', 'store', 'session']);
export type PlaintextTokenPolicy = z.infer<typeof PlaintextTokenPolicy>;

export const ShellSettings = z.object({
  window: WindowBounds.default(DEFAULT_WINDOW_BOUNDS),
  plaintextTokens: PlaintextTokenPolicy.default('ask'),
  /** Native notifications are muted until this instant (tray → "Pause notifications for 1 hour"). */
  notificationsPausedUntil: z.iso.datetime().nullable().default(null),
  /** The core's settings (main/core parses and repairs them). */
  core: z.unknown().optional(),
});
export type ShellSettings = z.infer<typeof ShellSettings>;

/** The same schema as JSON Schema, for electron-store's own validation of what is written. */
export const SHELL_SETTINGS_JSON_SCHEMA = (z.toJSONSchema(ShellSettings, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, unknown> }).properties;

/** The outcome of reading a settings value: what to use, and what was wrong with it in words. */
export interface RepairResult<T> {
  value: T;
  problems: string[];
}

type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object schema inside `default(...)`/`optional()` wrappers, if the field is an object. */
function innerObject(schema: z.ZodType): AnyObjectSchema | null {
  let s: z.ZodType = schema;
  for (let i = 0; i < 4; i++) {
    if (s instanceof z.ZodObject) return s as AnyObjectSchema;
    if (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
    else return null;
  }
  return null;
}

function fieldDefault(schema: z.ZodType): unknown {
  const r = schema.safeParse(undefined);
  return r.success ? r.data : undefined;
}

function describeIssue(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join('; ');
}

function repairObject(schema: AnyObjectSchema, raw: Record<string, unknown>, at: string, problems: string[]): Record<string, unknown> {
  // Unknown keys are kept: a newer version of the app may have written them.
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!(key in schema.shape)) out[key] = value;
  for (const [key, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
    const where = at ? `${at}.${key}` : key;
    const value = raw[key];
    const parsed = field.safeParse(value);
    if (parsed.success) {
      if (parsed.data !== undefined) out[key] = parsed.data;
      continue;
    }
    let why = describeIssue(parsed.error);
    const nested = innerObject(field);
    if (nested && isPlainObject(value)) {
      // Keep the good parts of a nested object too, then check the whole again (cross-field rules).
      const nestedProblems: string[] = [];
      const repaired = repairObject(nested, value, where, nestedProblems);
      const again = field.safeParse(repaired);
      if (again.success) {
        problems.push(...nestedProblems);
        out[key] = again.data;
        continue;
      }
      if (nestedProblems.length > 0) why = nestedProblems.map((p) => p.replace(/ — (reset to .*|removed)$/, '')).join('; ');
    }
    const fallback = fieldDefault(field);
    const reset = fallback === undefined ? 'removed' : `reset to ${JSON.stringify(fallback)}`;
    problems.push(why.startsWith(where) ? `${why} — ${key} ${reset}` : `${where}: ${why} — ${reset}`);
    if (fallback !== undefined) out[key] = fallback;
  }
  return out;
}

/** Checks a parsed settings value field by field: good fields kept, bad ones reset to their defaults. */
export function repairShellSettings(raw: unknown): RepairResult<ShellSettings> {
  const problems: string[] = [];
  if (raw !== undefined && !isPlainObject(raw)) problems.push('the file does not hold a JSON object — all settings reset to their defaults');
  const repaired = repairObject(ShellSettings as unknown as AnyObjectSchema, isPlainObject(raw) ? raw : {}, '', problems);
  // The repaired object is valid by construction; parse once more so the type is earned, not asserted.
  const value = ShellSettings.loose().parse(repaired) as ShellSettings;
  return { value, problems };
}

/** Reads a settings file's text: JSON with repair, or defaults (and a problem) when it is not JSON. */
export function readShellSettingsText(text: string): RepairResult<ShellSettings> & { unreadable: boolean } {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    const result = repairShellSettings({});
    return {
      ...result,
      unreadable: true,
      problems: [`the file is not valid JSON (${(error as Error).message}) — all settings reset to their defaults`, ...result.problems],
    };
  }
  return { ...repairShellSettings(raw), unreadable: false };
}
