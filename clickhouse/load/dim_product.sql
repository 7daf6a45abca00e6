-- Staged products -> dim_product rows of one month. Missing categories map to an explicit unknown member.
INSERT INTO ${target} (product_id, category, weight_g, length_cm, height_cm, width_cm, updated_at, business_date, source_line)
SELECT
    product_id,
    ifNull(product_category_name, 'unknown'),
    product_weight_g,
    product_length_cm,
    product_height_cm,
    product_width_cm,
    updated_at,
    toDate(business_date),
    source_line
FROM ${source};
