/** cartwheel's workflows still running on Temporal, with their search attributes when they have them. */
import type { Client } from '@temporalio/client';
import type * as Workflows from '../../workflows';
import { BUSINESS_DATE, RUN_KIND } from '../../workflows/searchAttributes';

/** Every workflow type cartwheel registers (workflows/index.ts). */
const CARTWHEEL_WORKFLOWS = ['dailyLoad', 'incrementalLoad', 'changeBatchLoad', 'replayLoad'] as const satisfies readonly (keyof typeof Workflows)[];

export interface OpenWorkflow {
  workflowId: string;
  type: string;
  startTime: string;
  businessDate?: string;
  runKind?: string;
}

export async function openWorkflows(client: Client, limit: number): Promise<OpenWorkflow[]> {
  const open: OpenWorkflow[] = [];
  const types = CARTWHEEL_WORKFLOWS.map((type) => `WorkflowType = '${type}'`).join(' OR ');
  for await (const wf of client.workflow.list({ query: `ExecutionStatus = 'Running' AND (${types})` })) {
    open.push({
      workflowId: wf.workflowId,
      type: wf.type,
      startTime: wf.startTime.toISOString(),
      businessDate: wf.typedSearchAttributes.get(BUSINESS_DATE),
      runKind: wf.typedSearchAttributes.get(RUN_KIND),
    });
    if (open.length >= limit) break;
  }
  return open;
}
