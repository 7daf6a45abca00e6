-- dim_product (type 1), rebuilt whole: each product's latest exported attributes from the
-- snapshots of every other month plus the month being loaded, its size and weight classes, and a
-- price band from its mean unit price in the latest month it sold (the states of agg_product_monthly,
-- with the month being loaded taken from its staging table; their sums add up across rows). Order-independent like dim_customer.
INSERT INTO ${target} (product_id, category, weight_g, length_cm, height_cm, width_cm, volume_cm3, size_class, weight_class,
                       last_unit_price, price_band, first_seen, last_seen, updated_at)
SELECT
    p.product_id,
    p.category,
    p.weight_g,
    p.length_cm,
    p.height_cm,
    p.width_cm,
    toUInt64(p.length_cm) * p.height_cm * p.width_cm AS volume,
    multiIf(volume < 1000, 'small', volume < 10000, 'medium', volume < 50000, 'large', 'bulky'),
    multiIf(p.weight_g < 500, 'light', p.weight_g < 2000, 'medium', p.weight_g < 10000, 'heavy', 'very heavy'),
    if(s.product_id = '', NULL, s.unit_price) AS price,
    multiIf(price IS NULL, 'no sales', price < 25, 'under 25', price < 50, '25-50', price < 100, '50-100',
            price < 200, '100-200', price < 500, '200-500', '500 and over'),
    p.first_seen,
    p.last_seen,
    p.updated_at
FROM
(
    SELECT
        product_id,
        argMax(category, business_date)    AS category,
        argMax(weight_g, business_date)    AS weight_g,
        argMax(length_cm, business_date)   AS length_cm,
        argMax(height_cm, business_date)   AS height_cm,
        argMax(width_cm, business_date)    AS width_cm,
        argMax(updated_at, business_date)  AS updated_at,
        min(business_date)                 AS first_seen,
        max(business_date)                 AS last_seen
    FROM
    (
        SELECT product_id, business_date, category, weight_g, length_cm, height_cm, width_cm, updated_at
        FROM ${every_month_product_snapshots}
        WHERE toYYYYMM(business_date) != {month:UInt32}
        UNION ALL
        SELECT product_id, business_date, category, weight_g, length_cm, height_cm, width_cm, updated_at
        FROM ${month_snapshots}
    )
    GROUP BY product_id
) AS p
LEFT JOIN
(
    SELECT product_id, argMax(month_revenue / month_lines, sale_month) AS unit_price
    FROM
    (
        SELECT product_id, sale_month, sum(items_revenue) AS month_revenue, sum(order_lines) AS month_lines
        FROM
        (
            SELECT product_id, sale_month, items_revenue, order_lines
            FROM ${every_month_agg_product_monthly_state}
            WHERE toYYYYMM(business_month) != {month:UInt32}
            UNION ALL
            SELECT product_id, sale_month, items_revenue, order_lines
            FROM ${month_products}
        )
        GROUP BY product_id, sale_month
    )
    GROUP BY product_id
) AS s ON s.product_id = p.product_id
SETTINGS join_use_nulls = 0;
