/**
 * The pipeline's work context (pipeline/workContext.ts) inside a Temporal activity: heartbeats,
 * the previous attempt's heartbeat details and cancellation are the activity's. Imported for its
 * effect by whatever runs pipeline code as activities (activities/index.ts, the tests' activity
 * environment); outside an activity there is no context.
 */
import { Context } from '@temporalio/activity';
import { provideWorkContext, type WorkContext } from '../pipeline/workContext';

function activityWorkContext(): WorkContext | undefined {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return undefined; // not inside an activity
  }
  const { info } = context;
  return {
    heartbeat: (details) => context.heartbeat(details),
    previousHeartbeat: info.heartbeatDetails,
    cancellationSignal: context.cancellationSignal,
    holder: info.workflowExecution ? `${info.workflowExecution.workflowId}/${info.activityId}` : undefined,
  };
}

provideWorkContext(activityWorkContext);
