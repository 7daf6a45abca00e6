import { z } from 'zod';
import { integer, optionalText, text, timestamp } from './columns';
import { HEX_ID } from './customers';

/** products.csv: the product catalogue as of the business date. */
export const productRow = z.object({
  product_id: text(HEX_ID),
  product_category_name: optionalText(),
  product_weight_g: integer(0, 1_000_000),
  product_length_cm: integer(0, 10_000),
  product_height_cm: integer(0, 10_000),
  product_width_cm: integer(0, 10_000),
  updated_at: timestamp(),
});

export type ProductRow = z.output<typeof productRow>;
