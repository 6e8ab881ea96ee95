#include "doseplan/dates.hpp"

#include <charconv>
#include <cstdio>

#include "doseplan/error.hpp"
#include "doseplan/i18n.hpp"

namespace doseplan {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// The name of a date in Chinese, from its field ("start", "patient.json:/birth_date"): 起始日期.
std::string date_name_zh(std::string_view field) {
  const auto cut = field.find_last_of("/:");
  const std::string_view key = cut == std::string_view::npos ? field : field.substr(cut + 1);
  if (key == "start") return tr(Lang::zh_CN, "the start date");
  if (key == "birth-date" || key == "birth_date") return tr(Lang::zh_CN, "the birth date");
  return tr(Lang::zh_CN, "the date");
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

Date parse_date(std::string_view text, std::string_view field) {
  const std::string t = trim(text);
  const std::string_view s = t;
  const bool shape = s.size() == 10 && s[4] == '-' && s[7] == '-' && all_digits(s.substr(0, 4)) &&
                     all_digits(s.substr(5, 2)) && all_digits(s.substr(8, 2));
  if (!shape) {
    throw Error(
        "input.bad_date", std::string(field),
        "\"" + std::string(text) + "\" is not a date; expected YYYY-MM-DD, e.g. 2026-12-01",
        zh_detail("The {name} {text} is not a date: write it as YYYY-MM-DD, e.g. 2026-12-01.",
                  {{"name", date_name_zh(field)}, {"text", t}}));
  }
  const date::year_month_day ymd{date::year{to_int(s.substr(0, 4))},
                                 date::month{static_cast<unsigned>(to_int(s.substr(5, 2)))},
                                 date::day{static_cast<unsigned>(to_int(s.substr(8, 2)))}};
  if (!ymd.ok()) {
    throw Error(
        "input.bad_date", std::string(field),
        "\"" + std::string(text) +
            "\" is not a day of the calendar (no such month, or no such day in that month)",
        zh_detail("The {name} {text} is not a day of the calendar (no such month, or no such day "
                  "in that month): check it.",
                  {{"name", date_name_zh(field)}, {"text", t}}));
  }
  return Date{ymd};
}

std::string format_date(Date d) {
  const date::year_month_day ymd{d};
  const int y = static_cast<int>(ymd.year());
  const auto m = static_cast<unsigned>(ymd.month());
  const auto day = static_cast<unsigned>(ymd.day());
  if (y >= 0 && y <= 9999 && m <= 99 && day <= 99) {  // the digits by hand (plans write hundreds)
    const char text[10] = {static_cast<char>('0' + y / 1000),
                           static_cast<char>('0' + y / 100 % 10),
                           static_cast<char>('0' + y / 10 % 10),
                           static_cast<char>('0' + y % 10),
                           '-',
                           static_cast<char>('0' + m / 10),
                           static_cast<char>('0' + m % 10),
                           '-',
                           static_cast<char>('0' + day / 10),
                           static_cast<char>('0' + day % 10)};
    return std::string(text, sizeof text);
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Date add_months(Date d, int months) {
  const date::year_month_day ymd{d};
  date::year_month_day target = ymd + date::months{months};
  if (!target.ok()) target = target.year() / target.month() / date::last;
  return Date{target};
}

Span parse_span(std::string_view text, std::string_view field) {
  const std::string t = trim(text);
  std::size_t i = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
  const std::string number = t.substr(0, i);
  const std::string unit = trim(std::string_view(t).substr(i));
  auto fail = [&]() -> Span {
    throw Error("input.bad_span", std::string(field),
                "\"" + std::string(text) +
                    "\" is not a duration; expected a whole number and days, weeks or months, "
                    "e.g. \"14 days\", \"2 weeks\", \"3mo\"",
                zh_detail("The duration {text} can not be read: write a whole number and d, w or "
                          "mo (days, weeks, months), e.g. 14d, 2w, 3mo.",
                          {{"text", t}}));
  };
  if (number.empty() || number.size() > 4) return fail();
  Span s;
  s.count = to_int(number);
  if (unit == "d" || unit == "day" || unit == "days") {
    s.unit = Span::Unit::day;
  } else if (unit == "w" || unit == "wk" || unit == "week" || unit == "weeks") {
    s.unit = Span::Unit::week;
  } else if (unit == "mo" || unit == "month" || unit == "months") {
    s.unit = Span::Unit::month;
  } else {
    return fail();
  }
  return s;
}

std::string to_string(const Span& s) {
  const char* name = s.unit == Span::Unit::day    ? "day"
                     : s.unit == Span::Unit::week ? "week"
                                                  : "month";
  return std::to_string(s.count) + " " + name + (s.count == 1 ? "" : "s");
}

Date add_span(Date d, const Span& s) {
  switch (s.unit) {
    case Span::Unit::day:
      return d + date::days{s.count};
    case Span::Unit::week:
      return d + date::days{7 * s.count};
    case Span::Unit::month:
      return add_months(d, s.count);
  }
  return d;
}

bool span_less(const Span& a, const Span& b, Date anchor) {
  return add_span(anchor, a) < add_span(anchor, b);
}

CourseOffset CourseOffset::after(const Span& s) const {
  CourseOffset o = *this;
  switch (s.unit) {
    case Span::Unit::day:
      o.days += s.count;
      break;
    case Span::Unit::week:
      o.days += 7 * s.count;
      break;
    case Span::Unit::month:
      o.months += s.count;
      break;
  }
  return o;
}

Date CourseOffset::on(Date start) const {
  return add_months(start, months) + date::days{days};
}

}  // namespace doseplan
