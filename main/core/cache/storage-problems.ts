/**
 * What a failed read or write of the cache file means, told apart by SQLite's (or the OS's) error
 * code: a damaged file is the only case that justifies moving the cache aside; a full disk, an I/O
 * error, a read-only or locked file say nothing about the data in it, so the file is left alone and
 * the admin is told what to fix.
 */
import { statfsSync } from 'node:fs';
import type { StorageProblem } from '../../../contract/admin-api.ts';

export type StorageFault = StorageProblem | 'corrupt';

/** Below this much free space an I/O error on the cache is taken for a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** The kind of storage fault behind `error`; null for anything else (a bug, a bad statement). */
export function storageFaultOf(error: unknown, folder?: string): StorageFault | null {
  const code = codeOf(error);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'disk-full';
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'read-only';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'EIO') {
    // SQLite reports a full disk while growing its shared-memory file as a plain I/O error.
    return folder !== undefined && freeBytes(folder) < NEARLY_FULL_BYTES ? 'disk-full' : 'io-error';
  }
  return null;
}

function freeBytes(folder: string): number {
  try {
    const s = statfsSync(folder);
    return s.bavail * s.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function detailOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  return code && !message.includes(code) ? `${message}, ${code}` : message;
}

/** What is wrong and what to do, for the admin (banner and log). */
export function describeStorageProblem(problem: StorageProblem, folder: string, error: unknown): string {
  switch (problem) {
    case 'disk-full':
      return `The disk holding ${folder} is full: free space there; syncing resumes by itself`;
    case 'io-error':
      return `The job cache in ${folder} cannot be written (${detailOf(error)}): check that disk; syncing resumes by itself once writing works again`;
    case 'read-only':
      return `The job cache in ${folder} is read-only (${detailOf(error)}): give this app write access to that folder; syncing resumes by itself`;
    case 'locked':
      return `The job cache in ${folder} is locked by another program (${detailOf(error)}): close the program holding it (e.g. a sqlite3 shell in a transaction); syncing resumes by itself`;
  }
}
