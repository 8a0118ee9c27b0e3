/**
 * Browser mode's SettingsStore: a JSON file. The core repairs bad fields; a file that is not JSON
 * at all is copied aside (`settings.json.bad-<time>`) and reported, and defaults are used.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SettingsStore } from '../core/ports.ts';

export class JsonSettingsStore implements SettingsStore {
  constructor(readonly file: string) {}

  async read(): Promise<unknown> {
    if (!existsSync(this.file)) return undefined;
    const text = readFileSync(this.file, 'utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const aside = `${this.file}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      copyFileSync(this.file, aside);
      throw new Error(`${path.basename(this.file)} is not valid JSON (${(error as Error).message}); it was copied to ${path.basename(aside)}`, {
        cause: error,
      });
    }
  }

  async write(value: unknown): Promise<void> {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
    renameSync(tmp, this.file);
  }
}
