/** In-memory SecretStore and SettingsStore for tests (the real ones are shell-specific files/keychains). */
import type { SecretStore, SettingsStore } from '../ports.ts';

export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key) ?? null;
  }
  async set(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
  describe() {
    return 'test memory';
  }
}

export class MemorySettingsStore implements SettingsStore {
  constructor(public value: unknown = undefined) {}
  async read() {
    return this.value === undefined ? undefined : JSON.parse(JSON.stringify(this.value));
  }
  async write(value: unknown) {
    this.value = JSON.parse(JSON.stringify(value));
  }
}
