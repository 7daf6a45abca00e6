import { z } from 'zod';
import { buildRow, integer, money, oneOf, text, type ContractSettings } from './columns';
import { HEX_ID } from './customers';

export const PAYMENT_TYPES = ['credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined'] as const;

/** payments.csv: one row per payment of an order (an order may be paid in several parts). */
export const PAYMENT_COLUMNS = {
  order_id: text(HEX_ID),
  payment_sequential: integer(1, 1_000),
  payment_type: oneOf(PAYMENT_TYPES),
  payment_installments: integer(0, 48),
  payment_value: money({ max: 1_000_000 }),
};

export function paymentRow(settings: ContractSettings = {}) {
  return buildRow(PAYMENT_COLUMNS, settings);
}

export type PaymentRow = z.output<ReturnType<typeof paymentRow>>;
