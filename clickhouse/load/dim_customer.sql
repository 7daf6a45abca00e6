-- Type-2 dim_customer, rebuilt whole from the snapshots of every other month plus the month being
-- loaded: the result depends on which exports exist, never on the order they were loaded in.
-- A version opens on a customer's first export and on every export whose attributes differ from
-- the customer's previous export; it is valid until the next version opens (exclusive). A city
-- missing from one export ('unknown') keeps the last known city instead of opening a version.
-- Contact data (ciphertext, tokens, masked values) is type 1: every version carries the latest value
-- any export of the customer gave (an empty value keeps the last known one, like the city), and a
-- change of contact data never opens a version.
INSERT INTO ${target} (customer_id, valid_from, valid_to, is_current, version, customer_unique_id,
                       name_encrypted, name_masked, email_encrypted, email_token, email_masked,
                       phone_encrypted, phone_token, phone_masked, street_encrypted, street_masked,
                       zip_code_prefix, city, state, region, updated_at)
SELECT
    customer_id,
    valid_from,
    leadInFrame(valid_from, 1, toDate('2149-06-06')) OVER next_version AS valid_to,
    valid_to = toDate('2149-06-06'),
    row_number() OVER versions,
    attributes.1,
    contact.1,
    contact.2,
    contact.3,
    contact.4,
    contact.5,
    contact.6,
    contact.7,
    contact.8,
    contact.9,
    contact.10,
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
        contact,
        updated_at,
        row_number() OVER previous_export = 1 OR attributes != lagInFrame(attributes) OVER previous_export AS opens
    FROM
    (
        SELECT
            customer_id,
            valid_from,
            (customer_unique_id, zip_code_prefix, ifNull(known_city, 'unknown'), state) AS attributes,
            (ifNull(name_encrypted, ''), ifNull(name_masked, ''), ifNull(email_encrypted, ''), ifNull(email_token, ''),
             ifNull(email_masked, ''), ifNull(phone_encrypted, ''), ifNull(phone_token, ''), ifNull(phone_masked, ''),
             ifNull(street_encrypted, ''), ifNull(street_masked, '')) AS contact,
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
                last_value(nullIf(city, 'unknown')) OVER so_far AS known_city,
                -- ... and the latest contact data any export of the customer gave ('' is no value; type 1)
                last_value(nullIf(name_encrypted, '')) OVER whole_history AS name_encrypted,
                last_value(nullIf(name_masked, '')) OVER whole_history AS name_masked,
                last_value(nullIf(email_encrypted, '')) OVER whole_history AS email_encrypted,
                last_value(nullIf(email_token, '')) OVER whole_history AS email_token,
                last_value(nullIf(email_masked, '')) OVER whole_history AS email_masked,
                last_value(nullIf(phone_encrypted, '')) OVER whole_history AS phone_encrypted,
                last_value(nullIf(phone_token, '')) OVER whole_history AS phone_token,
                last_value(nullIf(phone_masked, '')) OVER whole_history AS phone_masked,
                last_value(nullIf(street_encrypted, '')) OVER whole_history AS street_encrypted,
                last_value(nullIf(street_masked, '')) OVER whole_history AS street_masked
            FROM
            (
                SELECT customer_id, business_date AS valid_from, customer_unique_id, zip_code_prefix, city, state, updated_at,
                       name_encrypted, name_masked, email_encrypted, email_token, email_masked,
                       phone_encrypted, phone_token, phone_masked, street_encrypted, street_masked
                FROM ${every_month_customer_snapshots}
                WHERE toYYYYMM(business_date) != {month:UInt32}
                UNION ALL
                SELECT customer_id, business_date, customer_unique_id, zip_code_prefix, city, state, updated_at,
                       name_encrypted, name_masked, email_encrypted, email_token, email_masked,
                       phone_encrypted, phone_token, phone_masked, street_encrypted, street_masked
                FROM ${month_snapshots}
            )
            WINDOW
                so_far AS (PARTITION BY customer_id ORDER BY valid_from ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
                whole_history AS (PARTITION BY customer_id ORDER BY valid_from ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        )
    )
    WINDOW previous_export AS (PARTITION BY customer_id ORDER BY valid_from ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
)
WHERE opens
WINDOW
    next_version AS (PARTITION BY customer_id ORDER BY valid_from ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING),
    versions AS (PARTITION BY customer_id ORDER BY valid_from ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);
