/**
 * Open the warehouse, waiting out a short outage: a server restarting, a network blip, the embedded
 * folder still held by a process that is shutting down. Retries only WarehouseUnavailable, with
 * exponential backoff, and says so on every attempt; anything else (a wrong password, a bad
 * database name) fails at once. When the attempts are used up the error names the warehouse (never
 * its credentials), how long it was tried and the last reason.
 */
import { openWarehouse, WarehouseUnavailable, type Warehouse, type WarehouseConfig } from './client';

export interface OpenRetryPolicy {
  /** Tries in all, the first included (1: no retry). */
  attempts: number;
  /** Wait before the second try; doubles after each failure, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_OPEN_RETRY: OpenRetryPolicy = { attempts: 6, initialDelayMs: 1_000, maxDelayMs: 30_000 };

export async function openWarehouseWithRetry(
  config: WarehouseConfig,
  policy: OpenRetryPolicy = DEFAULT_OPEN_RETRY,
  onRetry: (message: string) => void = (message) => console.warn(message),
): Promise<Warehouse> {
  const started = Date.now();
  let delayMs = policy.initialDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await openWarehouse(config);
    } catch (error) {
      if (!(error instanceof WarehouseUnavailable)) throw error;
      if (attempt >= policy.attempts) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        throw new WarehouseUnavailable(`warehouse unavailable after ${attempt} attempts over ${seconds} s: ${error.message}`);
      }
      onRetry(`warehouse unavailable (attempt ${attempt} of ${policy.attempts}), retrying in ${(delayMs / 1000).toFixed(1)} s: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, policy.maxDelayMs);
    }
  }
}
