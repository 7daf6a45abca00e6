/** Every workflow the worker registers. */
export { dailyLoad, progressQuery } from './dailyLoad';
export type { DailyLoadInput, DailyLoadProgress, DailyLoadResult, ScheduledDailyLoadInput } from './dailyLoad';
export { replayLoad, replayProgressQuery } from './replayLoad';
export type { ReplayLoadInput, ReplayLoadResult, ReplayProgress } from './replayLoad';
export { incrementalLoad } from './incrementalLoad';
export type { IncrementalLoadInput, IncrementalLoadResult } from './incrementalLoad';
export { changeBatchLoad } from './changeBatchLoad';
export type { ChangeBatchLoadInput, ChangeBatchLoadResult } from './changeBatchLoad';
