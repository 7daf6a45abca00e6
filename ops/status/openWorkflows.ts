/** cartwheel's workflows still running on Temporal, with their search attributes when they have them. */
import type { Client } from '@temporalio/client';
import { BUSINESS_DATE, RUN_KIND } from '../../workflows/searchAttributes';

export interface OpenWorkflow {
  workflowId: string;
  type: string;
  startTime: string;
  businessDate?: string;
  runKind?: string;
}

export async function openWorkflows(client: Client, limit: number): Promise<OpenWorkflow[]> {
  const open: OpenWorkflow[] = [];
  for await (const wf of client.workflow.list({ query: `ExecutionStatus = 'Running' AND (WorkflowType = 'dailyLoad' OR WorkflowType = 'replayLoad' OR WorkflowType = 'incrementalLoad')` })) {
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
