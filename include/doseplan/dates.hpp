// doseplan — calendar dates and calendar spans (Howard Hinnant's date library).
//
// A plan is built from an explicit start date: the library never reads the clock.
// Month arithmetic: adding N months keeps the day of the month; when that day does not exist in
// the target month it is clamped to the month's last day (2026-01-31 + 1 month = 2026-02-28,
// 2028-02-29 + 12 months = 2029-02-28). Each step is computed from the anchor date, never
// chained, so 2026-01-31 + 2 months = 2026-03-31 (not 2026-03-28).
#ifndef DOSEPLAN_DATES_HPP_
#define DOSEPLAN_DATES_HPP_

#include <date/date.h>

#include <string>
#include <string_view>

namespace doseplan {

using Date = date::sys_days;

// Strict ISO 8601 calendar date "YYYY-MM-DD". Throws doseplan::Error "input.bad_date" naming
// `field` for anything else, including dates that do not exist (2026-02-30).
Date parse_date(std::string_view text, std::string_view field = "date");
std::string format_date(Date d);  // "2026-12-01"

// `d` plus `months` calendar months, clamped to the last day of the target month.
Date add_months(Date d, int months);

// A calendar span as written in rules and on the command line: "14 days", "2 weeks", "3 months".
struct Span {
  enum class Unit { day, week, month };
  int count = 0;
  Unit unit = Unit::day;

  friend bool operator==(const Span&, const Span&) = default;
};

// Accepts "<count> <unit>" with or without the space; units d, day(s), w, wk, week(s), mo,
// month(s). The count is a whole number >= 0. Throws doseplan::Error "input.bad_span".
Span parse_span(std::string_view text, std::string_view field = "duration");
std::string to_string(const Span& s);  // "3 months", "1 week"

// `d` + `s` (months clamped as above).
Date add_span(Date d, const Span& s);

// Compare spans of different units by the dates they reach from `anchor`.
bool span_less(const Span& a, const Span& b, Date anchor);

// A point of a course counted from its day 1: calendar months, then days. Phases, their steps
// and monitoring segments are placed with it, so that every boundary is counted from the start
// date and never chained from the date before (docs/calendar.md): from 2027-01-31, a 1-month
// phase and an 11-month phase end on 2028-01-30 (start + 12 months - 1 day), and a monthly step
// falls on the 31st, or on the month's last day where it is shorter.
struct CourseOffset {
  int months = 0;
  int days = 0;  // weeks are 7 days

  CourseOffset after(const Span& s) const;  // this offset plus `s`
  Date on(Date start) const;                // add_months(start, months) + days
};

}  // namespace doseplan

#endif  // DOSEPLAN_DATES_HPP_
