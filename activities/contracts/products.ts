import { z } from 'zod';
import { integer, optionalText, text, timestamp } from './columns';
import { HEX_ID } from './customers';
import { DEFAULT_DATE_FORMATS, type DateFormat } from './timestamps';

/** products.csv: the product catalogue as of the business date. */
export function productRow(dateFormats: readonly DateFormat[] = DEFAULT_DATE_FORMATS) {
  return z.object({
    product_id: text(HEX_ID),
    product_category_name: optionalText(),
    product_weight_g: integer(0, 1_000_000),
    product_length_cm: integer(0, 10_000),
    product_height_cm: integer(0, 10_000),
    product_width_cm: integer(0, 10_000),
    updated_at: timestamp(dateFormats),
  });
}

export type ProductRow = z.output<ReturnType<typeof productRow>>;
