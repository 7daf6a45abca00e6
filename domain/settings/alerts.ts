/** Where quality alerts go besides the worker log, and which outcomes raise one. */
import { z } from 'zod';

export const alertSettingsSchema = z.strictObject({
  /** POST target for alerts; may embed a token (Slack-style hooks), so it is never logged in full. */
  webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** `warn`: warnings and failures alert; `fail`: only failures. */
  on: z.enum(['warn', 'fail']).default('warn'),
  /** Per delivery attempt; Temporal retries the activity. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
});

export type AlertSettings = z.output<typeof alertSettingsSchema>;
