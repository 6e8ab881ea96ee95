// Specification of how numbers and doses are written (doseplan/format.hpp), after the ISMP list of
// error-prone abbreviations, symbols and dose designations: no trailing zero, always a leading
// zero, thousands separators, a space before the unit, "mcg" never "µg", words never QD / BID.
//
// Rounding cases avoid values that sit on a half in decimal (4.835, 2.675, 0.125): in binary they
// are slightly above or below the half, so their rounding says nothing about the rule.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/units.hpp"

using namespace doseplan;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

namespace {

// What no dose text may contain (ISMP): trailing ".0", a bare leading ".", µg, QD, BID, "-0".
void check_safe(const std::string& text) {
  INFO("text: \"" << text << "\"");
  CHECK_THAT(text, !Contains(".0 "));
  CHECK_THAT(text, !EndsWith(".0"));
  CHECK_THAT(text, !StartsWith("."));
  CHECK_THAT(text, !Contains(" ."));
  CHECK_THAT(text, !Contains("-."));
  CHECK_THAT(text, !Contains("\xC2\xB5"));  // µ (micro sign, U+00B5)
  CHECK_THAT(text, !Contains("\xCE\xBC"));  // μ (Greek mu, U+03BC)
  CHECK_THAT(text, !Contains("QD"));
  CHECK_THAT(text, !Contains("BID"));
  CHECK_THAT(text, !Contains("TID"));
  CHECK_THAT(text, !Contains("QID"));
  CHECK_THAT(text, !StartsWith("-0 "));
  CHECK(text != "-0");
  CHECK(text != "-0%");
  CHECK(text != "+0%");
}

}  // namespace

// ----------------------------------------------------------------------------- format_number

TEST_CASE("a whole number is written without a trailing zero") {
  CHECK(format_number(1) == "1");
  CHECK(format_number(1.0) == "1");
  CHECK(format_number(310) == "310");
  CHECK(format_number(5.0, 2) == "5");
  CHECK(format_number(100) == "100");  // zeros of the integer part stay
  CHECK(format_number(0) == "0");
}

TEST_CASE("a fraction loses its trailing zeros but keeps its leading zero") {
  CHECK(format_number(0.5) == "0.5");
  CHECK(format_number(0.50) == "0.5");
  CHECK(format_number(1.5) == "1.5");
  CHECK(format_number(2.25) == "2.25");
  CHECK(format_number(0.05) == "0.05");
  CHECK(format_number(10.10) == "10.1");
}

TEST_CASE("thousands are separated by commas") {
  CHECK(format_number(999) == "999");
  CHECK(format_number(1000) == "1,000");
  CHECK(format_number(1500) == "1,500");
  CHECK(format_number(12345) == "12,345");
  CHECK(format_number(123456) == "123,456");
  CHECK(format_number(1000000) == "1,000,000");
  CHECK(format_number(1234567.89) == "1,234,567.89");
  CHECK(format_number(1234.5) == "1,234.5");  // no separator in the fraction
}

TEST_CASE("a number is rounded to at most max_decimals decimals") {
  CHECK(format_number(4.8387) == "4.84");  // 4.8387 -> 4.84 (third decimal 8 rounds up)
  CHECK(format_number(4.8327) == "4.83");  // third decimal 2 rounds down
  CHECK(format_number(61.915358505) == "61.92");
  CHECK(format_number(3.14159, 3) == "3.142");
  CHECK(format_number(3.14159, 4) == "3.1416");
  CHECK(format_number(2.6, 0) == "3");
  CHECK(format_number(2.4, 0) == "2");
  CHECK(format_number(1234.6, 0) == "1,235");
  CHECK(format_number(1.996) == "2");  // 1.996 -> 2.00 -> "2", not "2.0" or "2.00"
  CHECK(format_number(0.996) == "1");
  CHECK(format_number(999.996) == "1,000");  // rounding carries into a new thousands group
  CHECK(format_number(0.004) == "0");        // less than half of the last decimal
  CHECK(format_number(0.006) == "0.01");
  CHECK(format_number(1.2049) == "1.2");  // 1.2049 -> 1.20 -> "1.2"
}

TEST_CASE("negative numbers keep their sign") {
  CHECK(format_number(-3.23) == "-3.23");
  CHECK(format_number(-3.2) == "-3.2");
  CHECK(format_number(-3.2345) == "-3.23");
  CHECK(format_number(-1500) == "-1,500");
  CHECK(format_number(-0.5) == "-0.5");
  CHECK(format_number(-310) == "-310");
  CHECK(format_number(-0.0) == "0");
  CHECK(format_number(999999999999999.0) == "999,999,999,999,999");
  CHECK(format_number(1e15) == "1,000,000,000,000,000");
  CHECK(format_number(-123456.7) == "-123,456.7");
}

TEST_CASE("a negative number that rounds to zero is written 0, never -0") {
  CHECK(format_number(-0.001) == "0");  // -0.001 -> -0.00 -> "0"
  CHECK(format_number(-0.004, 2) == "0");
  CHECK(format_number(-0.4, 0) == "0");
  CHECK(format_number(-0.0) == "0");
  CHECK(format_number(-0.0, 0) == "0");
  CHECK(format_number(-0.006) == "-0.01");  // but a value that rounds away from zero keeps it
}

// -------------------------------------------------------------------------- quantities + units

TEST_CASE("a drug mass is written in mg with a space before the unit") {
  CHECK(format_mg(milligrams(310)) == "310 mg");
  CHECK(format_mg(milligrams(1)) == "1 mg");
  CHECK(format_mg(milligrams(1500)) == "1,500 mg");
  CHECK(format_mg(milligrams(0.5)) == "0.5 mg");
  CHECK(format_mg(milligrams(12.5)) == "12.5 mg");
  CHECK(format_mg(milligrams(4.8387)) == "4.84 mg");
}

TEST_CASE("a volume is written in mL") {
  CHECK(format_mL(millilitres(1.5)) == "1.5 mL");
  CHECK(format_mL(millilitres(2)) == "2 mL");
  CHECK(format_mL(millilitres(0.25)) == "0.25 mL");
  CHECK(format_mL(millilitres(1000)) == "1,000 mL");
}

TEST_CASE("a body weight is written in kg") {
  CHECK(format_kg(kilograms(62)) == "62 kg");
  CHECK(format_kg(kilograms(61.92)) == "61.92 kg");
  // 136.5 lb x 0.45359237 = 61.915358505 kg -> 61.92
  CHECK(format_kg(kilograms(61.915358505)) == "61.92 kg");
  CHECK(format_kg(kilograms(3.25)) == "3.25 kg");
}

TEST_CASE("a dose rate is written in mg/kg/day") {
  // 300 mg/day for 62 kg = 4.8387... mg/kg/day
  CHECK(format_dose_rate(mg_per_kg_per_day(300.0 / 62.0)) == "4.84 mg/kg/day");
  CHECK(format_dose_rate(mg_per_kg_per_day(5)) == "5 mg/kg/day");
  CHECK(format_dose_rate(mg_per_kg_per_day(2.5)) == "2.5 mg/kg/day");
  CHECK(format_dose_rate(mg_per_kg_per_day(0.5)) == "0.5 mg/kg/day");
}

TEST_CASE("a daily amount is written in mg/day") {
  // 5 mg/kg/day x 62 kg = 310 mg/day
  CHECK(format_daily_amount(mg_per_day(310)) == "310 mg/day");
  CHECK(format_daily_amount(mg_per_day(1500)) == "1,500 mg/day");
  CHECK(format_daily_amount(mg_per_day(0.75)) == "0.75 mg/day");
}

TEST_CASE("a percentage has an explicit sign, except zero") {
  CHECK(format_percent(1.5) == "+1.5%");
  CHECK(format_percent(-3.23) == "-3.23%");
  CHECK(format_percent(0) == "0%");
  CHECK(format_percent(-0.0) == "0%");
  CHECK(format_percent(0.001) == "0%");   // rounds to 0: no sign
  CHECK(format_percent(-0.001) == "0%");  // rounds to -0: no "-0%" and no "+0%"
  CHECK(format_percent(10) == "+10%");
  CHECK(format_percent(-3.2345) == "-3.23%");
  // (310 - 300) / 300 = 3.333...%
  CHECK(format_percent((310.0 - 300.0) / 300.0 * 100.0) == "+3.33%");
  CHECK(format_percent(1500) == "+1,500%");
}

// ---------------------------------------------------------------------------- frequency_words

TEST_CASE("the number of doses per day is written in words, never as an abbreviation") {
  CHECK(frequency_words(1) == "once daily");
  CHECK(frequency_words(2) == "twice daily");
  CHECK(frequency_words(3) == "three times daily");
  CHECK(frequency_words(4) == "4 times daily");
  CHECK(frequency_words(6) == "6 times daily");
}

// -------------------------------------------------------------------------- error-prone forms

TEST_CASE("no formatted text contains an error-prone form") {
  std::vector<std::string> texts;
  for (double v : {0.0, -0.0, 0.001, -0.001, 0.5, 1.0, 1.004, 2.0, 10.0, 310.0, 1500.0, 1000000.0,
                   4.8387, 0.996, 1.996, 999.996}) {
    texts.push_back(format_number(v));
    texts.push_back(format_mg(milligrams(v)));
    texts.push_back(format_mL(millilitres(v)));
    texts.push_back(format_kg(kilograms(v)));
    texts.push_back(format_dose_rate(mg_per_kg_per_day(v)));
    texts.push_back(format_daily_amount(mg_per_day(v)));
    texts.push_back(format_percent(v));
    texts.push_back(format_percent(-v));
  }
  for (int n = 1; n <= 6; ++n) texts.push_back(frequency_words(n));
  for (const std::string& text : texts) check_safe(text);
  CHECK(format_mg(milligrams(1.0)) == "1 mg");     // never "1.0 mg"
  CHECK(format_mg(milligrams(1.004)) == "1 mg");   // rounds to 1.00: still "1 mg"
  CHECK(format_mg(milligrams(0.5)) == "0.5 mg");   // never ".5 mg"
  CHECK(format_mL(millilitres(10.0)) == "10 mL");  // never "10.0 mL"
  CHECK(format_percent(-0.001) == "0%");           // never "-0%"
}

TEST_CASE("Tall Man names replace look-alike drug names whatever their case") {
  CHECK(tall_man("cyclosporine") == "cycloSPORINE");
  CHECK(tall_man("Cyclosporine (modified) capsules") == "cycloSPORINE (modified) capsules");
  CHECK(tall_man("CYCLOSERINE") == "cycloSERINE");
  CHECK(tall_man("rituximab 375 mg/m2") == "riTUXimab 375 mg/m2");
  CHECK(tall_man("infliximab") == "inFLIXimab");
  CHECK(tall_man("Sandimmune and Sandostatin") == "SandIMMUNE and SandoSTATIN");
  CHECK(tall_man("cycloSPORINE") == "cycloSPORINE");                  // already Tall Man: unchanged
  CHECK(tall_man("mycophenolate 环孢素") == "mycophenolate 环孢素");  // nothing to change
}

TEST_CASE("regression (fuzz): a very large number is written whole, never truncated") {
  // 1e80 has 81 digits before the decimal point; a fixed 64-byte buffer used to cut it short.
  std::string s = format_number(1e80, 0);
  s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  CHECK(s.size() == 81);
  CHECK(s.rfind("1000000000000000", 0) == 0);
}

namespace {

// format_number as it was written with snprintf("%.*f") before it used std::to_chars: the
// reference the new code must match digit for digit.
std::string format_number_with_printf(double value, int max_decimals) {
  if (max_decimals < 0) max_decimals = 0;
  if (max_decimals > 9) max_decimals = 9;
  char buf[400];  // the largest double has 309 digits before the point
  const int n = std::snprintf(buf, sizeof buf, "%.*f", max_decimals, value);
  std::string s(buf, static_cast<std::size_t>(n > 0 ? n : 0));
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  bool negative = !s.empty() && s.front() == '-';
  if (negative) s.erase(0, 1);
  if (s == "0") negative = false;
  const auto dot = s.find('.');
  std::string int_part = s.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : s.substr(dot);
  std::string grouped;
  for (std::size_t i = 0; i < int_part.size(); ++i) {
    if (i > 0 && (int_part.size() - i) % 3 == 0) grouped += ',';
    grouped += int_part[i];
  }
  return (negative ? "-" : "") + grouped + frac;
}

}  // namespace

TEST_CASE("format_number writes what printf(\"%.*f\") wrote, for any value and decimals") {
  // Exact halves in binary (0.125, 2.5, 0.375) round to even in both; values just beside a
  // decimal half; negative zero; large and tiny values; the decimals clamped to 0..9.
  const std::vector<double> fixed = {0.125,   2.5,      3.5,    0.375,       -0.125,      1e-10,
                                     -1e-10,  0.005,    0.015,  1.005,       2.675,       4.835,
                                     -0.0,    999.995,  999.5,  1e15,        123456789.5, 1e22,
                                     1.7e308, 4.9e-324, 1234.5, -999999.999, 0.1,         1e-5};
  for (double v : fixed) {
    for (int d = -1; d <= 11; ++d) {
      INFO("value " << v << ", decimals " << d);
      CHECK(format_number(v, d) == format_number_with_printf(v, d));
    }
  }
  // Random values over many magnitudes (a fixed seed: the test is the same every time).
  std::uint64_t state = 20261122;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int mismatches = 0;
  for (int i = 0; i < 200000; ++i) {
    const double mantissa = static_cast<double>(next() % 100000000) / 1e4;  // 0 .. 9999.9999
    const int exponent = static_cast<int>(next() % 13) - 6;                 // 1e-6 .. 1e6
    double v = mantissa * std::pow(10.0, exponent);
    if (next() % 2) v = -v;
    if (i % 4 == 0) {  // arbitrary bit patterns too (finite, not huge)
      double bits = 0;
      const std::uint64_t b = next();
      std::memcpy(&bits, &b, sizeof bits);
      if (std::isfinite(bits) && std::abs(bits) < 1e30) v = bits;
    }
    const int d = static_cast<int>(next() % 10);
    if (format_number(v, d) != format_number_with_printf(v, d)) {
      ++mismatches;
      UNSCOPED_INFO("value " << v << " decimals " << d << ": " << format_number(v, d) << " vs "
                             << format_number_with_printf(v, d));
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("format_number rounds values next to a decimal half as printf does") {
  // k + 0.5 units of the last kept decimal, and the doubles just beside it: the shortest text of
  // these ends on the 5, or is 9s and 0s next to it (the cases where a shortcut could go wrong).
  std::uint64_t state = 7;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 11;
  };
  int mismatches = 0;
  for (int i = 0; i < 100000; ++i) {
    const int d = static_cast<int>(next() % 10);
    const double unit = std::pow(10.0, -d);
    const double half = (static_cast<double>(next() % 300000) + 0.5) * unit;
    for (double v : {half, std::nextafter(half, 0.0), std::nextafter(half, 1e9), -half,
                     (static_cast<double>(next() % 3000000) + 0.95) * unit}) {
      if (format_number(v, d) != format_number_with_printf(v, d)) {
        ++mismatches;
        UNSCOPED_INFO("value " << v << " decimals " << d << ": " << format_number(v, d) << " vs "
                               << format_number_with_printf(v, d));
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(format_number(9.995, 2) == format_number_with_printf(9.995, 2));
  CHECK(format_number(99999.9999, 3) == "100,000");  // the carry makes a new digit
  CHECK(format_number(0.125, 2) == "0.12");          // an exact half in binary: to even
  CHECK(format_number(0.375, 2) == "0.38");
  CHECK(format_number(262143.995, 2) == format_number_with_printf(262143.995, 2));
  CHECK(format_number(262144.005, 2) == format_number_with_printf(262144.005, 2));
}

TEST_CASE("append_number appends to what is there") {
  std::string s = "dose ";
  append_number(s, 1500);
  CHECK(s == "dose 1,500");
  append_number(s, -0.004);
  CHECK(s == "dose 1,5000");
  s = "x";
  append_number(s, 4.8387, 3);
  CHECK(s == "x4.839");
  s.clear();
  append_number(s, -1234.5, 0);  // exact half, to even: -1234
  CHECK(s == "-1,234");
}

// ------------------------------------------------------------------ sentences in both languages

TEST_CASE("tr_both fills every placeholder in both languages") {
  // A key without a translation: the Chinese text is the English pattern, filled the same way.
  const LocalizedText t = tr_both("doseplan test {a}, {name} and {a} again {n}",
                                  {{"a", LocalizedText{"one", "一"}},
                                   {"n", LocalizedText{"2", ""}},  // no Chinese: the English
                                   {"name", LocalizedText{"x{a}y", "乙"}}});
  CHECK(t.en == "doseplan test one, x{a}y and one again 2");
  CHECK(t.zh == "doseplan test 一, 乙 and 一 again 2");
  // A placeholder name that is the start of another, braces that are no placeholder.
  const LocalizedText u =
      tr_both("doseplan test {n}{nn} {n {} {n}", {{"n", same_text("5")}, {"nn", same_text("6")}});
  CHECK(u.en == "doseplan test 56 {n {} 5");
  CHECK(tr_both("doseplan test without placeholders").en == "doseplan test without placeholders");
}

TEST_CASE("spans and intervals are said in both languages") {
  CHECK(span_text(Span{2, Span::Unit::week}).en == "2 weeks");
  CHECK(span_text(Span{1, Span::Unit::month}).en == "1 month");
  CHECK(every_text(Span{2, Span::Unit::week}).en == "every 2 weeks");
  CHECK(every_text(Span{1, Span::Unit::month}).en == "every month");
  if (catalogue_available()) {
    CHECK(span_text(Span{3, Span::Unit::month}).zh == "3个月");
    CHECK(every_text(Span{2, Span::Unit::week}).zh == "每2周");
  }
}
