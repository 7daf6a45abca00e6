-- The month's staged payments -> fact_payments. Staged money is integer cents: exact.
-- Versions as in fact_sales.sql: per (business_date, payment) the export row, or the latest change
-- of it by (updated_at, change_batch); a change never adds a payment its day's export lacks.
INSERT INTO ${target} (business_date, order_id, payment_sequential, payment_type, installments, installments_bucket, amount, source_line,
                       updated_at, change_batch)
SELECT
    toDate(business_date),
    order_id,
    payment_sequential,
    payment_type,
    payment_installments,
    multiIf(payment_installments <= 1, '1', payment_installments <= 3, '2-3', payment_installments <= 6, '4-6',
            payment_installments <= 12, '7-12', '13+'),
    toDecimal64(payment_value, 2) / 100,
    source_line,
    ifNull(updated_at, toDateTime64(0, 3, 'UTC')),   -- an export row has no version (see migration 0010)
    change_batch
FROM
(
    SELECT * FROM ${payments}
    WHERE change_batch = ''
      AND (business_date, order_id, payment_sequential) NOT IN (SELECT business_date, order_id, payment_sequential FROM ${payments} WHERE change_batch != '')
    UNION ALL
    SELECT * FROM
    (
        SELECT * FROM ${payments}
        WHERE change_batch != ''
          -- the changed lines its export holds (both sets are as small as the month's changes)
          AND (business_date, order_id, payment_sequential) IN (SELECT business_date, order_id, payment_sequential FROM ${payments} WHERE change_batch = ''
                          AND (business_date, order_id, payment_sequential) IN (SELECT business_date, order_id, payment_sequential FROM ${payments} WHERE change_batch != ''))
        ORDER BY updated_at DESC, change_batch DESC
        LIMIT 1 BY business_date, order_id, payment_sequential
    )
);
