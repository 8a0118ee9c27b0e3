import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBearerToken } from './bearer.ts';
import { addToken, generateToken, readTokensFile, removeToken, TOKEN_PREFIX, TokensFileError } from './token-file.ts';
import { TokenStore } from './token-store.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-tokens-'));
  file = path.join(dir, 'sub', 'tokens.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('tokens file', () => {
  it('stores only salted hashes, with mode 0600, and the token verifies', () => {
    const { token } = addToken(file, 'ci-bot', 'operator');
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url')).toHaveLength(32);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(TOKEN_PREFIX.length));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const [record] = readTokensFile(file).tokens;
    expect(record).toMatchObject({ name: 'ci-bot', role: 'operator' });
    expect(Date.parse(record!.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    const store = new TokenStore({ file });
    expect(store.verify(token)).toEqual({ name: 'ci-bot', role: 'operator' });
    expect(store.verify(generateToken())).toBeNull();
    expect(store.verify(token.slice(0, -1))).toBeNull();
    expect(store.verify('')).toBeNull();
  });

  it('salts each token differently, so equal tokens would not share a hash', () => {
    addToken(file, 'a', 'viewer');
    addToken(file, 'b', 'admin');
    const [a, b] = readTokensFile(file).tokens;
    expect(a!.salt).not.toBe(b!.salt);
    expect(a!.hash).not.toBe(b!.hash);
  });

  it('refuses duplicate and malformed names', () => {
    addToken(file, 'alice', 'viewer');
    expect(() => addToken(file, 'alice', 'admin')).toThrow(/already exists/);
    expect(() => addToken(file, 'has space', 'admin')).toThrow(TokensFileError);
  });

  it('says what is wrong with a broken file instead of crashing', () => {
    writeFileSync(path.join(dir, 'bad.json'), '{nope');
    expect(() => readTokensFile(path.join(dir, 'bad.json'))).toThrow(/not valid JSON/);
    writeFileSync(path.join(dir, 'wrong.json'), JSON.stringify({ version: 1, tokens: [{ name: 'x' }] }));
    expect(() => readTokensFile(path.join(dir, 'wrong.json'))).toThrow(/not a Sigmatiq tokens file: tokens\.0\./);
  });

  it('picks up tokens added to the file while serving, and keeps the old set when the file breaks', () => {
    const first = addToken(file, 'first', 'admin').token;
    const store = new TokenStore({ file, recheckMs: 0 });
    const second = addToken(file, 'second', 'viewer').token;
    expect(store.verify(second)).toEqual({ name: 'second', role: 'viewer' });
    writeFileSync(file, '{broken');
    expect(store.verify(first)).toEqual({ name: 'first', role: 'admin' });
  });

  it('stops accepting a revoked token while serving, and keeps the others', () => {
    const kept = addToken(file, 'kept', 'viewer').token;
    const revoked = addToken(file, 'leaked', 'admin').token;
    const store = new TokenStore({ file, recheckMs: 0 });
    expect(store.verify(revoked)).toEqual({ name: 'leaked', role: 'admin' });
    expect(removeToken(file, 'leaked').role).toBe('admin');
    expect(store.verify(revoked)).toBeNull();
    expect(store.verify(kept)).toEqual({ name: 'kept', role: 'viewer' });
    expect(() => removeToken(file, 'leaked')).toThrow(/no token named 'leaked'.*tokens there: kept/);
  });

  it('keeps memory-only tokens next to the file', () => {
    const store = new TokenStore({ file });
    const token = generateToken();
    store.addMemoryToken('session', 'admin', token);
    expect(store.verify(token)).toEqual({ name: 'session', role: 'admin' });
    expect(readTokensFile(file).tokens).toHaveLength(0);
  });
});

describe('readBearerToken', () => {
  it('reads "Bearer <token>" only', () => {
    expect(readBearerToken('Bearer abc')).toBe('abc');
    expect(readBearerToken('bearer   abc ')).toBe('abc');
    expect(readBearerToken('Basic abc')).toBeNull();
    expect(readBearerToken('Bearer')).toBeNull();
    expect(readBearerToken('Bearer a b')).toBeNull();
    expect(readBearerToken(undefined)).toBeNull();
  });
});
