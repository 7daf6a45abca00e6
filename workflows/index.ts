/** Every workflow the worker registers. */
export { dailyLoad, progressQuery } from './dailyLoad';
export type { DailyLoadInput, DailyLoadProgress, DailyLoadResult } from './dailyLoad';
