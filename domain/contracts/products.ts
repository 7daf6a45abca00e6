import { z } from 'zod';
import { buildRow, integer, optionalText, text, timestamp, type ContractSettings } from './columns';
import { HEX_ID } from './customers';

/** products.csv: the product catalogue as of the business date. */
export const PRODUCT_COLUMNS = {
  product_id: text(HEX_ID),
  product_category_name: optionalText({ maxLength: 500, freeText: 'normalise' }),
  product_weight_g: integer(0, 1_000_000),
  product_length_cm: integer(0, 10_000),
  product_height_cm: integer(0, 10_000),
  product_width_cm: integer(0, 10_000),
  updated_at: timestamp(),
};

export function productRow(settings: ContractSettings = {}) {
  return buildRow(PRODUCT_COLUMNS, settings);
}

export type ProductRow = z.output<ReturnType<typeof productRow>>;
