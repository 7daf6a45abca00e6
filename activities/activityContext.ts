/**
 * The running activity's context, or undefined when the same code runs outside Temporal (the
 * benchmark, scripts). Heartbeats from outside an activity are simply not sent.
 */
import { Context } from '@temporalio/activity';

export function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export function heartbeat(details: unknown): void {
  currentActivity()?.heartbeat(details);
}
