import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import '../../activities/temporalWorkContext'; // pipeline code run here heartbeats and is cancelled as in an activity

/** Runs an activity function with a real activity Context; failures the test expects are not logged. */
export function activityEnvironment(): MockActivityEnvironment {
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
}
