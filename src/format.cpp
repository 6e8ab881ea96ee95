#include "doseplan/format.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <system_error>

namespace doseplan {

namespace {
// A number with 2 decimals at most, then its unit: one string, one allocation.
std::string with_unit(double value, const char* unit) {
  std::string s;
  append_number(s, value, 2);
  s += unit;
  return s;
}
}  // namespace

namespace {

// |value| rounded to `decimals` decimals as printf("%.*f") rounds it, worked out from the
// shortest decimal text of the double (std::to_chars without a precision, much cheaper than the
// exact expansion). Returns nullptr when that text can not decide: a value of 2^18 or more or
// below 1e-10, or a text that ends exactly on a half at the first dropped decimal (2.675 is
// 2.674999999999999822...: only the exact expansion knows the side).
// Why the rest is safe: the shortest text s lies within half an ulp of the double x, and below
// 2^18 an ulp is under 1e-10, under a tenth of the last kept decimal. A rounding boundary (a 5 at
// decimal d + 1) strictly between x and s would itself be a text of x, shorter than s or as
// short and closer, which s is not; and when s has at most d + 1 decimals, s and a boundary are
// at least 10^-(d + 1) apart, more than x is from s. So x and s round alike.
// Writes the digits (and the '.') into [first, last) and returns their end.
char* round_shortest(char* first, char* last, double magnitude, int decimals) {
  if (!(magnitude < 262144.0) || (magnitude != 0 && magnitude < 1e-10)) return nullptr;
  char* digits = first + 1;  // first[0]: room for a carry ("9.999" -> "10.00")
  const auto [end, ec] = std::to_chars(digits, last, magnitude, std::chars_format::fixed);
  if (ec != std::errc()) return nullptr;
  char* dot = static_cast<char*>(std::memchr(digits, '.', static_cast<std::size_t>(end - digits)));
  const int have = dot ? static_cast<int>(end - dot - 1) : 0;
  if (have <= decimals) {  // nothing to round
    std::memmove(first, digits, static_cast<std::size_t>(end - digits));
    return first + (end - digits);
  }
  char* cut = dot + 1 + decimals;                           // the first dropped decimal
  if (have == decimals + 1 && *cut == '5') return nullptr;  // exactly a half in the text
  char* kept_end = decimals == 0 ? dot : cut;
  char* start = digits;
  if (*cut >= '5') {  // round up: carry to the left, over the point
    char* q = kept_end;
    while (true) {
      --q;
      if (*q == '.') continue;
      if (*q != '9') {
        ++*q;
        break;
      }
      *q = '0';
      if (q == digits) {
        *--start = '1';
        break;
      }
    }
  }
  std::memmove(first, start, static_cast<std::size_t>(kept_end - start));
  return first + (kept_end - start);
}

}  // namespace

void append_number(std::string& out, double value, int max_decimals) {
  if (max_decimals < 0) max_decimals = 0;
  if (max_decimals > 9) max_decimals = 9;
  // The number as printf("%.*f") writes it (exactly rounded, "nan", "inf"): from the shortest
  // text when that decides (round_shortest), else std::to_chars with the precision (what printf
  // does, without the locale and the multi-precision path of printf). The largest double has
  // 309 digits before the point: the buffer always holds the whole number, never truncated.
  char buf[400];
  const char* p = buf;
  const char* end = nullptr;
  bool negative = false;
  if (std::fabs(value) < 1e15 && value == std::floor(value)) {  // whole: 310, 1,000 (no "-0")
    negative = value < 0;
    end = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(std::fabs(value))).ptr;
  } else if (std::isfinite(value)) {
    negative = std::signbit(value);
    end = round_shortest(buf, buf + sizeof buf, std::fabs(value), max_decimals);
  }
  if (!end) {
    const auto [end_of_number, ec] =
        std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, max_decimals);
    end = ec == std::errc() ? end_of_number : buf;
    negative = p != end && *p == '-';
    if (negative) ++p;
  }
  const char* dot =
      static_cast<const char*>(std::memchr(p, '.', static_cast<std::size_t>(end - p)));
  if (dot) {  // no trailing zero, no trailing point
    while (end > dot && end[-1] == '0') --end;
    if (end == dot + 1) end = dot;
    if (end == dot) dot = nullptr;
  }
  const char* int_end = dot ? dot : end;
  const auto int_len = static_cast<std::size_t>(int_end - p);
  const bool zero = int_len == 1 && *p == '0' && !dot;  // no "-0"
  out.reserve(out.size() + int_len + int_len / 3 + static_cast<std::size_t>(end - int_end) + 1);
  if (negative && !zero) out += '-';
  for (std::size_t i = 0; i < int_len; ++i) {
    if (i > 0 && (int_len - i) % 3 == 0) out += ',';
    out += p[i];
  }
  out.append(int_end, end);
}

std::string format_number(double value, int max_decimals) {
  std::string s;
  append_number(s, value, max_decimals);
  return s;
}

std::string format_mg(DrugMass m) {
  return with_unit(in_mg(m), " mg");
}
std::string format_mL(DrugVolume v) {
  return with_unit(in_mL(v), " mL");
}
std::string format_kg(BodyMass w) {
  return with_unit(in_kg(w), " kg");
}
std::string format_dose_rate(DoseRate r) {
  return with_unit(in_mg_per_kg_per_day(r), " mg/kg/day");
}
std::string format_daily_amount(DailyAmount a) {
  return with_unit(in_mg_per_day(a), " mg/day");
}

std::string format_percent(double percent) {
  std::string s = format_number(percent, 2);
  if (s != "0" && s.front() != '-') s = "+" + s;
  return s + "%";
}

std::string tall_man(std::string text) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"cyclosporine", "cycloSPORINE"}, {"cycloserine", "cycloSERINE"},
      {"rituximab", "riTUXimab"},       {"infliximab", "inFLIXimab"},
      {"sandimmune", "SandIMMUNE"},     {"sandostatin", "SandoSTATIN"},
  };
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const auto& [plain, tall] : kNames) {
    const std::string p = plain;
    for (std::size_t at = lower.find(p); at != std::string::npos;
         at = lower.find(p, at + p.size())) {
      text.replace(at, p.size(), tall);
    }
  }
  return text;
}

std::string frequency_words(int doses_per_day) {
  switch (doses_per_day) {
    case 1:
      return "once daily";
    case 2:
      return "twice daily";
    case 3:
      return "three times daily";
    default:
      return std::to_string(doses_per_day) + " times daily";
  }
}

}  // namespace doseplan
