// Units of recorded results: parse_measurement, describe_measurement (contract in
// doseplan/tracker.hpp).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <system_error>

#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/render.hpp"
#include "tracker/store.hpp"

namespace doseplan {

using namespace detail;  // NOLINT: the tracker's own helpers (store.hpp)

// The units of recorded results are the table of doseplan/lab_value.hpp; which a test takes, its
// canonical unit and its molar mass come from labs.json (LabTest, read by the rules loader).
using Dim = LabDimension;

// A unit as people read it: the UCUM spellings of labs.json that people do not write ("umol/L",
// "10*9/L", "10*3/uL", "mm[Hg]"), in any spelling the tracker reads, through display_unit()
// (render.hpp: "µmol/L", "10⁹/L", "10³/µL", "mmHg"); any other unit as it is written.
std::string detail::unit_shown(std::string_view unit) {
  const std::string typed = normalize_lab_unit(unit);
  for (const std::string_view ucum : {"umol/L", "10*9/L", "10*3/uL", "mm[Hg]"}) {
    if (typed == normalize_lab_unit(ucum)) return display_unit(ucum);
  }
  return std::string(unit);
}

namespace {

// `v` as format_number() writes it; in Chinese without thousands separators ("8574.8").
std::string number_in(double v, int max_decimals, Lang lang) {
  std::string s = format_number(v, max_decimals);
  if (lang == Lang::zh_CN) std::erase(s, ',');
  return s;
}

// "95 µmol/L", "1.1×10⁹/L": a number and its unit as people read them (a power of ten is
// multiplied, as Chinese lab reports write it).
std::string quantity_shown(const std::string& number, std::string_view unit) {
  const std::string u = unit_shown(unit);  // display_unit() writes powers of ten as "×10⁹/L"
  return number + (u.starts_with("\u00d7") ? "" : " ") + u;
}

// What the tracker knows of a test's values (from labs.json, checked when the rules load).
struct TestUnits {
  const LabUnit* canonical = nullptr;   // the first unit of labs.json
  std::set<Dim> dims;                   // accepted dimensions
  std::optional<MolarMass> molar_mass;  // mass and molar concentrations convert
  const LabTest* test = nullptr;
  // `u` may be recorded: of an accepted dimension, and one of `accepts` when the test has them.
  // `accepts` names spellings: "250 g/L" is refused for a drug level that accepts mg/mL, though
  // the two are one unit (as the units parsers refused it before).
  bool takes(const LabUnit& u) const {
    if (!dims.count(u.dimension)) return false;
    if (test->accepts.empty()) return true;
    return std::any_of(test->accepts.begin(), test->accepts.end(),
                       [&](const LabUnit& a) { return a.spelling == u.spelling; });
  }
};

TestUnits test_units(const LabTest& test, std::string_view field) {
  if (test.units.empty()) {
    throw Error(
        "tracker.no_value", std::string(field),
        test.id + " (" + test.name.en +
            ") has no value to record; record its parts (e.g. platelets, wbc, "
            "neutrophils for a blood count) or mark the visit done with `doseplan track "
            "done`",
        zh(tr_both("{name} ({test}) can not be recorded as one value: record its values one by "
                   "one (for a blood count: platelets, wbc, neutrophils), or mark the visit done "
                   "with doseplan track done",
                   {{"name", test.name}, {"test", same_text(test.id)}})));
  }
  TestUnits t;
  t.test = &test;
  for (const std::string& unit : test.units) {
    const LabUnit* u = find_lab_unit(unit);
    if (u == nullptr || !is_result_dimension(u->dimension) || !test.canonical) {
      throw Error("tracker.no_conversion", std::string(field),
                  "labs.json lists the unit " + in_quotes(unit) + " for " + test.id +
                      ", which the tracker can not read; the tracker needs an update");
    }
    t.dims.insert(u->dimension);
  }
  t.canonical = find_lab_unit(test.units.front());
  if (test.molar_mass) {
    t.molar_mass = test.molar_mass->value;
    if (t.dims.count(Dim::molar) || t.dims.count(Dim::mass)) {
      t.dims.insert(Dim::molar);
      t.dims.insert(Dim::mass);
    }
  } else if (t.dims.count(Dim::mass) && t.dims.count(Dim::molar)) {
    throw Error("tracker.no_conversion", std::string(field),
                test.id +
                    " is listed in mass and molar units, and labs.json gives no molar mass; "
                    "the rules need an update");
  }
  return t;
}

// The number of an example value of `test` ("97" for umol/L).
std::string example_number(const LabTest& test) {
  const LabUnit* t = find_lab_unit(test.units.front());
  if (t == nullptr) return "1";
  switch (t->dimension) {
    case Dim::molar:
      return "97";
    case Dim::mass:
      return "250";
    case Dim::count:
      return "2.5";
    case Dim::catalytic:
      return "30";
    case Dim::pressure:
      return "135";
    default:
      return "0.2";
  }
}

std::string example_of(const LabTest& test) {
  return in_quotes(example_number(test) + " " + test.units.front());
}

}  // namespace

// The units of `test` as people read them: "µmol/L or mg/dL" / "µmol/L或mg/dL".
LocalizedText detail::units_text(const LabTest& test) {
  std::vector<std::string> units;
  for (const std::string& u : test.units) units.push_back(unit_shown(u));
  return {join(units, " or "), join(units, "\u6216")};
}

namespace {

// What a value of `test` is written as, in Chinese (the end of the Chinese detail of a bad value).
std::string expected_zh(const LabTest& test) {
  return zh(
      tr_both("{name} is written in {units}, such as \"{example}\"",
              {{"name", test.name},
               {"units", units_text(test)},
               {"example", same_text(quantity_shown(example_number(test), test.units.front()))}}));
}

std::string expected_for(const LabTest& test) {
  std::string s =
      "; expected " + test.id + " in " + join(test.units, " or ") + ", such as " + example_of(test);
  const LabUnit* t = find_lab_unit(test.units.front());
  if (t && t->dimension == Dim::pressure) {
    s += " (one number: systolic-bp and diastolic-bp are recorded separately)";
  }
  return s;
}

struct SplitValue {
  std::string number;  // as typed
  std::string unit;    // as typed, trimmed
  double value = 0;
};

// Reads the number like the units parsers (std::from_chars, no "+", not negative) and keeps the
// unit text; errors quantity.* with the test's units as the expected value.
SplitValue split_value(const LabTest& test, std::string_view text, std::string_view field) {
  const std::string f(field);
  const std::string exp = expected_for(test);
  // The Chinese detail: what is wrong with `text`, then how a value of the test is written.
  const LocalizedText typed = same_text(std::string(text));
  const LocalizedText expected = same_text(expected_zh(test));
  const std::string_view body = trim(text);
  if (body.empty()) {
    throw Error(
        "quantity.empty", f, "empty value " + in_quotes(text) + exp,
        zh(tr_both("the value is empty; {expected}", {{"text", typed}, {"expected", expected}})));
  }
  double number = 0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), number);
  if (ec == std::errc::invalid_argument) {
    throw Error("quantity.no_number", f, in_quotes(text) + " does not start with a number" + exp,
                zh(tr_both("\"{text}\" does not start with a number; {expected}",
                           {{"text", typed}, {"expected", expected}})));
  }
  if (ec == std::errc::result_out_of_range || !std::isfinite(number)) {
    throw Error("quantity.not_finite", f, in_quotes(text) + " is not a finite number" + exp,
                zh(tr_both("\"{text}\" is not a finite number; {expected}",
                           {{"text", typed}, {"expected", expected}})));
  }
  if (number < 0) {
    // Its unit as people read it ("-97 µmol/L"): the number is what is wrong.
    const std::size_t digits = static_cast<std::size_t>(end - body.data());
    const LocalizedText negative =
        same_text(quantity_shown(std::string(body.substr(0, digits)), trim(body.substr(digits))));
    throw Error("quantity.negative", f, in_quotes(text) + " is negative" + exp,
                zh(tr_both("\"{text}\" is negative; {expected}",
                           {{"text", negative}, {"expected", expected}})));
  }
  if (number == 0) number = 0;
  SplitValue s;
  s.number = std::string(body.substr(0, static_cast<std::size_t>(end - body.data())));
  s.unit = std::string(trim(body.substr(static_cast<std::size_t>(end - body.data()))));
  s.value = number;
  if (s.unit.empty()) {
    throw Error("quantity.missing_unit", f, in_quotes(text) + " has no unit" + exp,
                zh(tr_both("\"{text}\" has no unit; {expected}",
                           {{"text", typed}, {"expected", expected}})));
  }
  return s;
}

[[noreturn]] void wrong_unit(const LabTest& test, std::string_view text, const SplitValue& s,
                             std::string_view field) {
  const LabUnit* u = find_lab_unit(s.unit);
  const std::string f(field);
  // What was typed, its unit as people read it when the tracker knows the unit ("97 mm[Hg]" ->
  // "97 mmHg"); as typed when it does not (the unit is what is wrong).
  const LocalizedText typed =
      same_text(u != nullptr ? quantity_shown(s.number, s.unit) : std::string(text));
  const LocalizedText expected = same_text(expected_zh(test));
  if (u == nullptr) {
    std::string msg = "unknown unit " + in_quotes(s.unit) + " in " + in_quotes(text);
    std::string msg_zh =
        zh(tr_both("\"{text}\" has a unit doseplan does not know, \"{unit}\"; {expected}",
                   {{"text", typed}, {"unit", same_text(s.unit)}, {"expected", expected}}));
    if (!s.unit.empty() && s.unit.front() == '/' && s.unit.size() > 1 &&
        std::isdigit(static_cast<unsigned char>(s.unit[1]))) {
      msg = in_quotes(text) + " is two numbers; record one value at a time";
      const LabUnit* first = find_lab_unit(test.units.front());
      if (first != nullptr && first->dimension == Dim::pressure) {
        // "150/95 mmHg": the systolic and the diastolic pressure, each a test of its own.
        const std::string_view rest = std::string_view(s.unit).substr(1);
        const std::size_t digits = std::min(rest.find_first_not_of("0123456789."), rest.size());
        msg_zh = zh(
            tr_both("blood pressure is recorded as two tests: the systolic pressure with --test "
                    "systolic-bp --value \"{systolic} mmHg\", the diastolic pressure with --test "
                    "diastolic-bp --value \"{diastolic} mmHg\"",
                    {{"systolic", same_text(s.number)},
                     {"diastolic", same_text(std::string(rest.substr(0, digits)))}}));
      } else {
        msg_zh = zh(tr_both("\"{text}\" is two numbers; record one value at a time; {expected}",
                            {{"text", typed}, {"expected", expected}}));
      }
    }
    if (!s.unit.empty() && s.unit.front() == ',' && s.unit.size() > 1 &&
        std::isdigit(static_cast<unsigned char>(s.unit[1]))) {
      std::string point = std::string(trim(text));
      point[point.find(',')] = '.';
      msg = in_quotes(text) + " has a decimal comma; write the number with a decimal point, " +
            in_quotes(point);
      msg_zh =
          zh(tr_both("\"{text}\" has a decimal comma; write the number with a decimal point: "
                     "\"{point}\"",
                     {{"text", typed}, {"point", same_text(point)}}));
    }
    throw Error("quantity.unknown_unit", f, msg + expected_for(test), msg_zh);
  }
  // A unit of the right kind that the test does not list ("250 g/L" for a drug level that
  // labs.json gives in ng/mL ... mg/dL): not a wrong kind, an unknown unit for this test.
  if (is_result_dimension(u->dimension) && test_units(test, field).dims.count(u->dimension)) {
    throw Error("quantity.unknown_unit", f,
                "the unit " + in_quotes(s.unit) + " in " + in_quotes(text) +
                    " is not one of the units of " + test.id + expected_for(test),
                zh(tr_both("the unit \"{unit}\" in \"{text}\" is not a unit of {name}; {expected}",
                           {{"unit", same_text(s.unit)},
                            {"text", typed},
                            {"name", test.name},
                            {"expected", expected}})));
  }
  throw Error(
      "tracker.wrong_unit", f,
      in_quotes(text) + " is " + std::string(dimension_name(u->dimension)) + ", not a unit of " +
          test.id + expected_for(test),
      zh(tr_both("\"{text}\" is not a value of {name}: its unit is of another kind; {expected}",
                 {{"text", typed}, {"name", test.name}, {"expected", expected}})));
}

// A result at or above the test's `implausible_from` (labs.json: a serum creatinine of 5,000
// umol/L, make_plan's limit, docs/errors.md) is a typing mistake (a value in umol/L typed with
// mg/dL, a missing decimal point): refused, since a recorded result can never be changed. 0 is
// kept (advise() says a baseline of 0 can not be judged).
[[noreturn]] void implausible(const LabTest& test, std::string_view text, const SplitValue& s,
                              double v, std::string_view field) {
  const LabValue& limit = test.implausible_from->value;
  const std::string& unit = test.units.front();
  const LabUnit* typed = find_lab_unit(s.unit);
  const bool in_canonical = typed != nullptr && typed->same_as(limit.unit());
  const bool plain = in_canonical || v >= 1e9;
  const LocalizedText text_shown = same_text(quantity_shown(s.number, s.unit));
  const LocalizedText value_shown = same_text(quantity_shown(number_in(v, 3, Lang::zh_CN), unit));
  const LocalizedText limit_shown =
      same_text(quantity_shown(std::to_string(static_cast<int>(limit.amount())), unit));
  throw Error(
      "input.out_of_range", std::string(field),
      in_quotes(text) + (plain ? std::string() : " (" + format_number(v, 3) + " " + unit + ")") +
          " is not below " + format_number(limit.amount()) + " " + unit +
          ", doseplan's plausibility limit for a serum creatinine (docs/errors.md); was the unit "
          "mistyped (mg/dL for umol/L)?",
      (plain
           ? zh(tr_both("a serum creatinine of \"{text}\" is not plausible: doseplan "
                        "accepts values below {limit}; is a digit too many, or a decimal "
                        "point missing?",
                        {{"text", text_shown}, {"value", value_shown}, {"limit", limit_shown}}))
           : zh(tr_both("a serum creatinine of \"{text}\" ({value}) is not plausible: "
                        "doseplan accepts values below {limit}; was a value in µmol/L "
                        "written with mg/dL?",
                        {{"text", text_shown}, {"value", value_shown}, {"limit", limit_shown}}))));
}

}  // namespace

Measurement parse_measurement(const LabTest& test, std::string_view text, std::string_view field) {
  const TestUnits t = test_units(test, field);
  const SplitValue s = split_value(test, text, field);
  const LabUnit* u = find_lab_unit(s.unit);
  if (u == nullptr || !t.takes(*u)) wrong_unit(test, text, s, field);
  const auto v = LabValue(s.value, *u).in(*t.canonical, t.molar_mass);
  if (!v) wrong_unit(test, text, s, field);
  if (!std::isfinite(v->amount())) {
    throw Error("quantity.not_finite", std::string(field),
                in_quotes(text) + " is too large" + expected_for(test));
  }
  if (test.implausible_from && !(*v < test.implausible_from->value)) {
    implausible(test, text, s, v->amount(), field);
  }
  return Measurement{s.number, s.unit, *v};
}

std::string describe_measurement(const Measurement& m, Lang lang) {
  std::string s = quantity_shown(m.value_entered, m.unit_entered);
  const LabUnit* entered = find_lab_unit(m.unit_entered);
  if (entered != nullptr && entered->same_as(m.canonical.unit())) return s;
  const std::string canonical =
      quantity_shown(number_in(m.canonical.amount(), 3, lang), m.canonical.unit().written);
  return lang == Lang::zh_CN ? s + "\uff08" + canonical + "\uff09" : s + " (" + canonical + ")";
}

LocalizedText describe_measurement_text(const Measurement& m) {
  return {describe_measurement(m, Lang::en), describe_measurement(m, Lang::zh_CN)};
}

std::string detail::describe_quantity(double value, std::string_view unit, int max_decimals,
                                      Lang lang) {
  return quantity_shown(number_in(value, max_decimals, lang), unit);
}

std::string describe_valid_tests(const std::vector<LabTest>& labs) {
  std::vector<std::string> parts;
  for (const LabTest& t : labs) {
    if (t.units.empty()) continue;
    parts.push_back(t.id + " (" + join(t.units, ", ") + ")");
  }
  return join(parts, ", ");
}

// tracker.unknown_test: `test` is not in labs.json; the tests that take a value are listed (in
// Chinese by name, with the code to type).
void detail::unknown_test(const std::vector<LabTest>& labs, const std::string& test) {
  std::vector<std::string> codes;
  for (const LabTest& t : labs) {
    if (!t.units.empty()) codes.push_back(t.name.zh + "\uff08" + t.id + "\uff09");
  }
  throw Error(
      "tracker.unknown_test", "test",
      "no test " + in_quotes(test) + "; tests with their units: " + describe_valid_tests(labs),
      zh(tr_both("there is no test \"{test}\"; the tests that take a value, with the code to "
                 "type: {tests}",
                 {{"test", same_text(test)}, {"tests", same_text(join(codes, "\u3001"))}})));
}

void check_lab_test(const std::vector<LabTest>& labs, const std::string& test) {
  const bool known =
      std::any_of(labs.begin(), labs.end(), [&](const LabTest& t) { return t.id == test; });
  if (!known) unknown_test(labs, test);
}

}  // namespace doseplan
