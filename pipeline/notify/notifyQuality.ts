/**
 * The alert activity: sends a run's threshold crossings to the log and every configured notifier.
 * Every notifier is tried; if one fails the activity fails (after the others were tried) and
 * Temporal retries it, so a webhook outage never hides the alert from the log.
 */
import { alertFor, type AlertInput } from './alert';
import { LogNotifier, type WarnLogger } from './logNotifier';
import type { Notifier } from './notifier';

export interface AlertResult {
  /** Checks alerted on (0: nothing crossed a threshold at the configured level). */
  checks: number;
  delivered: string[];
}

export async function notifyQuality(input: AlertInput, options: { on: 'warn' | 'fail'; notifiers: readonly Notifier[]; logger: WarnLogger }): Promise<AlertResult> {
  const alert = alertFor(input, options.on);
  if (!alert) return { checks: 0, delivered: [] };
  const notifiers = [new LogNotifier(options.logger), ...options.notifiers];
  const outcomes = await Promise.allSettled(notifiers.map((n) => n.notify(alert)));
  const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`${(o.reason as Error).message}`] : []));
  if (failed.length > 0) throw new Error(`quality alert for ${input.businessDate} not delivered: ${failed.join('; ')}`);
  return { checks: alert.checks.length, delivered: notifiers.map((n) => n.name) };
}
