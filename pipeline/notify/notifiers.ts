/** The notifiers configuration asks for, besides the log (which notifyQuality always adds). */
import type { AlertSettings } from '../../domain/settings/alerts';
import type { Notifier } from './notifier';
import { WebhookNotifier } from './webhookNotifier';

export function configuredNotifiers(settings: AlertSettings | undefined): Notifier[] {
  return settings?.webhookUrl ? [new WebhookNotifier(settings.webhookUrl, settings.timeoutMs)] : [];
}
