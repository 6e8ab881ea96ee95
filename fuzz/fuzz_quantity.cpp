// doseplan fuzz target "quantity": the parsers of what people type, on arbitrary text.
//
// The input text goes to every parse_* of include/doseplan/units.hpp, to parse_dose (and
// parse_dose_like for each kind of dose), parse_date, parse_span and parse_sex. What a parser
// accepts is written back with the format functions (format.hpp), as the renderers and the error
// messages do, and three round trips must hold:
//   format_number(v) read back (without its thousands separators) is v to within the last
//   decimal written (format.hpp: "rounded to at most 2 decimals"), for every value parsed;
//   format_date(parse_date(s)) is s without its surrounding spaces and tabs;
//   parse_span(to_string(parse_span(s))) == parse_span(s).
// A doseplan::Error is an expected outcome. Anything else (another exception, a crash, a
// sanitizer report, a broken round trip) is a finding.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "doseplan/doseplan.hpp"

namespace {

constexpr std::size_t kMaxInput = 64 * 1024;

[[noreturn]] void broken(const char* what, std::string_view input, const std::string& got) {
  std::fprintf(stderr, "fuzz_quantity: %s: input \"%.*s\" gave \"%s\"\n", what,
               static_cast<int>(input.size()), input.data(), got.c_str());
  std::abort();
}

// Runs `f`; a doseplan::Error is an expected outcome.
template <class F>
void expect(F&& f) {
  try {
    f();
  } catch (const doseplan::Error&) {
  }
}

// format_number(v, 2) must say v, rounded to 2 decimals: read back, it is within 0.005 of v (and
// a rounding error of the conversions).
void check_number(double v, std::string_view input) {
  const std::string written = doseplan::format_number(v, 2);
  std::string plain;
  for (char c : written)
    if (c != ',') plain += c;
  char* end = nullptr;
  const double back = std::strtod(plain.c_str(), &end);
  if (end == plain.c_str() || *end != '\0' || !(std::fabs(back - v) <= 0.005 + 1e-12 * std::fabs(v))) {
    broken("format_number(v) does not say v", input, written);
  }
}

std::string trim_blanks(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return -1;  // not added to the corpus
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace doseplan;

  expect([&] {
    const BodyMass w = parse_body_mass(text);
    (void)format_kg(w);
    check_number(in_kg(w), text);
  });
  expect([&] { check_number(in_cm(parse_height(text)), text); });
  expect([&] {
    const DrugMass m = parse_drug_mass(text);
    (void)format_mg(m);
    check_number(in_mg(m), text);
  });
  expect([&] {
    const DoseRate r = parse_dose_rate(text);
    (void)format_dose_rate(r);
    check_number(in_mg_per_kg_per_day(r), text);
  });
  expect([&] {
    const DailyAmount a = parse_daily_amount(text);
    (void)format_daily_amount(a);
    check_number(in_mg_per_day(a), text);
  });
  expect([&] { check_number(in_mg_per_m2(parse_dose_per_area(text)), text); });
  expect([&] { check_number(parse_cell_count(text).millions, text); });
  expect([&] {
    const DrugVolume v = parse_drug_volume(text);
    (void)format_mL(v);
    check_number(in_mL(v), text);
  });
  expect([&] { check_number(in_ng_per_mL(parse_mass_concentration(text)), text); });
  expect([&] { check_number(in_umol_per_L(parse_molar_concentration(text)), text); });
  expect([&] {
    const MolarConcentration c = parse_creatinine(text);
    check_number(in_umol_per_L(c), text);
    check_number(creatinine_in_mg_per_dL(c), text);
  });
  expect([&] {
    const DoseValue d = parse_dose(text, "dose");
    (void)format_dose(d);
    (void)dose_unit(d);
    check_number(dose_number(d), text);
  });
  // A dose typed where a dose of each kind is expected.
  const DoseValue kinds[] = {mg_per_kg_per_day(5), mg_per_day(125), milligrams(1000),
                             mg_per_m2(750), CellCount{50}};
  for (const DoseValue& like : kinds) {
    expect([&] {
      const DoseValue d = parse_dose_like(text, "dose", like);
      if (same_kind(d, like)) (void)dose_less(d, like);
      (void)format_dose(d);
    });
  }
  expect([&] {
    const Date d = parse_date(text);
    const std::string back = format_date(d);
    if (back != trim_blanks(text)) broken("format_date(parse_date(s)) != s", text, back);
    (void)format_date(add_months(d, 1));
  });
  expect([&] {
    const Span s = parse_span(text);
    const std::string written = to_string(s);
    if (!(parse_span(written) == s)) broken("parse_span(to_string(s)) != s", text, written);
    const Date anchor = parse_date("2026-01-31");
    (void)format_date(add_span(anchor, s));
    (void)span_less(s, Span{1, Span::Unit::month}, anchor);
  });
  expect([&] { (void)to_string(parse_sex(text)); });
  return 0;
}
