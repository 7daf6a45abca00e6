/**
 * A backfill is a request to a Schedule: its runs are ordinary scheduled loads, each audited by its
 * run record, and none of them knows it belongs to a backfill. So the request itself is audited here,
 * by whoever asked (CARTWHEEL_ACTOR or the OS user), with the schedule and the range.
 */
import { randomUUID } from 'node:crypto';
import { writeAudit } from '../../clickhouse/audit';
import type { Warehouse } from '../../clickhouse/client';

export interface BackfillRequest {
  scheduleId: string;
  from: string;
  to: string;
}

export async function auditBackfillRequest(warehouse: Pick<Warehouse, 'client'>, request: BackfillRequest): Promise<void> {
  await writeAudit(warehouse, [{
    eventId: `backfill:${request.scheduleId}:${randomUUID()}`,
    action: 'backfill',
    target: `${request.from}..${request.to}`,
    outcome: 'succeeded',
    workflowId: request.scheduleId,
    detail: `backfill of ${request.from}..${request.to} requested on schedule ${request.scheduleId}; each day's load is audited by its own run`,
  }]);
}
