-- The month's staged payments -> fact_payments. Staged money is integer cents: exact.
INSERT INTO ${target} (business_date, order_id, payment_sequential, payment_type, installments, installments_bucket, amount, source_line)
SELECT
    toDate(business_date),
    order_id,
    payment_sequential,
    payment_type,
    payment_installments,
    multiIf(payment_installments <= 1, '1', payment_installments <= 3, '2-3', payment_installments <= 6, '4-6',
            payment_installments <= 12, '7-12', '13+'),
    toDecimal64(payment_value, 2) / 100,
    source_line
FROM ${payments};
