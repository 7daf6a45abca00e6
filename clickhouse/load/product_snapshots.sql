-- The month's staged catalogue as exported: one row per product per business date.
-- A missing category becomes the explicit unknown member.
INSERT INTO ${target} (product_id, business_date, category, weight_g, length_cm, height_cm, width_cm, updated_at, source_line)
SELECT
    product_id,
    toDate(business_date),
    ifNull(product_category_name, 'unknown'),
    product_weight_g,
    product_length_cm,
    product_height_cm,
    product_width_cm,
    updated_at,
    source_line
FROM ${products};
