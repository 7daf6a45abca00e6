-- dim_date covers every date a fact can hold. Date ends at 2149-06-06 and wraps beyond it (an
-- estimate of 9999-12-31 became 2105-01-05 and its calendar month was built for the wrong year);
-- Date32 holds every day a fact's DateTime64 timestamp can name. dim_date is a key-sorted table, whose
-- key column cannot be altered: CREATE OR REPLACE rebuilds it with its rows in one atomic step (and,
-- applied again, converges to the same table).
CREATE OR REPLACE TABLE dim_date
(
    date          Date32,
    year          UInt16,
    quarter       UInt8,
    month         UInt8,
    year_month    UInt32,
    month_name    LowCardinality(String),
    day           UInt8,
    iso_week      UInt8,
    iso_year      UInt16,
    week_start    Date32,
    weekday       UInt8,   -- 1 = Monday ... 7 = Sunday
    weekday_name  LowCardinality(String),
    is_weekend    Bool,
    is_month_end  Bool
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(date)
ORDER BY date
AS SELECT date, year, quarter, month, year_month, month_name, day, iso_week, iso_year, week_start, weekday, weekday_name, is_weekend, is_month_end
FROM dim_date;
