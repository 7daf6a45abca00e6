import { z } from 'zod';
import { oneOf, optionalText, text, timestamp } from './columns';
import { DEFAULT_DATE_FORMATS, type DateFormat } from './timestamps';

export const HEX_ID = { pattern: /^[0-9a-f]{32}$/, describe: 'a 32-character lowercase hex id' };

export const BRAZILIAN_STATES = [
  'AC', 'AL', 'AM', 'AP', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MG', 'MS', 'MT', 'PA',
  'PB', 'PE', 'PI', 'PR', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP', 'TO',
] as const;

/** customers.csv: one row per customer referenced by the day's orders. */
export function customerRow(dateFormats: readonly DateFormat[] = DEFAULT_DATE_FORMATS) {
  return z.object({
    customer_id: text(HEX_ID),
    customer_unique_id: text(HEX_ID),
    customer_zip_code_prefix: text({ pattern: /^\d{5}$/, describe: 'five digits' }),
    customer_city: optionalText(),
    customer_state: oneOf(BRAZILIAN_STATES),
    updated_at: timestamp(dateFormats),
  });
}

export type CustomerRow = z.output<ReturnType<typeof customerRow>>;
