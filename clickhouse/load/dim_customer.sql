-- Type-2 dim_customer, rebuilt whole from the snapshots of every other month plus the month being
-- loaded: the result depends on which exports exist, never on the order they were loaded in.
-- A version opens on a customer's first export and on every export whose attributes differ from
-- the customer's previous export; it is valid until the next version opens (exclusive). A city
-- missing from one export ('unknown') keeps the last known city instead of opening a version.
INSERT INTO ${target} (customer_id, valid_from, valid_to, is_current, version, customer_unique_id, zip_code_prefix,
                       city, state, region, updated_at)
SELECT
    customer_id,
    valid_from,
    leadInFrame(valid_from, 1, toDate('2149-06-06')) OVER next_version AS valid_to,
    valid_to = toDate('2149-06-06'),
    row_number() OVER versions,
    attributes.1,
    attributes.2,
    attributes.3,
    attributes.4,
    transform(attributes.4,
        ['AC', 'AM', 'AP', 'PA', 'RO', 'RR', 'TO',
         'AL', 'BA', 'CE', 'MA', 'PB', 'PE', 'PI', 'RN', 'SE',
         'DF', 'GO', 'MS', 'MT',
         'ES', 'MG', 'RJ', 'SP',
         'PR', 'RS', 'SC'],
        ['North', 'North', 'North', 'North', 'North', 'North', 'North',
         'Northeast', 'Northeast', 'Northeast', 'Northeast', 'Northeast', 'Northeast', 'Northeast', 'Northeast', 'Northeast',
         'Central-West', 'Central-West', 'Central-West', 'Central-West',
         'Southeast', 'Southeast', 'Southeast', 'Southeast',
         'South', 'South', 'South'],
        'unknown'),
    updated_at
FROM
(
    SELECT
        customer_id,
        valid_from,
        attributes,
        updated_at,
        row_number() OVER previous_export = 1 OR attributes != lagInFrame(attributes) OVER previous_export AS opens
    FROM
    (
        SELECT
            customer_id,
            valid_from,
            (customer_unique_id, zip_code_prefix, ifNull(known_city, 'unknown'), state) AS attributes,
            updated_at
        FROM
        (
            SELECT
                customer_id,
                valid_from,
                customer_unique_id,
                zip_code_prefix,
                state,
                updated_at,
                -- last_value skips NULLs: the latest city any export up to this one knew
                last_value(nullIf(city, 'unknown')) OVER so_far AS known_city
            FROM
            (
                SELECT customer_id, business_date AS valid_from, customer_unique_id, zip_code_prefix, city, state, updated_at
                FROM customer_snapshots
                WHERE toYYYYMM(business_date) != {month:UInt32}
                UNION ALL
                SELECT customer_id, business_date, customer_unique_id, zip_code_prefix, city, state, updated_at
                FROM ${month_snapshots}
            )
            WINDOW so_far AS (PARTITION BY customer_id ORDER BY valid_from ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        )
    )
    WINDOW previous_export AS (PARTITION BY customer_id ORDER BY valid_from ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
)
WHERE opens
WINDOW
    next_version AS (PARTITION BY customer_id ORDER BY valid_from ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING),
    versions AS (PARTITION BY customer_id ORDER BY valid_from ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);
