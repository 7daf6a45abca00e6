/**
 * The audit log (migration 0008): who did what to the warehouse, when, and how it ended.
 *
 * "Who" is CARTWHEEL_ACTOR when set (a deployment names its service account or the person running
 * a backfill), else the OS user of the acting process. For loads that is the worker's user: the
 * person who started a workflow is in its Temporal history (the client identity), not here.
 */
import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import type { Warehouse } from './client';

export type AuditAction = 'load' | 'replay' | 'backfill' | 'schema_change';

export interface AuditEvent {
  /** Stable per event, so a retried writer replaces its row instead of adding one. */
  eventId: string;
  action: AuditAction;
  target: string;
  outcome: 'succeeded' | 'failed';
  workflowId?: string;
  runId?: string;
  /** A short, value-free description (counts, check names, error messages of the pipeline). */
  detail?: string;
  /** Overrides the process's actor (e.g. a workflow that carries who started it). */
  actor?: string;
}

/** Printable, bounded, no line breaks: it lands in a table people read and export. */
export const actorSchema = z.string().trim().min(1).max(128).regex(/^[^\p{Cc}]+$/u, 'must be printable, without control characters');

export function currentActor(env: NodeJS.ProcessEnv = process.env): string {
  const configured = actorSchema.safeParse(env.CARTWHEEL_ACTOR);
  if (configured.success) return configured.data;
  try {
    return userInfo().username;
  } catch {
    return `uid:${process.getuid?.() ?? 'unknown'}`; // containers may run as a uid without a passwd entry
  }
}

export async function writeAudit(warehouse: Pick<Warehouse, 'client'>, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const actor = currentActor();
  await warehouse.client.insert({
    table: 'audit_log',
    format: 'JSONEachRow',
    values: events.map((e) => ({
      event_id: e.eventId,
      occurred_at: now,
      actor: e.actor ?? actor,
      host: hostname(),
      action: e.action,
      target: e.target,
      outcome: e.outcome,
      workflow_id: e.workflowId ?? '',
      run_id: e.runId ?? '',
      detail: e.detail ?? '',
    })),
  });
}

/** Whether migration 0008 has created the table yet (migrate writes the rows of earlier ones after it). */
export async function auditLogExists(warehouse: Warehouse): Promise<boolean> {
  const result = await warehouse.client.query({ query: "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'audit_log'", format: 'JSONEachRow' });
  const [{ n }] = await result.json<{ n: number | string }>();
  return Number(n) > 0;
}
