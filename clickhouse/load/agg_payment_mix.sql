-- Payment-method mix per business date: payments, orders, instalments and amount by type.
INSERT INTO ${target} (business_date, payment_type, installments_bucket, payments, orders, installments, amount)
SELECT
    business_date,
    payment_type,
    installments_bucket,
    count(),
    uniqExact(order_id),
    sum(installments),
    sum(amount)
FROM ${payments}
GROUP BY business_date, payment_type, installments_bucket;
