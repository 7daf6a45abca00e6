/** Alerts as one warning line in the worker log (the activity logger), always on. */
import type { QualityAlert } from './alert';
import type { Notifier } from './notifier';

export interface WarnLogger {
  warn(message: string, attributes?: Record<string, unknown>): void;
}

export class LogNotifier implements Notifier {
  readonly name = 'log';
  constructor(private readonly logger: WarnLogger) {}

  async notify(alert: QualityAlert): Promise<void> {
    this.logger.warn(alert.text, { alertId: alert.id, businessDate: alert.businessDate, verdict: alert.verdict, checks: alert.checks.map((c) => c.name) });
  }
}
