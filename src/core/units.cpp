// doseplan — parsing typed quantities from what people type (contract in doseplan/units.hpp).
//
// One table lists every unit spelling the parser knows, with its kind and its factor to the
// internal unit of that kind. A spelling may appear under several kinds ("g" is a drug mass and a
// body mass); the row of the expected kind wins, and the first row names the kind in errors.
// Units of kinds that no parse_* function accepts ("mg/day", "mg/kg") are listed too, so that a
// dose typed as "5 mg/kg" is reported as the wrong kind rather than as an unknown unit.
//
// Choices the header leaves open:
//   - the number is read by std::from_chars: ".5" and "5." are accepted, so is an exponent
//     ("1e3 mg"); a leading "+" is not;
//   - unit spellings are matched ignoring ASCII case (no two known units differ only in case);
//   - micro may be typed as "u", U+00B5 MICRO SIGN or U+03BC GREEK SMALL LETTER MU; the product
//     sign as "*", U+00B7 MIDDLE DOT or U+22C5 DOT OPERATOR; spaces around "/", "*", "(" and ")"
//     are ignored, and U+00A0 NO-BREAK SPACE counts as a space;
//   - "-0" is read as zero.
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "core/text.hpp"
#include "doseplan/error.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/units.hpp"

namespace doseplan {
namespace {

enum class Kind {
  body_mass,            // internal unit kg (body weight)
  length,               // cm
  drug_mass,            // mg
  dose_rate,            // mg/(kg*d)
  daily_amount,         // mg/d
  dose_per_area,        // mg/m2 (per administration)
  cell_count,           // millions of cells
  dose_per_body_mass,   // mg/kg      (known for messages only)
  drug_volume,          // mL
  mass_concentration,   // mg/mL
  molar_concentration,  // umol/mL
  creatinine_mass,      // umol/mL from a creatinine mass concentration (MW 113.12)
};

// What a quantity of each kind is called in "… is a drug mass".
std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::body_mass:
      return "a body mass";
    case Kind::length:
      return "a length";
    case Kind::drug_mass:
      return "a drug mass";
    case Kind::dose_rate:
      return "a dose rate";
    case Kind::daily_amount:
      return "a daily amount (not per kilogram of body weight)";
    case Kind::dose_per_area:
      return "a dose per m2 of body-surface area";
    case Kind::cell_count:
      return "a number of cells";
    case Kind::dose_per_body_mass:
      return "a dose per kilogram (not per day)";
    case Kind::drug_volume:
      return "a volume";
    case Kind::mass_concentration:
      return "a mass concentration";
    case Kind::molar_concentration:
      return "a molar concentration";
    case Kind::creatinine_mass:
      return "a creatinine mass concentration";
  }
  return "a quantity";
}

struct Unit {
  std::string_view spelling;  // lower case, micro as "u", product as "*", no spaces
  Kind kind;
  double factor;  // value in the internal unit of `kind` per 1 of this unit
};

constexpr double kPound = 0.45359237;  // kg, exact by definition
// Creatinine: 1 mg/dL = 88.4 umol/L = 0.0884 umol/mL (standard conversion, MW 113.12).
constexpr double kCreatinineMgPerDl = 0.0884;

// clang-format off
constexpr Unit kUnits[] = {
    {"mg", Kind::drug_mass, 1},       {"g", Kind::drug_mass, 1000},
    {"mcg", Kind::drug_mass, 1e-3},   {"ug", Kind::drug_mass, 1e-3},
    {"kg", Kind::body_mass, 1},       {"g", Kind::body_mass, 1e-3},
    {"\xE5\x85\xAC\xE6\x96\xA4", Kind::body_mass, 1},   // 公斤 (kilogram)
    {"\xE5\x8D\x83\xE5\x85\x8B", Kind::body_mass, 1},   // 千克 (kilogram)
    {"lb", Kind::body_mass, kPound},  {"lbs", Kind::body_mass, kPound},
    {"cm", Kind::length, 1},          {"m", Kind::length, 100},
    {"mm", Kind::length, 0.1},        {"in", Kind::length, 2.54},
    {"\xE5\x8E\x98\xE7\xB1\xB3", Kind::length, 1},      // 厘米 (centimetre)
    {"mg/kg/d", Kind::dose_rate, 1},  {"mg/kg/day", Kind::dose_rate, 1},
    {"mg/kg/24h", Kind::dose_rate, 1},
    {"mg/(kg*d)", Kind::dose_rate, 1}, {"mg/(kg*day)", Kind::dose_rate, 1},
    {"mg/(kg*24h)", Kind::dose_rate, 1},
    {"mg/d", Kind::daily_amount, 1},  {"mg/day", Kind::daily_amount, 1},
    {"mg/24h", Kind::daily_amount, 1},
    {"mg/kg", Kind::dose_per_body_mass, 1},
    {"mg/m2", Kind::dose_per_area, 1},  {"mg/m^2", Kind::dose_per_area, 1},
    {"mg/m\xC2\xB2", Kind::dose_per_area, 1},
    {"million cells", Kind::cell_count, 1}, {"10*6 cells", Kind::cell_count, 1},
    {"cells", Kind::cell_count, 1e-6},
    {"ml", Kind::drug_volume, 1},     {"l", Kind::drug_volume, 1000},
    {"mg/ml", Kind::mass_concentration, 1},    {"mg/dl", Kind::mass_concentration, 1e-2},
    {"mg/l", Kind::mass_concentration, 1e-3},  {"mcg/ml", Kind::mass_concentration, 1e-3},
    {"ug/ml", Kind::mass_concentration, 1e-3}, {"ng/ml", Kind::mass_concentration, 1e-6},
    {"mcg/l", Kind::mass_concentration, 1e-6}, {"ug/l", Kind::mass_concentration, 1e-6},
    {"mmol/l", Kind::molar_concentration, 1},  {"umol/l", Kind::molar_concentration, 1e-3},
    {"nmol/l", Kind::molar_concentration, 1e-6},
    {"mg/dl", Kind::creatinine_mass, kCreatinineMgPerDl},
};
// clang-format on

// What a parse_* function accepts: one kind (or two), and how to say so in an error. The Chinese
// detail (error.hpp zh_detail) names the value (`zh_name`, a msgid: 体重), gives an example as
// typed and the units the parser accepts (`zh_units`, a msgid).
struct Expected {
  Kind kind;
  Kind also;
  std::string_view what;      // "a body mass such as …"
  std::string_view zh_name;   // msgid of the value's name: "the body weight" (体重)
  std::string_view example;   // what to type, the same in both languages: "62kg"
  std::string_view zh_units;  // msgid of the units accepted
};

// clang-format off
constexpr Expected kBodyMass{Kind::body_mass, Kind::body_mass,
                             R"(a body mass such as "62 kg" or "136.5 lb")",
                             "the body weight", "62kg", "units of body weight: kg, lb or g"};
constexpr Expected kHeight{Kind::length, Kind::length, R"(a height such as "165 cm" or "1.65 m")",
                           "the height", "165cm", "units of height: cm, m, mm or in"};
constexpr Expected kDrugMass{Kind::drug_mass, Kind::drug_mass,
                             R"(a drug mass such as "310 mg" or "1.5 g")",
                             "the amount of drug", "310mg", "units of drug amount: mg, g or mcg"};
constexpr Expected kDoseRate{Kind::dose_rate, Kind::dose_rate,
                             R"(a dose rate such as "5 mg/kg/day" or "2.5 mg/kg/d")",
                             "the dose per kilogram per day", "5mg/kg/d",
                             "units of a dose per kilogram per day: mg/kg/d"};
constexpr Expected kDailyAmount{Kind::daily_amount, Kind::daily_amount,
                                R"(a daily amount such as "125 mg/day" or "25 mg/d")",
                                "the daily dose", "125mg/d", "units of a daily dose: mg/d"};
constexpr Expected kDosePerArea{Kind::dose_per_area, Kind::dose_per_area,
                                R"(a dose per m2 such as "750 mg/m2")",
                                "the dose per square metre of body-surface area", "750mg/m2",
                                "units of a dose per body-surface area: mg/m2"};
constexpr Expected kCellCount{Kind::cell_count, Kind::cell_count,
                              R"(a number of cells such as "50 million cells")",
                              "the number of cells", "50 million cells",
                              "units of a number of cells: million cells"};
constexpr Expected kDrugVolume{Kind::drug_volume, Kind::drug_volume,
                               R"(a drug volume such as "2.5 mL" or "0.5 L")",
                               "the volume", "2.5mL", "units of volume: mL or L"};
constexpr Expected kMassConcentration{Kind::mass_concentration, Kind::mass_concentration,
                                      R"(a mass concentration such as "200 ng/mL" or "1.1 mg/dL")",
                                      "the concentration", "200ng/mL",
                                      "units of a mass concentration: ng/mL, mcg/L, mcg/mL, mg/dL, "
                                      "mg/L or mg/mL"};
constexpr Expected kMolarConcentration{
    Kind::molar_concentration, Kind::molar_concentration,
    R"(a molar concentration such as "97 umol/L" or "0.097 mmol/L")", "the concentration",
    "97µmol/L", "units of a molar concentration: µmol/L, mmol/L or nmol/L"};
constexpr Expected kCreatinine{
    Kind::molar_concentration, Kind::creatinine_mass,
    R"(a creatinine concentration such as "97 umol/L" or "1.1 mg/dL" (mass units: mg/dL only))",
    "the serum creatinine", "95µmol/L", "units of serum creatinine: µmol/L, mmol/L or mg/dL"};
// clang-format on

using detail::in_quotes;
using detail::is_space;
using detail::trim;

// A unit as typed, brought to the spelling of the table; at[i] is the offset in the typed text
// of normalized character i (to quote trailing text as typed).
struct Normalized {
  std::string text;
  std::vector<std::size_t> at;
};

Normalized normalize(std::string_view typed) {
  static constexpr std::pair<std::string_view, char> kReplace[] = {
      {"\xC2\xB5", 'u'},      // U+00B5 MICRO SIGN
      {"\xCE\xBC", 'u'},      // U+03BC GREEK SMALL LETTER MU
      {"\xC2\xB7", '*'},      // U+00B7 MIDDLE DOT
      {"\xE2\x8B\x85", '*'},  // U+22C5 DOT OPERATOR
      {"\xC2\xA0", ' '},      // U+00A0 NO-BREAK SPACE
  };
  // Spaces are dropped after "/", "*", "(" and before "/", "*", ")".
  auto opens = [](char c) { return c == '/' || c == '*' || c == '('; };
  auto closes = [](char c) { return c == '/' || c == '*' || c == ')'; };
  Normalized out;
  std::size_t space_at = std::string_view::npos;  // start of a pending run of spaces
  for (std::size_t i = 0; i < typed.size();) {
    char c = typed[i];
    std::size_t width = 1;
    for (const auto& [from, to] : kReplace) {
      if (typed.substr(i).starts_with(from)) {
        c = to;
        width = from.size();
        break;
      }
    }
    if (is_space(c)) {
      if (space_at == std::string_view::npos) space_at = i;
    } else {
      // Keep one space between two words; drop spaces at either end and around operators.
      if (space_at != std::string_view::npos && !out.text.empty() && !closes(c) &&
          !opens(out.text.back())) {
        out.text += ' ';
        out.at.push_back(space_at);
      }
      space_at = std::string_view::npos;
      out.text += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      out.at.push_back(i);
    }
    i += width;
  }
  return out;
}

// What a quantity of each kind is called in Chinese, in "… is {kind}" (a msgid).
std::string_view zh_kind_name(Kind kind) {
  switch (kind) {
    case Kind::body_mass:
      return "a body weight";
    case Kind::length:
      return "a length";
    case Kind::drug_mass:
      return "an amount of drug";
    case Kind::dose_rate:
      return "a dose per kilogram per day";
    case Kind::daily_amount:
      return "a daily dose";
    case Kind::dose_per_area:
      return "a dose per square metre of body-surface area";
    case Kind::cell_count:
      return "a number of cells";
    case Kind::dose_per_body_mass:
      return "a dose per kilogram";
    case Kind::drug_volume:
      return "a volume";
    case Kind::mass_concentration:
    case Kind::creatinine_mass:
      return "a mass concentration";
    case Kind::molar_concentration:
      return "a molar concentration";
  }
  return "a quantity";
}

constexpr Lang zh = Lang::zh_CN;

// The values a parser's Chinese detail may use: {name} (体重), {text} as typed, {example} and
// {units}, then `more`.
ZhValues zh_values(const Expected& e, std::string_view text, std::string& name, std::string& units,
                   ZhValues more = {}) {
  name = tr(zh, e.zh_name);
  units = tr(zh, e.zh_units);
  more.insert(more.end(),
              {{"name", name}, {"text", trim(text)}, {"example", e.example}, {"units", units}});
  return more;
}

[[noreturn]] void fail(std::string id, std::string_view field, const std::string& message,
                       const Expected& expected, std::string zh_text) {
  throw Error(std::move(id), std::string(field),
              message + "; expected " + std::string(expected.what), std::move(zh_text));
}

// A number written with a comma ("62,5 kg", "1,2 mg/dL"): `unit` starts with "," and a digit.
bool decimal_comma(std::string_view unit) {
  return unit.size() > 1 && unit[0] == ',' && unit[1] >= '0' && unit[1] <= '9';
}

// The number `body` (the trimmed `text`) starts with: finite, not negative ("-0" is 0). `*end`
// is set to where it ends.
double read_number(std::string_view text, std::string_view body, std::string_view field,
                   const Expected& expected, const char** end) {
  std::string name, units;  // filled by zh_values() on the way to an error
  if (body.empty()) {
    fail("quantity.empty", field, "empty value " + in_quotes(text), expected,
         zh_detail("The {name} is empty: write it with its unit, e.g. {example}.",
                   zh_values(expected, text, name, units)));
  }

  double number = 0;
  const auto [number_end, ec] = std::from_chars(body.data(), body.data() + body.size(), number);
  if (ec == std::errc::invalid_argument) {
    fail("quantity.no_number", field, in_quotes(text) + " does not start with a number", expected,
         zh_detail("The {name} {text} does not start with a number: write it as {example}.",
                   zh_values(expected, text, name, units)));
  }
  if (ec == std::errc::result_out_of_range || !std::isfinite(number)) {
    fail("quantity.not_finite", field, in_quotes(text) + " is not a finite number", expected,
         zh_detail("The {name} {text} is not a number doseplan can use: write it as {example}.",
                   zh_values(expected, text, name, units)));
  }
  if (number < 0) {
    fail("quantity.negative", field, in_quotes(text) + " is negative", expected,
         zh_detail("The {name} {text} is negative: write it as {example}.",
                   zh_values(expected, text, name, units)));
  }
  if (number == 0) number = 0;  // "-0"
  *end = number_end;
  return number;
}

// `typed_unit` (the text after the number; `unit` normalized) is not a unit of the expected
// kind: the error says why (another kind, a per-kg dose not per day, a comma in the number,
// text after the unit, or an unknown unit).
[[noreturn]] void fail_unit(std::string_view text, std::string_view body,
                            std::string_view typed_unit, const Normalized& unit,
                            std::string_view field, const Expected& expected) {
  std::string name, units;  // filled by zh_values() on the way to an error
  const Unit* known = nullptr;
  for (const Unit& u : kUnits) {
    if (u.spelling == unit.text) {
      known = &u;
      break;
    }
  }
  if (known != nullptr && known->kind == Kind::dose_per_body_mass) {
    // "5 mg/kg": per dose or per day? Only the prescriber knows; the fix is a daily total.
    fail("quantity.wrong_kind", field,
         in_quotes(text) + " is " + std::string(kind_name(known->kind)), expected,
         zh_detail("The dose {text} is per kilogram but not per day: write the whole day's "
                   "amount per kilogram (not one dose's), e.g. 5mg/kg/d.",
                   zh_values(expected, text, name, units)));
  }
  if (known != nullptr) {
    const std::string kind = tr(zh, zh_kind_name(known->kind));
    fail("quantity.wrong_kind", field,
         in_quotes(text) + " is " + std::string(kind_name(known->kind)), expected,
         zh_detail("The {name} {text} is {kind}: write it as {example}; {units}.",
                   zh_values(expected, text, name, units, {{"kind", kind}})));
  }
  // A comma in the number: the number ends at the comma, and ",5 kg" is not a unit. Three digits
  // after it ("1,500 mg") may be a thousands separator: then no decimal point is suggested.
  if (decimal_comma(typed_unit)) {
    const std::size_t digits = typed_unit.find_first_not_of("0123456789", 1);
    const std::string typed(body);
    if ((digits == std::string_view::npos ? typed_unit.size() : digits) == 4) {
      std::string without = typed;
      without.erase(without.find(','), 1);
      fail(
          "quantity.unknown_unit", field,
          in_quotes(text) + " has a comma in the number; write it without a thousands separator, " +
              in_quotes(std::string_view(without)) + ", or with a decimal point if it is a decimal",
          expected,
          zh_detail("Do not write a comma in the {name} {text}: without a thousands separator "
                    "it is {without}; a decimal is written with \".\".",
                    zh_values(expected, text, name, units, {{"without", without}})));
    }
    std::string point = typed;
    point[point.find(',')] = '.';
    fail("quantity.unknown_unit", field,
         in_quotes(text) + " has a decimal comma; write the number with a decimal point, " +
             in_quotes(std::string_view(point)),
         expected,
         zh_detail("Write the decimal point of the {name} {text} as \".\", e.g. {point}; doseplan "
                   "reads no comma in a number.",
                   zh_values(expected, text, name, units, {{"point", point}})));
  }
  // A complete unit followed by a space and more text: "62 kg x".
  for (const Unit& u : kUnits) {
    const std::string_view n = unit.text;
    if (n.size() > u.spelling.size() + 1 && n.starts_with(u.spelling) &&
        n[u.spelling.size()] == ' ') {
      const std::string_view junk = typed_unit.substr(unit.at[u.spelling.size() + 1]);
      fail("quantity.trailing_text", field,
           "unexpected text " + in_quotes(junk) + " after the unit in " + in_quotes(text), expected,
           zh_detail("The {name} {text} has other text after the unit ({junk}): write only the "
                     "number and its unit, e.g. {example}.",
                     zh_values(expected, text, name, units, {{"junk", junk}})));
    }
  }
  fail("quantity.unknown_unit", field,
       "unknown unit " + in_quotes(typed_unit) + " in " + in_quotes(text), expected,
       zh_detail("doseplan does not know the unit {unit} of the {name} {text}: write it as "
                 "{example}; {units}.",
                 zh_values(expected, text, name, units, {{"unit", typed_unit}})));
}

// The value of `text` in the internal unit of the expected kind.
double parse(std::string_view text, std::string_view field, const Expected& expected) {
  std::string name, units;  // filled by zh_values() on the way to an error
  const std::string_view body = trim(text);
  const char* end = nullptr;
  const double number = read_number(text, body, field, expected, &end);
  const std::string_view typed_unit =
      trim(body.substr(static_cast<std::size_t>(end - body.data())));
  const Normalized unit = normalize(typed_unit);
  if (unit.text.empty()) {
    fail("quantity.missing_unit", field, in_quotes(text) + " has no unit", expected,
         zh_detail("The {name} {text} has no unit: write it as {example}; {units}.",
                   zh_values(expected, text, name, units)));
  }

  for (const Unit& u : kUnits) {
    if (u.spelling != unit.text) continue;
    if (u.kind == expected.kind || u.kind == expected.also) {
      const double value = number * u.factor;
      if (!std::isfinite(value)) {
        fail("quantity.not_finite", field, in_quotes(text) + " is too large", expected,
             zh_detail("The {name} {text} is not a number doseplan can use: write it as "
                       "{example}.",
                       zh_values(expected, text, name, units)));
      }
      return value;
    }
  }
  fail_unit(text, body, typed_unit, unit, field, expected);
}

}  // namespace

BodyMass parse_body_mass(std::string_view text, std::string_view field) {
  return kilograms(parse(text, field, kBodyMass));
}

Length parse_height(std::string_view text, std::string_view field) {
  return centimetres(parse(text, field, kHeight));
}

DrugMass parse_drug_mass(std::string_view text, std::string_view field) {
  return milligrams(parse(text, field, kDrugMass));
}

DoseRate parse_dose_rate(std::string_view text, std::string_view field) {
  return mg_per_kg_per_day(parse(text, field, kDoseRate));
}

DailyAmount parse_daily_amount(std::string_view text, std::string_view field) {
  return mg_per_day(parse(text, field, kDailyAmount));
}

DosePerArea parse_dose_per_area(std::string_view text, std::string_view field) {
  return mg_per_m2(parse(text, field, kDosePerArea));
}

CellCount parse_cell_count(std::string_view text, std::string_view field) {
  return CellCount{parse(text, field, kCellCount)};
}

DrugVolume parse_drug_volume(std::string_view text, std::string_view field) {
  return millilitres(parse(text, field, kDrugVolume));
}

MassConcentration parse_mass_concentration(std::string_view text, std::string_view field) {
  return parse(text, field, kMassConcentration) * units::mg / units::mL;
}

MolarConcentration parse_molar_concentration(std::string_view text, std::string_view field) {
  return parse(text, field, kMolarConcentration) * units::umol / units::mL;
}

MolarConcentration parse_creatinine(std::string_view text, std::string_view field) {
  return parse(text, field, kCreatinine) * units::umol / units::mL;
}

}  // namespace doseplan
