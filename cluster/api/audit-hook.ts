/**
 * Audit records, written as an answer is sent: one per mutating call, accepted or refused (a 400, a
 * 403 or a 409 is worth knowing about, with what it tried), and one per failed authentication on
 * any route (their number is bounded by the per-address limit on failed authentications).
 *
 * Everything taken from the request is made printable and cut short first: a record holding a NUL
 * or a lone surrogate could not be stored, and a refused request is exactly where such input shows up.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditRecord } from '../../contract/api.ts';
import type { JobEngine } from '../engine/job-engine.ts';
import { printable } from './input-guard.ts';

function auditResultFromPayload(status: number, payload: unknown): string {
  if (status < 400) return 'ok';
  try {
    const parsed = JSON.parse(String(payload)) as { error?: { code?: string; message?: string } };
    return `${parsed.error?.code ?? 'error'}: ${parsed.error?.message ?? ''}`;
  } catch {
    return `error ${status}`;
  }
}

/** Printable and at most `max` characters. */
function field(text: string, max: number): string {
  return printable(text.slice(0, max)).slice(0, max);
}

/** The record for this request and answer, or null when there is nothing to record. */
export function auditRecordOf(request: FastifyRequest, reply: FastifyReply, payload: unknown): Omit<AuditRecord, 'id'> | null {
  const route = request.routeOptions.config?.route;
  const status = reply.statusCode;
  const at = new Date().toISOString();
  if (!request.actor) {
    if (request.authFailure === null) return null;
    return {
      at,
      actor: '(no valid token)',
      role: 'none',
      action: 'auth.failed',
      target: field(`${request.method} ${route?.path ?? request.url.split('?')[0]}`, 500),
      sourceAddress: request.ip,
      status,
      result: field(request.authFailure, 500),
    };
  }
  if (!route?.audit) return null;
  const params = (request.params ?? {}) as Record<string, string>;
  let action: string;
  let target: string;
  try {
    action = typeof route.audit.action === 'string' ? route.audit.action : route.audit.action(params, request.body);
    target = request.auditNote?.target ?? route.audit.target(params, request.body);
  } catch {
    action = `${route.method} ${route.path}`;
    target = '?';
  }
  const result = status < 400 ? (request.auditNote?.result ?? 'ok') : auditResultFromPayload(status, payload);
  return {
    at,
    actor: request.actor.name,
    role: request.actor.role,
    action: field(String(action), 100),
    target: field(String(target), 500),
    sourceAddress: request.actor.sourceAddress,
    status,
    result: field(result, 500),
  };
}

/** Write the audit record of a request, if it has one; a failure to write is logged, not answered. */
export async function writeAudit(engine: JobEngine, request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
  const record = auditRecordOf(request, reply, payload);
  if (!record) return;
  try {
    await engine.appendAudit(record);
  } catch (err) {
    request.log.error({ err }, 'could not write the audit record');
  }
}
