// Specification of the quantity parser (doseplan/units.hpp): what people type, and what they are
// told when it can not be read.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <string>

#include "doseplan/error.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/units.hpp"
#include "test_support.hpp"

using namespace doseplan;
using Catch::Matchers::Contains;
using doseplan::testing::problem_of;

namespace {}  // namespace

// ------------------------------------------------------------------------------- body mass

TEST_CASE("a weight in kilograms is read with or without a space before the unit") {
  CHECK(in_kg(parse_body_mass("62kg")) == Approx(62));
  CHECK(in_kg(parse_body_mass("62 kg")) == Approx(62));
  CHECK(in_kg(parse_body_mass("  62 kg \t")) == Approx(62));
  CHECK(in_kg(parse_body_mass("62.5 KG")) == Approx(62.5));
}

TEST_CASE("a weight in 公斤 or 千克 (Chinese for kilogram) is a weight in kilograms") {
  CHECK(in_kg(parse_body_mass("62公斤")) == Approx(62));
  CHECK(in_kg(parse_body_mass("62 公斤")) == Approx(62));
  CHECK(in_kg(parse_body_mass("62.5千克")) == Approx(62.5));
  CHECK(in_kg(parse_body_mass(" 62 千克 ")) == Approx(62));
  // Only as a body weight: a drug amount in 公斤 is of the wrong kind.
  CHECK(problem_of([] { parse_drug_mass("62公斤"); }).id == "quantity.wrong_kind");
  // 斤 (half a kilogram) is not read: it is refused, with the units a weight is written in.
  const Problem p = problem_of([] { parse_body_mass("124斤"); });
  CHECK(p.id == "quantity.unknown_unit");
  CHECK_THAT(p.message, Contains(R"(unknown unit "斤" in "124斤")"));
}

TEST_CASE("a weight in pounds is converted to kilograms") {
  // 136.5 x 0.45359237 = 61.915358505 (exact)
  CHECK(in_kg(parse_body_mass("136.5 lb")) == Approx(61.915358505));
  CHECK(in_kg(parse_body_mass("136.5lbs")) == Approx(61.915358505));
}

TEST_CASE("a weight in grams is converted to kilograms") {
  CHECK(in_kg(parse_body_mass("3250 g")) == Approx(3.25));
}

TEST_CASE("a number may start or end with a decimal point and may have an exponent") {
  CHECK(in_mg(parse_drug_mass(".5 mg")) == Approx(0.5));
  CHECK(in_mg(parse_drug_mass("0.5 mg")) == Approx(0.5));
  CHECK(in_mg(parse_drug_mass("5. mg")) == Approx(5));
  CHECK(in_mg(parse_drug_mass("1e3 mg")) == Approx(1000));
}

TEST_CASE("zero is accepted; range checks belong to the caller") {
  CHECK(in_kg(parse_body_mass("0 kg")) == 0);
  CHECK(in_kg(parse_body_mass("-0 kg")) == 0);
  CHECK_FALSE(std::signbit(in_kg(parse_body_mass("-0 kg"))));
}

// ------------------------------------------------------------------------------- height

TEST_CASE("a height in centimetres, metres, millimetres or inches is converted to centimetres") {
  CHECK(in_cm(parse_height("165cm")) == Approx(165));
  CHECK(in_cm(parse_height("165 cm")) == Approx(165));
  CHECK(in_cm(parse_height("1.65 m")) == Approx(165));
  CHECK(in_cm(parse_height("1.65m")) == Approx(165));
  CHECK(in_cm(parse_height("1650 mm")) == Approx(165));
  CHECK(in_cm(parse_height("65 in")) == Approx(165.1));  // 65 x 2.54
}

TEST_CASE("a height in 厘米 (Chinese for centimetre) is a height in centimetres") {
  CHECK(in_cm(parse_height("165厘米")) == Approx(165));
  CHECK(in_cm(parse_height("165 厘米")) == Approx(165));
  CHECK(problem_of([] { parse_body_mass("62厘米"); }).id == "quantity.wrong_kind");
}

// ------------------------------------------------------------------------------- drug mass

TEST_CASE("a drug mass in mg, g, mcg or micrograms is converted to milligrams") {
  CHECK(in_mg(parse_drug_mass("310 mg")) == Approx(310));
  CHECK(in_mg(parse_drug_mass("1.5 g")) == Approx(1500));
  CHECK(in_mg(parse_drug_mass("250 mcg")) == Approx(0.25));
  CHECK(in_mg(parse_drug_mass("250 ug")) == Approx(0.25));
  CHECK(in_mg(parse_drug_mass("250 \xC2\xB5g")) == Approx(0.25));  // U+00B5 MICRO SIGN
  CHECK(in_mg(parse_drug_mass("250 \xCE\xBCg")) == Approx(0.25));  // U+03BC GREEK SMALL MU
}

// ------------------------------------------------------------------------------- dose rate

TEST_CASE("a dose rate per kilogram per day is read in every per-day spelling") {
  CHECK(in_mg_per_kg_per_day(parse_dose_rate("5mg/kg/d")) == Approx(5));
  CHECK(in_mg_per_kg_per_day(parse_dose_rate("5 mg/kg/d")) == Approx(5));
  CHECK(in_mg_per_kg_per_day(parse_dose_rate("5 mg/kg/day")) == Approx(5));
  CHECK(in_mg_per_kg_per_day(parse_dose_rate("5 mg/kg/24h")) == Approx(5));
  CHECK(in_mg_per_kg_per_day(parse_dose_rate("2.5 mg / kg / day")) == Approx(2.5));
}

TEST_CASE("a dose rate may be written with a product in parentheses") {
  CHECK(in_mg_per_kg_per_day(parse_dose_rate("5 mg/(kg\xC2\xB7"
                                             "d)")) == Approx(5));  // U+00B7
  CHECK(in_mg_per_kg_per_day(parse_dose_rate("5 mg/(kg\xE2\x8B\x85"
                                             "d)")) == Approx(5));  // U+22C5
  CHECK(in_mg_per_kg_per_day(parse_dose_rate("5 mg/(kg*d)")) == Approx(5));
  CHECK(in_mg_per_kg_per_day(parse_dose_rate("5 mg/( kg \xC2\xB7 day )")) == Approx(5));
}

// ------------------------------------------------------------------------------- volume

TEST_CASE("a drug volume in mL or L is converted to millilitres") {
  CHECK(in_mL(parse_drug_volume("2.5 mL")) == Approx(2.5));
  CHECK(in_mL(parse_drug_volume("2.5 ml")) == Approx(2.5));
  CHECK(in_mL(parse_drug_volume("0.5 L")) == Approx(500));
  CHECK(in_mL(parse_drug_volume("0.5 l")) == Approx(500));
}

// ------------------------------------------------------------------------------- concentrations

TEST_CASE("a drug level in ng/mL, mcg/L, ug/L and µg/L is the same number") {
  CHECK(in_ng_per_mL(parse_mass_concentration("200 ng/mL")) == Approx(200));
  CHECK(in_ng_per_mL(parse_mass_concentration("200 mcg/L")) == Approx(200));
  CHECK(in_ng_per_mL(parse_mass_concentration("200 ug/L")) == Approx(200));
  CHECK(in_ng_per_mL(parse_mass_concentration("200 \xC2\xB5g/L")) == Approx(200));
  CHECK(in_ng_per_mL(parse_mass_concentration("200 \xCE\xBCg/L")) == Approx(200));
}

TEST_CASE("a mass concentration in mg/dL, mg/L, mcg/mL or mg/mL is converted to ng/mL") {
  CHECK(in_ng_per_mL(parse_mass_concentration("1.1 mg/dL")) == Approx(11000));
  CHECK(in_ng_per_mL(parse_mass_concentration("1.1 mg/dl")) == Approx(11000));
  CHECK(in_ng_per_mL(parse_mass_concentration("2 mg/L")) == Approx(2000));
  CHECK(in_ng_per_mL(parse_mass_concentration("2 mcg/mL")) == Approx(2000));
  CHECK(in_ng_per_mL(parse_mass_concentration("100 mg/mL")) == Approx(1e8));
}

TEST_CASE("a molar concentration in umol/L, µmol/L, mmol/L or nmol/L is converted to umol/L") {
  CHECK(in_umol_per_L(parse_molar_concentration("97umol/L")) == Approx(97));
  CHECK(in_umol_per_L(parse_molar_concentration("97 umol/L")) == Approx(97));
  CHECK(in_umol_per_L(parse_molar_concentration("97 \xC2\xB5mol/L")) == Approx(97));
  CHECK(in_umol_per_L(parse_molar_concentration("97 \xCE\xBCmol/L")) == Approx(97));
  CHECK(in_umol_per_L(parse_molar_concentration("0.097 mmol/L")) == Approx(97));
  CHECK(in_umol_per_L(parse_molar_concentration("500 nmol/L")) == Approx(0.5));
}

TEST_CASE("a creatinine in umol/L is taken as is") {
  CHECK(in_umol_per_L(parse_creatinine("97 umol/L")) == Approx(97));
  CHECK(in_umol_per_L(parse_creatinine("97 \xC2\xB5mol/L")) == Approx(97));
  CHECK(in_umol_per_L(parse_creatinine("0.097 mmol/L")) == Approx(97));
}

TEST_CASE("a creatinine in mg/dL is converted with 1 mg/dL = 88.4 umol/L") {
  CHECK(in_umol_per_L(parse_creatinine("1.1 mg/dL")) == Approx(97.24));  // 1.1 x 88.4
  CHECK(in_umol_per_L(parse_creatinine("1 mg/dl")) == Approx(88.4));
}

TEST_CASE("a creatinine in a mass unit other than mg/dL is refused") {
  const Problem p = problem_of([] { parse_creatinine("10 mg/L"); });
  CHECK(p.id == "quantity.wrong_kind");
  CHECK(p.where == "creatinine");
  CHECK_THAT(p.message, Contains(R"("10 mg/L" is a mass concentration)"));
  CHECK_THAT(p.message, Contains("expected a creatinine concentration"));
  CHECK_THAT(p.message, Contains("mg/dL only"));
}

// ------------------------------------------------------------------------------- errors

TEST_CASE("empty text is reported as empty, naming the field") {
  for (const char* text : {"", "   "}) {
    const Problem p = problem_of([&] { parse_body_mass(text); });
    CHECK(p.id == "quantity.empty");
    CHECK(p.where == "weight");
    CHECK_THAT(p.message, Contains('"' + std::string(text) + '"'));
    CHECK_THAT(p.message, Contains(R"(expected a body mass such as "62 kg" or "136.5 lb")"));
  }
}

TEST_CASE("text that does not start with a number is reported as having no number") {
  for (const char* text : {"kg", "sixty kg", "+62 kg", "- 62 kg"}) {
    INFO(text);
    const Problem p = problem_of([&] { parse_body_mass(text, "patient weight"); });
    CHECK(p.id == "quantity.no_number");
    CHECK(p.where == "patient weight");
    CHECK_THAT(p.message, Contains('"' + std::string(text) + "\" does not start with a number"));
    CHECK_THAT(p.message, Contains("expected a body mass"));
  }
}

TEST_CASE("a negative number is refused") {
  const Problem p = problem_of([] { parse_drug_mass("-310 mg"); });
  CHECK(p.id == "quantity.negative");
  CHECK(p.where == "amount");
  CHECK_THAT(p.message, Contains(R"("-310 mg" is negative)"));
  CHECK_THAT(p.message, Contains(R"(expected a drug mass such as "310 mg" or "1.5 g")"));
}

TEST_CASE("NaN, infinity and numbers too large to hold are refused as not finite") {
  for (const char* text : {"nan kg", "NaN", "inf kg", "-inf kg", "infinity kg", "1e999 kg"}) {
    INFO(text);
    const Problem p = problem_of([&] { parse_body_mass(text); });
    CHECK(p.id == "quantity.not_finite");
    CHECK(p.where == "weight");
    CHECK_THAT(p.message, Contains('"' + std::string(text) + "\" is not a finite number"));
    CHECK_THAT(p.message, Contains("expected a body mass"));
  }
}

TEST_CASE("a number that overflows when converted is refused as not finite") {
  const Problem p = problem_of([] { parse_drug_mass("1e308 g"); });
  CHECK(p.id == "quantity.not_finite");
  CHECK_THAT(p.message, Contains(R"("1e308 g" is too large)"));
}

TEST_CASE("a bare number without a unit is refused") {
  const Problem p = problem_of([] { parse_body_mass(" 62 "); });
  CHECK(p.id == "quantity.missing_unit");
  CHECK(p.where == "weight");
  CHECK_THAT(p.message, Contains(R"(" 62 " has no unit)"));
  CHECK_THAT(p.message, Contains(R"(expected a body mass such as "62 kg" or "136.5 lb")"));
}

TEST_CASE("an unknown unit is quoted as typed") {
  const Problem p = problem_of([] { parse_body_mass("62 kgg"); });
  CHECK(p.id == "quantity.unknown_unit");
  CHECK(p.where == "weight");
  CHECK(p.message ==
        R"(unknown unit "kgg" in "62 kgg"; expected a body mass such as "62 kg" or "136.5 lb")");
}

TEST_CASE("a decimal comma is not a decimal point, and the message says so") {
  SECTION("a decimal comma: the number with a decimal point is suggested") {
    const Problem p = problem_of([] { parse_body_mass("62,5 kg"); });
    CHECK(p.id == "quantity.unknown_unit");
    CHECK(p.message ==
          R"("62,5 kg" has a decimal comma; write the number with a decimal point, "62.5 kg"; )"
          R"(expected a body mass such as "62 kg" or "136.5 lb")");
    if (catalogue_available()) {
      CHECK(p.message_zh == "体重“62,5 kg”的小数点请用“.”，例如“62.5 kg”；数字中不能用逗号。");
    }
  }
  SECTION("three digits after the comma may be thousands: no decimal point is suggested") {
    const Problem p = problem_of([] { parse_drug_mass("1,500 mg"); });
    CHECK(p.id == "quantity.unknown_unit");
    CHECK_THAT(p.message, Contains(R"("1,500 mg" has a comma in the number; write it without a )"
                                   R"(thousands separator, "1500 mg", or with a decimal point)"));
  }
}

TEST_CASE("a known unit of another kind is reported as the wrong kind") {
  SECTION("a drug mass for a weight") {
    const Problem p = problem_of([] { parse_body_mass("62 mg"); });
    CHECK(p.id == "quantity.wrong_kind");
    CHECK(p.where == "weight");
    CHECK(p.message ==
          R"("62 mg" is a drug mass; expected a body mass such as "62 kg" or "136.5 lb")");
  }
  SECTION("a body weight for a drug amount") {
    const Problem p = problem_of([] { parse_drug_mass("62 kg", "dose"); });
    CHECK(p.id == "quantity.wrong_kind");
    CHECK(p.where == "dose");
    CHECK_THAT(p.message, Contains(R"("62 kg" is a body mass)"));
    CHECK_THAT(p.message, Contains("expected a drug mass"));
  }
  SECTION("a weight for a height") {
    const Problem p = problem_of([] { parse_height("62 kg"); });
    CHECK(p.id == "quantity.wrong_kind");
    CHECK(p.where == "height");
    CHECK_THAT(p.message, Contains(R"(expected a height such as "165 cm" or "1.65 m")"));
  }
  SECTION("a dose per kilogram without per day for a dose rate") {
    const Problem p = problem_of([] { parse_dose_rate("5 mg/kg"); });
    CHECK(p.id == "quantity.wrong_kind");
    CHECK(p.where == "dose");
    CHECK_THAT(p.message, Contains(R"("5 mg/kg" is a dose per kilogram (not per day))"));
    CHECK_THAT(p.message, Contains(R"(expected a dose rate such as "5 mg/kg/day")"));
  }
  SECTION("a daily amount for a dose rate") {
    const Problem p = problem_of([] { parse_dose_rate("310 mg/day"); });
    CHECK(p.id == "quantity.wrong_kind");
    CHECK_THAT(p.message, Contains(R"("310 mg/day" is a daily amount)"));
  }
  SECTION("a mass concentration for a molar concentration") {
    const Problem p = problem_of([] { parse_molar_concentration("200 ng/mL", "level"); });
    CHECK(p.id == "quantity.wrong_kind");
    CHECK(p.where == "level");
    CHECK_THAT(p.message, Contains(R"("200 ng/mL" is a mass concentration)"));
    CHECK_THAT(p.message, Contains("expected a molar concentration"));
  }
  SECTION("a molar concentration for a mass concentration") {
    const Problem p = problem_of([] { parse_mass_concentration("97 umol/L"); });
    CHECK(p.id == "quantity.wrong_kind");
    CHECK(p.where == "concentration");
    CHECK_THAT(p.message, Contains(R"("97 umol/L" is a molar concentration)"));
    CHECK_THAT(p.message, Contains("expected a mass concentration"));
  }
  SECTION("a mass for a volume") {
    const Problem p = problem_of([] { parse_drug_volume("5 g"); });
    CHECK(p.id == "quantity.wrong_kind");
    CHECK(p.where == "volume");
    CHECK_THAT(p.message, Contains(R"("5 g" is a drug mass)"));
    CHECK_THAT(p.message, Contains(R"(expected a drug volume such as "2.5 mL")"));
  }
}

TEST_CASE("text after a complete unit is reported as trailing text, quoted as typed") {
  SECTION("after a simple unit") {
    const Problem p = problem_of([] { parse_body_mass("62 kg x"); });
    CHECK(p.id == "quantity.trailing_text");
    CHECK(p.where == "weight");
    CHECK(p.message == R"(unexpected text "x" after the unit in "62 kg x"; )"
                       R"(expected a body mass such as "62 kg" or "136.5 lb")");
  }
  SECTION("after a compound unit") {
    const Problem p = problem_of([] { parse_dose_rate("5 mg/kg/day Twice"); });
    CHECK(p.id == "quantity.trailing_text");
    CHECK_THAT(p.message, Contains(R"(unexpected text "Twice" after the unit)"));
    CHECK_THAT(p.message, Contains("expected a dose rate"));
  }
  SECTION("after a unit spelt with a micro sign") {
    const Problem p = problem_of([] { parse_creatinine("97 \xC2\xB5mol/L  (fasting)"); });
    CHECK(p.id == "quantity.trailing_text");
    CHECK(p.where == "creatinine");
    CHECK_THAT(p.message, Contains(R"x(unexpected text "(fasting)")x"));
  }
}

TEST_CASE("the error text names the field, the message and the id") {
  try {
    parse_body_mass("62 kgg");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) ==
          R"(weight: unknown unit "kgg" in "62 kgg"; expected a body mass such as "62 kg" or )"
          R"("136.5 lb" [quantity.unknown_unit])");
  }
}
