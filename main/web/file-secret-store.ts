/**
 * Browser mode's SecretStore: a JSON file readable only by the user (mode 0600), written
 * atomically. Fine for a headless admin machine; the desktop app uses the OS keychain instead.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SecretStore } from '../core/ports.ts';

export class FileSecretStore implements SecretStore {
  private secrets: Record<string, string> | null = null;

  constructor(readonly file: string) {}

  private load(): Record<string, string> {
    if (this.secrets) return this.secrets;
    this.secrets = {};
    if (existsSync(this.file)) {
      // Tighten permissions of a file someone loosened.
      chmodSync(this.file, 0o600);
      try {
        const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') this.secrets[k] = v;
        }
      } catch {
        // An unreadable secrets file: tokens must be entered again (the clusters say so).
        renameSync(this.file, `${this.file}.bad-${Date.now()}`);
      }
    }
    return this.secrets;
  }

  private save(): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.load(), null, 2) + '\n', { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  async get(key: string): Promise<string | null> {
    return this.load()[key] ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    this.load()[key] = value;
    this.save();
  }

  async delete(key: string): Promise<void> {
    if (key in this.load()) {
      delete this.load()[key];
      this.save();
    }
  }

  describe(): string {
    return `in a file readable only by you (${this.file}), not encrypted: browser mode has no system keychain`;
  }
}
