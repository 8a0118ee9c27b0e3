import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// electron-store is conf plus Electron's default folder; conf is the same store without Electron,
// so these tests run the real library (its JSON-schema validation included) under Node.
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repairShellSettings } from './shell-settings.ts';
import { describeSettingsRepair, openShellSettings, type KeyValueStore, type KeyValueStoreOptions } from './settings-store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open() {
  return openShellSettings(
    (o: KeyValueStoreOptions) =>
      new Conf({ projectName: 'sigmatiq-test', cwd: dir, configName: o.name, schema: o.schema as never, clearInvalidConfig: o.clearInvalidConfig, deserialize: o.deserialize }) as unknown as KeyValueStore,
    { now: () => new Date('2026-01-02T03:04:05.000Z') },
  );
}
const file = () => path.join(dir, 'settings.json');

describe('settings file', { timeout: 30_000 }, () => {
  it('starts with defaults when there is no file', () => {
    const s = open();
    expect(s.problems).toEqual([]);
    expect(s.get('window')).toEqual({ width: 1440, height: 900, maximized: false });
    expect(s.get('plaintextTokens')).toBe('ask');
    expect(s.get('notificationsPausedUntil')).toBe(null);
  });

  it('keeps the good fields of a bad file, resets the bad ones, tells why, and writes the repair back', async () => {
    writeFileSync(
      file(),
      JSON.stringify({
        window: { x: 100, y: 50, width: 'wide', height: 800, maximized: true },
        plaintextTokens: 'session',
        notificationsPausedUntil: 'next tuesday',
        core: { clusters: [{ id: 'prod', name: 'Production' }], theme: 'dark' },
        futureSetting: { keep: 'me' },
      }),
    );
    const s = open();
    expect(s.get('plaintextTokens')).toBe('session');
    expect(await s.core.read()).toEqual({ clusters: [{ id: 'prod', name: 'Production' }], theme: 'dark' });
    expect(s.get('window')).toEqual({ width: 1440, height: 900, maximized: false });
    expect(s.get('notificationsPausedUntil')).toBe(null);
    expect(s.problems).toHaveLength(2);
    expect(s.problems.join('\n')).toMatch(/window\.width/);
    expect(s.problems.join('\n')).toMatch(/notificationsPausedUntil/);
    expect(describeSettingsRepair(s)).toMatch(/were reset; all other settings were kept/);

    const written = JSON.parse(readFileSync(file(), 'utf8'));
    expect(written.plaintextTokens).toBe('session');
    expect(written.futureSetting).toEqual({ keep: 'me' });
    expect(written.window).toEqual({ width: 1440, height: 900, maximized: false });
    // Reopened: clean, nothing more to report.
    expect(open().problems).toEqual([]);
  });

  it('keeps good fields inside a nested object when only one of them is bad', () => {
    writeFileSync(file(), JSON.stringify({ window: { x: 1.5, y: 20, width: 1000, height: 700, maximized: true } }));
    const s = open();
    expect(s.get('window')).toEqual({ y: 20, width: 1000, height: 700, maximized: true });
    expect(s.problems).toEqual([expect.stringMatching(/^window\.x: .* — removed$/)]);
  });

  it('copies an unreadable file aside before using defaults', () => {
    writeFileSync(file(), '{"plaintextTokens": "store", oops');
    const s = open();
    expect(s.problems[0]).toMatch(/not valid JSON/);
    expect(s.backupPath).toBe(`${file()}.unreadable-2026-01-02T03-04-05-000Z`);
    expect(readFileSync(s.backupPath!, 'utf8')).toBe('{"plaintextTokens": "store", oops');
    expect(describeSettingsRepair(s)).toContain(s.backupPath!);
    expect(s.get('plaintextTokens')).toBe('ask');
    expect(readdirSync(dir).sort()).toEqual(['settings.json', path.basename(s.backupPath!)].sort());
  });

  it('refuses to write a value the schema rejects, keeping the file intact', () => {
    const s = open();
    s.set('plaintextTokens', 'store');
    expect(() => s.set('plaintextTokens', 'whenever' as never)).toThrow();
    expect(open().get('plaintextTokens')).toBe('store');
  });

  it('stores the core blob under its own key', async () => {
    const s = open();
    await s.core.write({ retentionDays: 30 });
    expect(await open().core.read()).toEqual({ retentionDays: 30 });
  });

  it('repairs anything that is not an object', () => {
    for (const raw of [null, 42, 'text', [1, 2]]) {
      const r = repairShellSettings(raw);
      expect(r.value.plaintextTokens).toBe('ask');
      expect(r.problems[0]).toMatch(/not hold a JSON object/);
    }
  });
});
