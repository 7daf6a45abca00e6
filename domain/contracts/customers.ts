import { z } from 'zod';
import { buildRow, emailAddress, oneOf, optionalText, personalText, phoneNumber, text, timestamp, type ContractSettings } from './columns';

export const HEX_ID = { pattern: /^[0-9a-f]{32}$/, describe: 'a 32-character lowercase hex id' };

export const BRAZILIAN_STATES = [
  'AC', 'AL', 'AM', 'AP', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MG', 'MS', 'MT', 'PA',
  'PB', 'PE', 'PI', 'PR', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP', 'TO',
] as const;

/**
 * The contact columns (issue 7) are personal data: encrypted, tokenised and masked right after
 * validation (domain/security/). They are optional values: a customer may withhold a phone or an
 * address, and a missing contact detail must not quarantine the customer (their orders would lose
 * their state and person). A value that is present must be well formed, or the row is quarantined
 * like any other bad value. Exports from before issue 7 (and archived days) lack the columns: they
 * are optional in the header and read as empty.
 */
const ADDED_BY_ISSUE_7 = { optionalInHeader: true };

/** customers.csv: one row per customer referenced by the day's orders. */
export const CUSTOMER_COLUMNS = {
  customer_id: text(HEX_ID),
  customer_unique_id: text(HEX_ID),
  customer_name: personalText('name', ADDED_BY_ISSUE_7),
  customer_email: emailAddress(ADDED_BY_ISSUE_7),
  customer_phone: phoneNumber(ADDED_BY_ISSUE_7),
  customer_street: personalText('street', ADDED_BY_ISSUE_7),
  customer_zip_code_prefix: text({ pattern: /^\d{5}$/, describe: 'five digits' }),
  // Kept as delivered, line breaks included (an RFC 4180 quoted field; test/pipeline/corpus.test.ts).
  customer_city: optionalText({ freeText: 'keep' }),
  customer_state: oneOf(BRAZILIAN_STATES),
  updated_at: timestamp(),
};

export function customerRow(settings: ContractSettings = {}) {
  return buildRow(CUSTOMER_COLUMNS, settings);
}

export type CustomerRow = z.output<ReturnType<typeof customerRow>>;
