/**
 * One AdminApi call from outside the process (browser mode's HTTP host; usable by the IPC bridge):
 * the method name is checked, the raw arguments are parsed with `ADMIN_API[method].args`, the core
 * is called, and any failure comes back as data — an AdminErrorBody with an HTTP status.
 */
import { z } from 'zod';
import { ADMIN_API, type AdminApi, type AdminApiMethod, type AdminErrorBody } from '../../contract/admin-api.ts';
import { toAdminError } from './admin-error.ts';

export type DispatchResult = { ok: true; result: unknown } | { ok: false; status: number; error: AdminErrorBody };

/** True for the name of an AdminApi method (and nothing inherited from Object). */
export function isAdminApiMethod(name: string): name is AdminApiMethod {
  return Object.prototype.hasOwnProperty.call(ADMIN_API, name);
}

/** Validate and run one call. Never throws. */
export async function dispatchAdminCall(api: AdminApi, method: string, rawArgs: unknown, log?: (line: string) => void): Promise<DispatchResult> {
  if (!isAdminApiMethod(method)) {
    return { ok: false, status: 404, error: { code: 'unknown-method', message: `There is no AdminApi method "${method.slice(0, 60)}".` } };
  }
  if (!Array.isArray(rawArgs)) {
    return { ok: false, status: 400, error: { code: 'invalid-arguments', message: `The arguments of ${method} must be a list.` } };
  }
  const parsed = (ADMIN_API[method].args as z.ZodType<unknown[]>).safeParse(rawArgs);
  if (!parsed.success) {
    return {
      ok: false,
      status: 400,
      error: { code: 'invalid-arguments', message: `Invalid arguments for ${method}: ${z.prettifyError(parsed.error)}`, details: parsed.error.issues },
    };
  }
  try {
    const fn = api[method] as (...args: unknown[]) => Promise<unknown>;
    const result = await fn.apply(api, parsed.data);
    return { ok: true, result };
  } catch (error) {
    const e = toAdminError(error, log);
    return { ok: false, status: e.httpStatus, error: e.body };
  }
}
