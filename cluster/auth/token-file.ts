/**
 * The tokens file: API tokens at rest. Each token is stored only as a salted SHA-256 hash with its
 * name, role and creation time; the token itself is shown once when created and never again.
 *
 * A fast hash is enough here (no scrypt): tokens are 32 random bytes, so there is nothing to guess,
 * and every request verifies one, so a slow key-derivation function would only cost latency.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describeZodError, Role } from '../../contract/api.ts';

/** Every token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'sqt_';

export const TokenName = z
  .string()
  .min(1, 'a token name')
  .max(100)
  .regex(/^[\w.@+-]+$/, 'a token name: letters, digits and . _ @ + - only');

export const StoredToken = z.strictObject({
  id: z.string().min(1),
  name: TokenName,
  role: Role,
  createdAt: z.iso.datetime({ offset: true }),
  /** Hex salt and hex SHA-256 of salt ‖ token. */
  salt: z.string().regex(/^[0-9a-f]{32}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type StoredToken = z.infer<typeof StoredToken>;

export const TokensFile = z.strictObject({
  version: z.literal(1),
  tokens: z.array(StoredToken),
});
export type TokensFile = z.infer<typeof TokensFile>;

/** A new random token: the prefix and 32 random bytes in base64url. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The salted hash stored for a token. */
export function hashToken(token: string, saltHex: string): string {
  return createHash('sha256').update(Buffer.from(saltHex, 'hex')).update(token, 'utf8').digest('hex');
}

/** A stored record for a fresh token (the caller shows `token` once and forgets it). */
export function newStoredToken(name: string, role: Role, token: string, now = new Date()): StoredToken {
  const salt = randomBytes(16).toString('hex');
  return StoredToken.parse({ id: randomUUID(), name, role, createdAt: now.toISOString(), salt, hash: hashToken(token, salt) });
}

export class TokensFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokensFileError';
  }
}

/** Read and validate a tokens file; a missing file is an empty one. */
export function readTokensFile(file: string): TokensFile {
  if (!existsSync(file)) return { version: 1, tokens: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TokensFileError(`tokens file ${file} is not valid JSON (${(err as Error).message}); fix or remove it`);
  }
  const parsed = TokensFile.safeParse(raw);
  if (!parsed.success) {
    throw new TokensFileError(`tokens file ${file} is not a Sigmatiq tokens file: ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * Write a tokens file atomically (temp file in the same folder, then rename) with mode 0600, so a
 * crash never leaves half a file and other users of the machine cannot read the hashes.
 */
export function writeTokensFile(file: string, content: TokensFile): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(TokensFile.parse(content), null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** Add a token to a file (created when missing); returns the token, to be shown once. */
export function addToken(file: string, name: string, role: Role): { token: string; record: StoredToken } {
  const nameOk = TokenName.safeParse(name);
  if (!nameOk.success) throw new TokensFileError(`bad token name '${name}': ${describeZodError(nameOk.error)}`);
  const content = readTokensFile(file);
  if (content.tokens.some((t) => t.name === name)) {
    throw new TokensFileError(`a token named '${name}' already exists in ${file}; choose another name`);
  }
  const token = generateToken();
  const record = newStoredToken(name, role, token);
  writeTokensFile(file, { version: 1, tokens: [...content.tokens, record] });
  return { token, record };
}

/**
 * Remove the token called `name` from a file; returns the removed record. A running server stops
 * accepting it within its re-check interval (a second by default).
 */
export function removeToken(file: string, name: string): StoredToken {
  const content = readTokensFile(file);
  const record = content.tokens.find((t) => t.name === name);
  if (!record) {
    const names = content.tokens.map((t) => t.name).join(', ') || 'none';
    throw new TokensFileError(`no token named '${name}' in ${file} (tokens there: ${names})`);
  }
  writeTokensFile(file, { version: 1, tokens: content.tokens.filter((t) => t !== record) });
  return record;
}
