/**
 * The settings file as the app uses it: electron-store (conf underneath) with the shell's schema,
 * repaired field by field on read (see shell-settings.ts), written back repaired once so the admin
 * is told about a problem once, and with an unreadable file copied aside before it is replaced.
 * Also the core's SettingsStore port, which keeps the core's blob under the `core` key.
 */
import { writeFileSync } from 'node:fs';
import type { SettingsStore } from '../core/ports.ts';
import { SHELL_SETTINGS_JSON_SCHEMA, readShellSettingsText, type PlaintextTokenPolicy, type ShellSettings } from './shell-settings.ts';
import { WindowBounds } from './window-state.ts';

/** What the app needs of an electron-store / conf instance. */
export interface KeyValueStore {
  readonly path: string;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  store: Record<string, unknown>;
}

/** Options handed to the store factory (`new ElectronStore(options)` in the app, `new Conf(…)` in tests). */
export interface KeyValueStoreOptions {
  name: string;
  schema: Record<string, unknown>;
  clearInvalidConfig: false;
  deserialize: (text: string) => Record<string, unknown>;
}

/** The shell's settings with typed accessors, and what was wrong with the file when it was opened. */
export interface ShellSettingsStore {
  readonly path: string;
  /** Problems found and repaired when the file was opened, in words (empty when it was fine). */
  readonly problems: readonly string[];
  /** Where an unreadable file was copied before defaults replaced it. */
  readonly backupPath: string | null;
  get<K extends keyof ShellSettings>(key: K): ShellSettings[K];
  set<K extends keyof ShellSettings>(key: K, value: ShellSettings[K]): void;
  /** The core's SettingsStore port. */
  readonly core: SettingsStore;
}

/** Opens the settings file. Never throws for a bad file: it repairs, keeps what is good, and reports. */
export function openShellSettings(createStore: (options: KeyValueStoreOptions) => KeyValueStore, options: { name?: string; now?: () => Date } = {}): ShellSettingsStore {
  const now = options.now ?? (() => new Date());
  let firstRead: { problems: string[]; unreadableText: string | null } | null = null;
  const store = createStore({
    name: options.name ?? 'settings',
    schema: SHELL_SETTINGS_JSON_SCHEMA,
    // Never let the library wipe the file: our own reader keeps the good fields instead.
    clearInvalidConfig: false,
    deserialize(text) {
      const result = readShellSettingsText(text);
      firstRead ??= { problems: result.problems, unreadableText: result.unreadable ? text : null };
      return result.value as Record<string, unknown>;
    },
  });

  // Touch the store so the file is read now (conf reads lazily in some versions).
  const current = store.store;
  const opened = firstRead as { problems: string[]; unreadableText: string | null } | null;
  const problems = opened?.problems ?? [];
  let backupPath: string | null = null;
  if (opened?.unreadableText != null) {
    backupPath = `${store.path}.unreadable-${now().toISOString().replace(/[:.]/g, '-')}`;
    try {
      writeFileSync(backupPath, opened.unreadableText, { mode: 0o600 });
    } catch {
      backupPath = null;
    }
  }
  // Write the repaired settings back so the next start reads a clean file.
  if (problems.length > 0) store.store = { ...current };

  return {
    path: store.path,
    problems,
    backupPath,
    get(key) {
      return store.get(key) as never;
    },
    set(key, value) {
      store.set(key, value);
    },
    core: {
      async read() {
        return store.get('core') ?? {};
      },
      async write(value) {
        store.set('core', value);
      },
    },
  };
}

/** The words shown to the admin after a repair: what happened, what was kept, and where the old file is. */
export function describeSettingsRepair(settings: Pick<ShellSettingsStore, 'path' | 'problems' | 'backupPath'>): string | null {
  if (settings.problems.length === 0) return null;
  const lines = [
    `Some settings in ${settings.path} were not valid and were reset; all other settings were kept.`,
    ...settings.problems.map((p) => `• ${p}`),
  ];
  if (settings.backupPath) lines.push(`The unreadable file was copied to ${settings.backupPath}.`);
  return lines.join('\n');
}

/** Saved window bounds, or defaults. */
export function savedWindowBounds(settings: Pick<ShellSettingsStore, 'get'>): WindowBounds {
  return WindowBounds.parse(settings.get('window'));
}

/** Convenience for the secret store's policy. */
export function plaintextTokenPolicy(settings: Pick<ShellSettingsStore, 'get'>): PlaintextTokenPolicy {
  return settings.get('plaintextTokens');
}
