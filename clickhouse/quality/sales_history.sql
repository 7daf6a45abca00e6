-- Daily sales metrics of the loaded business dates before {date}, newest first: the trailing history
-- that consistency checks compare today's clean orders with. One column per metric name.
SELECT
    business_date,
    toFloat64(uniqExact(order_id)) AS orders,
    toFloat64(count())             AS order_lines,
    toFloat64(sum(line_total))     AS revenue
FROM fact_sales
WHERE business_date < {date:Date}
GROUP BY business_date
ORDER BY business_date DESC
LIMIT {window:UInt32}
