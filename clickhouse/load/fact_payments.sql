-- Staged payments -> fact_payments rows of one month.
INSERT INTO ${target} (order_id, payment_sequential, payment_type, installments, amount, business_date, source_line)
SELECT
    order_id,
    payment_sequential,
    payment_type,
    payment_installments,
    toDecimal64(payment_value, 2) / 100,
    toDate(business_date),
    source_line
FROM ${source};
