-- Payment-method mix over the last 30 days with data: payments, orders, amount, share of amount and mean instalments per type.
WITH (SELECT max(business_date) FROM agg_payment_mix) AS last_day
SELECT
    payment_type,
    sum(payments)                                                    AS payments,
    sum(orders)                                                      AS orders,
    sum(amount)                                                      AS amount,
    round(100 * toFloat64(amount) / sum(toFloat64(amount)) OVER (), 1) AS amount_share_pct,
    round(sum(installments) / payments, 2)                           AS mean_installments
FROM agg_payment_mix
WHERE business_date > last_day - 30
GROUP BY payment_type
ORDER BY amount DESC, payment_type
