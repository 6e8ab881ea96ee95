// Specification of calendar dates and spans (doseplan/dates.hpp). Every expected date below was
// worked out by hand from the Gregorian calendar, not computed by the library under test.
//
// Calendar facts used:
//   days in month: Jan 31, Feb 28 (29 in a leap year), Mar 31, Apr 30, May 31, Jun 30, Jul 31,
//   Aug 31, Sep 30, Oct 31, Nov 30, Dec 31.
//   leap years: divisible by 4, except centuries not divisible by 400. 2024, 2028, 2032 and 2000
//   are leap years; 2025, 2026, 2027, 2029 and 1900 are not.
#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "doseplan/dates.hpp"
#include "doseplan/error.hpp"
#include "test_support.hpp"

using namespace doseplan;
using Catch::Matchers::Contains;
using doseplan::testing::problem_of;

namespace Catch {
template <>
struct StringMaker<doseplan::Span> {
  static std::string convert(const doseplan::Span& s) { return doseplan::to_string(s); }
};
}  // namespace Catch

namespace {

// A date built with the date library directly, independent of parse_date.
Date ymd(int y, unsigned m, unsigned d) {
  return Date{date::year{y} / date::month{m} / date::day{d}};
}

// `iso` + `n` months, as text (readable failure messages).
std::string plus_months(const char* iso, int n) {
  return format_date(add_months(parse_date(iso), n));
}

std::string plus_span(const char* iso, const Span& s) {
  return format_date(add_span(parse_date(iso), s));
}

constexpr Span span_days(int n) {
  return Span{n, Span::Unit::day};
}
constexpr Span span_weeks(int n) {
  return Span{n, Span::Unit::week};
}
constexpr Span span_months(int n) {
  return Span{n, Span::Unit::month};
}

}  // namespace

// ------------------------------------------------------------------------------- parse_date

TEST_CASE("an ISO 8601 calendar date is read") {
  CHECK(parse_date("2026-12-01") == ymd(2026, 12, 1));
  CHECK(parse_date("2026-01-31") == ymd(2026, 1, 31));
  CHECK(parse_date("2027-12-31") == ymd(2027, 12, 31));
  CHECK(parse_date("2028-02-29") == ymd(2028, 2, 29));  // 2028 is a leap year
  CHECK(parse_date("2000-02-29") == ymd(2000, 2, 29));  // 2000: century divisible by 400
}

TEST_CASE("spaces and tabs around a date are ignored") {
  CHECK(parse_date(" 2026-12-01 ") == ymd(2026, 12, 1));
  CHECK(parse_date("\t2026-12-01\t") == ymd(2026, 12, 1));
}

TEST_CASE("a date that is not YYYY-MM-DD is refused, naming the field and quoting the text") {
  for (const char* text : {"2026-1-5", "26-12-01", "", "2026-12-01x", "2026/12/01", "2026-12-1",
                           "01-12-2026", "2026-12", "2026-12-01T00:00", "next monday"}) {
    INFO("text: \"" << text << "\"");
    const Problem p = problem_of([&] { parse_date(text, "start"); });
    CHECK(p.id == "input.bad_date");
    CHECK(p.where == "start");
    CHECK_THAT(p.message, Contains("\"" + std::string(text) + "\""));
  }
}

TEST_CASE("a date that does not exist in the calendar is refused") {
  // February 2026 has 28 days; there is no month 13, no month 0 and no day 0; April has 30 days;
  // 2026 and 1900 are not leap years (1900: century not divisible by 400).
  for (const char* text : {"2026-02-30", "2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10",
                           "2026-12-00", "2026-04-31", "2026-12-32"}) {
    INFO("text: \"" << text << "\"");
    const Problem p = problem_of([&] { parse_date(text, "start"); });
    CHECK(p.id == "input.bad_date");
    CHECK(p.where == "start");
    CHECK_THAT(p.message, Contains("\"" + std::string(text) + "\""));
  }
}

TEST_CASE("a bad date names the default field \"date\" when none is given") {
  const Problem p = problem_of([] { parse_date("2026-02-30"); });
  CHECK(p.id == "input.bad_date");
  CHECK(p.where == "date");
  CHECK_THAT(p.message, Contains("\"2026-02-30\""));
}

// ------------------------------------------------------------------------------ format_date

TEST_CASE("a date is written YYYY-MM-DD with zero padding") {
  CHECK(format_date(ymd(2026, 12, 1)) == "2026-12-01");
  CHECK(format_date(ymd(2026, 1, 5)) == "2026-01-05");
  CHECK(format_date(ymd(2028, 2, 29)) == "2028-02-29");
  CHECK(format_date(ymd(999, 3, 7)) == "0999-03-07");
  CHECK(format_date(ymd(9999, 12, 31)) == "9999-12-31");
  CHECK(format_date(ymd(0, 1, 1)) == "0000-01-01");
  CHECK(format_date(ymd(10000, 1, 1)) == "10000-01-01");  // past the 4 digits: all of them
  CHECK(format_date(ymd(-1, 1, 1)) == "-001-01-01");      // as printf("%04d") writes it
}

TEST_CASE("format_date and parse_date are inverse over whole years") {
  // 2026 + 2027 have 365 days each, 2028 has 366: 1,096 days from 2026-01-01 to 2029-01-01.
  const Date first = ymd(2026, 1, 1);
  const Date end = ymd(2029, 1, 1);
  CHECK((end - first).count() == 365 + 365 + 366);
  for (Date d = first; d < end; d += date::days{1}) {
    const std::string text = format_date(d);
    REQUIRE(text.size() == 10);
    REQUIRE(parse_date(text) == d);
  }
  CHECK(format_date(parse_date("2026-12-01")) == "2026-12-01");
}

// ------------------------------------------------------------------------------- add_months

TEST_CASE("adding months keeps the day of the month when it exists") {
  CHECK(plus_months("2026-12-01", 3) == "2027-03-01");  // Dec -> Jan, Feb, Mar of the next year
  CHECK(plus_months("2026-01-15", 1) == "2026-02-15");
  CHECK(plus_months("2026-01-15", 0) == "2026-01-15");
  CHECK(plus_months("2026-01-15", 12) == "2027-01-15");
  CHECK(plus_months("2026-01-15", -1) == "2025-12-15");  // back across the year boundary
  CHECK(plus_months("2026-03-15", -14) == "2025-01-15");
}

TEST_CASE("adding months clamps to the last day of a shorter month") {
  CHECK(plus_months("2026-01-31", 1) == "2026-02-28");   // Feb 2026 has 28 days
  CHECK(plus_months("2026-01-31", 3) == "2026-04-30");   // April has 30 days
  CHECK(plus_months("2026-01-31", 13) == "2027-02-28");  // Feb 2027 has 28 days
  CHECK(plus_months("2026-08-31", 1) == "2026-09-30");
  CHECK(plus_months("2026-03-31", -1) == "2026-02-28");
  CHECK(plus_months("2024-03-31", -1) == "2024-02-29");  // 2024 is a leap year
}

TEST_CASE("each month step is computed from the anchor, not chained") {
  // Chained, 01-31 -> 02-28 -> 03-28 would lose three days; from the anchor March has a 31st.
  const Date anchor = parse_date("2026-01-31");
  CHECK(format_date(add_months(anchor, 1)) == "2026-02-28");
  CHECK(format_date(add_months(anchor, 2)) == "2026-03-31");
  CHECK(format_date(add_months(add_months(anchor, 1), 1)) == "2026-03-28");  // chaining differs
}

TEST_CASE("adding months around leap days") {
  CHECK(plus_months("2028-01-31", 1) == "2028-02-29");   // 2028 is a leap year
  CHECK(plus_months("2028-02-29", 12) == "2029-02-28");  // 2029 is not
  CHECK(plus_months("2028-02-29", 48) == "2032-02-29");  // 2032 is
  CHECK(plus_months("2028-02-29", 1) == "2028-03-29");
  CHECK(plus_months("2028-02-29", -12) == "2027-02-28");
}

// ------------------------------------------------------------------------------- parse_span

TEST_CASE("a span is read with or without a space, in days, weeks or months") {
  CHECK(parse_span("14 days") == span_days(14));
  CHECK(parse_span("2 weeks") == span_weeks(2));
  CHECK(parse_span("3mo") == span_months(3));
  CHECK(parse_span("3 months") == span_months(3));
  CHECK(parse_span("1 month") == span_months(1));
  CHECK(parse_span("2w") == span_weeks(2));
  CHECK(parse_span("10d") == span_days(10));
}

TEST_CASE("every documented unit spelling is accepted") {
  CHECK(parse_span("1 d") == span_days(1));
  CHECK(parse_span("1 day") == span_days(1));
  CHECK(parse_span("1days") == span_days(1));
  CHECK(parse_span("1 w") == span_weeks(1));
  CHECK(parse_span("1 wk") == span_weeks(1));
  CHECK(parse_span("1 week") == span_weeks(1));
  CHECK(parse_span("6 mo") == span_months(6));
  CHECK(parse_span("6month") == span_months(6));
  CHECK(parse_span(" 14 days ") == span_days(14));  // surrounding spaces are ignored
  CHECK(parse_span("0 days") == span_days(0));      // the count is a whole number >= 0
}

TEST_CASE("a span that can not be read is refused, naming the field and quoting the text") {
  for (const char* text : {"3 fortnights", "", "mo", "-1 day", "1.5 months", "14", "days 14",
                           "+1 day", "1 month later", "1 y"}) {
    INFO("text: \"" << text << "\"");
    const Problem p = problem_of([&] { parse_span(text, "taper"); });
    CHECK(p.id == "input.bad_span");
    CHECK(p.where == "taper");
    CHECK_THAT(p.message, Contains("\"" + std::string(text) + "\""));
  }
}

TEST_CASE("a bad span names the default field \"duration\" when none is given") {
  const Problem p = problem_of([] { parse_span("3 fortnights"); });
  CHECK(p.id == "input.bad_span");
  CHECK(p.where == "duration");
}

// ------------------------------------------------------------------------- to_string(Span)

TEST_CASE("a span is written with a singular or plural unit") {
  CHECK(to_string(span_days(1)) == "1 day");
  CHECK(to_string(span_days(14)) == "14 days");
  CHECK(to_string(span_days(0)) == "0 days");
  CHECK(to_string(span_weeks(1)) == "1 week");
  CHECK(to_string(span_weeks(2)) == "2 weeks");
  CHECK(to_string(span_months(1)) == "1 month");
  CHECK(to_string(span_months(3)) == "3 months");
  CHECK(parse_span(to_string(span_months(3))) ==
        span_months(3));  // what is written can be read back
}

// -------------------------------------------------------------------------------- add_span

TEST_CASE("adding days and weeks counts calendar days") {
  CHECK(plus_span("2026-12-01", span_days(14)) == "2026-12-15");
  CHECK(plus_span("2026-12-01", span_days(31)) == "2027-01-01");  // December has 31 days
  CHECK(plus_span("2026-02-28", span_days(1)) == "2026-03-01");   // 2026 is not a leap year
  CHECK(plus_span("2028-02-28", span_days(1)) == "2028-02-29");   // 2028 is
  CHECK(plus_span("2026-12-01", span_days(0)) == "2026-12-01");
  CHECK(plus_span("2026-12-25", span_weeks(2)) == "2027-01-08");  // 25 + 14 = 39 = 31 + 8
  CHECK(plus_span("2026-01-31", span_weeks(4)) == "2026-02-28");  // 31 + 28 = 59 = 31 + 28
  CHECK(plus_span("2026-03-01", span_weeks(4)) == "2026-03-29");
  CHECK(plus_span("2026-01-01", span_weeks(52)) == "2026-12-31");  // 364 days
}

TEST_CASE("adding months through add_span clamps like add_months") {
  CHECK(plus_span("2026-12-01", span_months(3)) == "2027-03-01");
  CHECK(plus_span("2026-11-30", span_months(3)) == "2027-02-28");
  CHECK(plus_span("2026-01-31", span_months(1)) == "2026-02-28");
  CHECK(plus_span("2028-01-31", span_months(1)) == "2028-02-29");
}

// ------------------------------------------------------------------------------- span_less

TEST_CASE("spans of different units are compared by the dates they reach") {
  // From 2026-01-31: 4 weeks -> 2026-02-28 and 1 month -> 2026-02-28 (clamped): equal.
  CHECK_FALSE(span_less(span_weeks(4), span_months(1), ymd(2026, 1, 31)));
  CHECK_FALSE(span_less(span_months(1), span_weeks(4), ymd(2026, 1, 31)));
  // From 2026-03-01: 4 weeks -> 2026-03-29, 1 month -> 2026-04-01.
  CHECK(span_less(span_weeks(4), span_months(1), ymd(2026, 3, 1)));
  CHECK_FALSE(span_less(span_months(1), span_weeks(4), ymd(2026, 3, 1)));
  // From 2026-02-01: 30 days -> 2026-03-03 (28 + 2), 1 month -> 2026-03-01.
  CHECK(span_less(span_months(1), span_days(30), ymd(2026, 2, 1)));
  // From 2026-01-01: 30 days -> 2026-01-31, 1 month -> 2026-02-01.
  CHECK(span_less(span_days(30), span_months(1), ymd(2026, 1, 1)));
  // Same unit: 13 days < 2 weeks (14 days) from any anchor.
  CHECK(span_less(span_days(13), span_weeks(2), ymd(2026, 12, 1)));
  CHECK_FALSE(span_less(span_days(14), span_weeks(2), ymd(2026, 12, 1)));
}

TEST_CASE("a course offset adds months from day 1 first, then days, never chained") {
  const Date start = parse_date("2027-01-31");
  // A 1-month phase then an 11-month phase: 12 months from day 1, the last day 2028-01-30.
  const CourseOffset twelve =
      CourseOffset{}.after(Span{1, Span::Unit::month}).after(Span{11, Span::Unit::month});
  CHECK(twelve.months == 12);
  CHECK(twelve.days == 0);
  CHECK(format_date(twelve.on(start) - date::days{1}) == "2028-01-30");
  // Chained, the second phase would start on 02-28 and end on 2028-01-27.
  CHECK(format_date(add_months(add_months(start, 1), 11) - date::days{1}) == "2028-01-27");
  // Months first, then days: 6 weeks then 1 month is start + 1 month + 42 days = 02-28 + 42.
  const CourseOffset mixed =
      CourseOffset{}.after(Span{6, Span::Unit::week}).after(Span{1, Span::Unit::month});
  CHECK(mixed.days == 42);
  CHECK(format_date(mixed.on(start)) == "2027-04-11");
  CHECK(format_date(CourseOffset{}.after(Span{3, Span::Unit::day}).on(start)) == "2027-02-03");
}
