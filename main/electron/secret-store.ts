/**
 * The SecretStore port over Electron's safeStorage: cluster tokens encrypted with the OS keychain
 * (Keychain, DPAPI, libsecret/KWallet) in a file of their own (0600), never in settings or the cache.
 *
 * Linux without a keyring leaves safeStorage on `basic_text` — obfuscation with a fixed key, not
 * encryption. Then the admin is asked once, when a token is first saved, whether to store tokens
 * that way or keep them for this session only; the answer is remembered in settings, and
 * `describe()` says which, for the UI.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SecretStore } from '../core/ports.ts';
import type { PlaintextTokenPolicy } from './shell-settings.ts';

/** Electron's safeStorage as far as this store uses it. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only; elsewhere the OS store is always used. */
  getSelectedStorageBackend?(): string;
}

/** How tokens end up being kept on this machine. */
export type SecretStorageMode = 'os-keychain' | 'obfuscated-file' | 'session-only' | 'ask';

const SecretsFile = z.object({ version: z.literal(1), secrets: z.record(z.string(), z.string()) });

export interface SafeSecretStoreOptions {
  safeStorage: SafeStorageLike;
  platform: NodeJS.Platform;
  /** The encrypted secrets file (e.g. `<userData>/secrets.json`). */
  file: string;
  policy: { get(): PlaintextTokenPolicy; set(policy: PlaintextTokenPolicy): void };
  /** Asks the admin how to keep tokens without a keyring (a native dialog in the app). */
  askPlaintextPolicy: () => Promise<Exclude<PlaintextTokenPolicy, 'ask'>>;
  log?: (line: string) => void;
}

/** The OS store safeStorage uses, or null when encryption is not available at all. */
export function storageBackend(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (platform !== 'linux' || !safeStorage.getSelectedStorageBackend) return platform === 'darwin' ? 'keychain' : 'dpapi';
  return safeStorage.getSelectedStorageBackend();
}

/** The store's current mode, for `describe()` and the tests. */
export function secretStorageMode(backend: string | null, policy: PlaintextTokenPolicy): SecretStorageMode {
  if (backend === null) return 'session-only';
  if (backend !== 'basic_text') return 'os-keychain';
  if (policy === 'store') return 'obfuscated-file';
  if (policy === 'session') return 'session-only';
  return 'ask';
}

/** A SecretStore over safeStorage with the keyring-less policy above. */
export class SafeSecretStore implements SecretStore {
  private readonly session = new Map<string, string>();
  private asking: Promise<Exclude<PlaintextTokenPolicy, 'ask'>> | null = null;

  constructor(private readonly options: SafeSecretStoreOptions) {}

  /** The mode right now (the backend can only be read once the app is ready, so it is read late). */
  mode(): SecretStorageMode {
    return secretStorageMode(storageBackend(this.options.safeStorage, this.options.platform), this.options.policy.get());
  }

  async get(key: string): Promise<string | null> {
    const inSession = this.session.get(key);
    if (inSession !== undefined) return inSession;
    const stored = this.readFile().secrets[key];
    if (stored === undefined || this.mode() === 'session-only') return null;
    try {
      return this.options.safeStorage.decryptString(Buffer.from(stored, 'base64'));
    } catch (error) {
      // E.g. the keyring changed or was reset: the admin has to enter the token again.
      this.options.log?.(`could not decrypt the stored secret ${key}: ${String(error)}`);
      return null;
    }
  }

  async set(key: string, value: string): Promise<void> {
    let mode = this.mode();
    if (mode === 'ask') {
      this.asking ??= this.options.askPlaintextPolicy().finally(() => (this.asking = null));
      this.options.policy.set(await this.asking);
      mode = this.mode();
    }
    if (mode === 'session-only') {
      this.session.set(key, value);
      this.removeFromFile(key);
      return;
    }
    const encrypted = this.options.safeStorage.encryptString(value).toString('base64');
    const file = this.readFile();
    file.secrets[key] = encrypted;
    this.writeFile(file);
    this.session.delete(key);
  }

  async delete(key: string): Promise<void> {
    this.session.delete(key);
    this.removeFromFile(key);
  }

  describe(): string {
    switch (this.mode()) {
      case 'os-keychain':
        return 'encrypted with your OS keychain';
      case 'obfuscated-file':
        return 'in a file only you can read, obfuscated but not encrypted (this system has no keyring)';
      case 'session-only':
        return 'for this session only — this system has no keyring, so tokens are forgotten when the app quits';
      case 'ask':
        return 'not decided yet — this system has no keyring; you will be asked when you save a token';
    }
  }

  private removeFromFile(key: string): void {
    const file = this.readFile();
    if (!(key in file.secrets)) return;
    delete file.secrets[key];
    this.writeFile(file);
  }

  private readFile(): z.infer<typeof SecretsFile> {
    let text: string;
    try {
      text = readFileSync(this.options.file, 'utf8');
    } catch {
      return { version: 1, secrets: {} };
    }
    try {
      return SecretsFile.parse(JSON.parse(text));
    } catch (error) {
      this.options.log?.(`the secrets file ${this.options.file} is damaged and is ignored (${String(error)}); tokens must be entered again`);
      return { version: 1, secrets: {} };
    }
  }

  private writeFile(value: z.infer<typeof SecretsFile>): void {
    mkdirSync(path.dirname(this.options.file), { recursive: true });
    // Write-then-rename, so a crash never leaves half a file.
    const tmp = `${this.options.file}.${randomUUID()}.tmp`;
    writeFileSync(tmp, JSON.stringify(value, null, 2), { mode: 0o600 });
    renameSync(tmp, this.options.file);
  }
}
