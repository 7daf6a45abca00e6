-- Every day of the given months (YYYYMM numbers): a generated calendar. Date32 arithmetic (and
-- extended results, so toMonday and toLastDayOfMonth stay Date32) covers every day a fact can name,
-- 1900 to 2299 (the Date32 range; loadMonth.ts CALENDAR_MONTHS refuses other months), where Date would wrap after 2149-06-06.
INSERT INTO ${target} (date, year, quarter, month, year_month, month_name, day, iso_week, iso_year, week_start, weekday,
                       weekday_name, is_weekend, is_month_end)
SELECT
    d,
    toYear(d),
    toQuarter(d),
    toMonth(d),
    toYYYYMM(d),
    dateName('month', d),
    toDayOfMonth(d),
    toISOWeek(d),
    toISOYear(d),
    toMonday(d),
    toDayOfWeek(d),
    dateName('weekday', d),
    toDayOfWeek(d) >= 6,
    d = toLastDayOfMonth(d)
FROM
(
    SELECT makeDate32(intDiv(month, 100), month % 100, 1) + offset AS d
    FROM (SELECT arrayJoin({months:Array(UInt32)}) AS month)
    ARRAY JOIN range(toUInt64(toDayOfMonth(toLastDayOfMonth(makeDate32(intDiv(month, 100), month % 100, 1))))) AS offset
)
SETTINGS enable_extended_results_for_datetime_functions = 1;
