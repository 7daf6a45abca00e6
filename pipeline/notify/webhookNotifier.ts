/**
 * Alerts POSTed as JSON to a configured URL (Slack-compatible: the payload has `text`). Node's fetch
 * does the HTTP; errors name the webhook by origin only, since the path often is the secret.
 */
import type { QualityAlert } from './alert';
import type { Notifier } from './notifier';

export class WebhookNotifier implements Notifier {
  readonly name: string;

  constructor(private readonly url: string, private readonly timeoutMs: number) {
    this.name = `webhook ${new URL(url).origin}`;
  }

  async notify(alert: QualityAlert): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': alert.id },
        body: JSON.stringify({ event: 'cartwheel.quality.alert', ...alert }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new Error(`${this.name} unreachable: ${reasonOf(error)}`);
    }
    // Drain the body so the connection is released.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`${this.name} answered HTTP ${response.status}`);
  }
}

/** The cause's code (ECONNREFUSED, timeout) without its message, which may quote the URL. */
function reasonOf(error: unknown): string {
  const e = error as { name?: string; cause?: { code?: string; name?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.name ?? e.name ?? 'unknown error';
}
