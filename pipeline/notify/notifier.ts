/**
 * Where alerts go. The log always gets them; other notifiers (the webhook, or one you add: mail, a
 * pager) implement this and are passed to createActivities.
 */
import type { QualityAlert } from './alert';

export interface Notifier {
  /** For error messages: must not reveal secrets (no full webhook URL). */
  readonly name: string;
  notify(alert: QualityAlert): Promise<void>;
}
