import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlaintextTokenPolicy } from './shell-settings.ts';
import { SafeSecretStore, type SafeStorageLike } from './secret-store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for safeStorage: reversible "encryption" that is visibly not the plain text. */
function fakeSafeStorage(backend: string, available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from(`enc:${backend}:` + Buffer.from(s).toString('hex')),
    decryptString: (b) => {
      const text = b.toString();
      const prefix = `enc:${backend}:`;
      if (!text.startsWith(prefix)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(text.slice(prefix.length), 'hex').toString();
    },
    getSelectedStorageBackend: () => backend,
  };
}

function store(backend: string, policy: PlaintextTokenPolicy = 'ask', answer: 'store' | 'session' = 'session', available = true) {
  let current = policy;
  const ask = vi.fn(async () => answer);
  const s = new SafeSecretStore({
    safeStorage: fakeSafeStorage(backend, available),
    platform: 'linux',
    file: path.join(dir, 'secrets.json'),
    policy: { get: () => current, set: (p) => void (current = p) },
    askPlaintextPolicy: ask,
  });
  return { s, ask, policy: () => current };
}

describe('secret store', () => {
  it('encrypts with the OS keyring into a 0600 file and never writes the token in clear', async () => {
    const { s, ask } = store('gnome_libsecret');
    await s.set('cluster:prod', 'tok-very-secret-123');
    expect(ask).not.toHaveBeenCalled();
    const text = readFileSync(path.join(dir, 'secrets.json'), 'utf8');
    expect(text).not.toContain('tok-very-secret-123');
    expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(await s.get('cluster:prod')).toBe('tok-very-secret-123');
    expect(s.describe()).toMatch(/OS keychain/);
    await s.delete('cluster:prod');
    expect(await s.get('cluster:prod')).toBe(null);
  });

  it('asks once without a keyring, and keeps tokens for the session only when told so', async () => {
    const { s, ask, policy } = store('basic_text', 'ask', 'session');
    expect(s.describe()).toMatch(/you will be asked/);
    await Promise.all([s.set('a', 'token-aaaaaaaa'), s.set('b', 'token-bbbbbbbb')]);
    expect(ask).toHaveBeenCalledTimes(1);
    expect(policy()).toBe('session');
    expect(await s.get('a')).toBe('token-aaaaaaaa');
    expect(s.describe()).toMatch(/this session only/);
    expect(() => readFileSync(path.join(dir, 'secrets.json'))).toThrow();
    // A new session (new store) has forgotten them.
    expect(await store('basic_text', 'session').s.get('a')).toBe(null);
  });

  it('stores obfuscated on disk without a keyring when the admin agreed', async () => {
    const { s, ask } = store('basic_text', 'ask', 'store');
    await s.set('a', 'token-aaaaaaaa');
    expect(ask).toHaveBeenCalledTimes(1);
    expect(s.describe()).toMatch(/obfuscated but not encrypted/);
    expect(await store('basic_text', 'store').s.get('a')).toBe('token-aaaaaaaa');
  });

  it('keeps tokens for the session when encryption is not available at all', async () => {
    const { s, ask } = store('unknown', 'ask', 'store', false);
    await s.set('a', 'token-aaaaaaaa');
    expect(ask).not.toHaveBeenCalled();
    expect(await s.get('a')).toBe('token-aaaaaaaa');
    expect(s.describe()).toMatch(/session only/);
  });

  it('answers null (enter the token again) when a stored secret cannot be decrypted or the file is damaged', async () => {
    await store('kwallet5').s.set('a', 'token-aaaaaaaa');
    expect(await store('gnome_libsecret').s.get('a')).toBe(null);
    writeFileSync(path.join(dir, 'secrets.json'), '{"version": 9}');
    expect(await store('kwallet5').s.get('a')).toBe(null);
    await store('kwallet5').s.set('b', 'token-bbbbbbbb');
    expect(await store('kwallet5').s.get('b')).toBe('token-bbbbbbbb');
  });
});
