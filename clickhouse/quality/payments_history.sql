-- Daily payment metrics of the loaded business dates before {date}, newest first. One column per
-- metric name.
SELECT
    business_date,
    toFloat64(count())       AS payments,
    toFloat64(sum(amount))   AS payment_value
FROM fact_payments
WHERE business_date < {date:Date}
GROUP BY business_date
ORDER BY business_date DESC
LIMIT {window:UInt32}
