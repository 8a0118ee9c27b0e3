/**
 * TokenStore: answers "who is this bearer token?" for the API. Tokens come from a tokens file
 * (re-read when it changes on disk, so `token create` works without a restart) plus tokens that
 * live only in memory for this process (a desktop app's per-session admin token).
 */
import { timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Role } from '../../contract/api.ts';
import { hashToken, newStoredToken, readTokensFile, type StoredToken } from './token-file.ts';

/** Who a verified token belongs to. */
export interface TokenIdentity {
  name: string;
  role: Role;
}

export interface TokenStoreOptions {
  /** The tokens file; absent = in-memory tokens only. */
  file?: string;
  /** How often, at most, the file's modification time is checked (ms). */
  recheckMs?: number;
}

export class TokenStore {
  private fileTokens: StoredToken[] = [];
  private memoryTokens: StoredToken[] = [];
  private fileStamp = '';
  private lastCheck = 0;
  private readonly recheckMs: number;

  constructor(private readonly options: TokenStoreOptions = {}) {
    this.recheckMs = options.recheckMs ?? 1000;
    this.reload();
  }

  /** The tokens file this store reads, if any. */
  get file(): string | undefined {
    return this.options.file;
  }

  /** How many tokens are known (file and memory). */
  get size(): number {
    this.maybeReload();
    return this.fileTokens.length + this.memoryTokens.length;
  }

  /** Add a token that lives only as long as this process; returns nothing (the caller has it). */
  addMemoryToken(name: string, role: Role, token: string): void {
    this.memoryTokens.push(newStoredToken(name, role, token));
  }

  /**
   * The identity of a token, or null. Compares every stored hash in constant time and does not stop
   * at the first match, so timing says nothing about which token (or how much of it) matched.
   */
  verify(token: string): TokenIdentity | null {
    this.maybeReload();
    let found: StoredToken | null = null;
    for (const record of [...this.fileTokens, ...this.memoryTokens]) {
      const candidate = Buffer.from(hashToken(token, record.salt), 'hex');
      const stored = Buffer.from(record.hash, 'hex');
      if (candidate.length === stored.length && timingSafeEqual(candidate, stored) && found === null) found = record;
    }
    return found ? { name: found.name, role: found.role } : null;
  }

  /** Re-read the file now (also done lazily when its modification time changes). */
  reload(): void {
    const file = this.options.file;
    if (!file) return;
    this.fileStamp = stampOf(file);
    this.fileTokens = readTokensFile(file).tokens;
    this.lastCheck = Date.now();
  }

  private maybeReload(): void {
    const file = this.options.file;
    if (!file || Date.now() - this.lastCheck < this.recheckMs) return;
    this.lastCheck = Date.now();
    const stamp = stampOf(file);
    if (stamp === this.fileStamp) return;
    try {
      this.reload();
    } catch {
      // A half-edited or broken file keeps the last good tokens rather than locking everyone out.
      this.fileStamp = stamp;
    }
  }
}

function stampOf(file: string): string {
  try {
    const s = statSync(file);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
}
