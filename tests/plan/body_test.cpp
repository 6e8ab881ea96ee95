// Specification of the body-size and kidney-function formulas (doseplan/body.hpp). Expected
// values are worked from the published formulas (docs/formulas.md); intermediate steps are in the
// comments.
#include <catch2/catch.hpp>

#include "doseplan/body.hpp"

using namespace doseplan;

TEST_CASE("BSA by Mosteller: sqrt(height cm x weight kg / 3600)") {
  struct Case {
    double cm, kg, m2;
  };
  const Case cases[] = {
      {165, 62, 1.685724},   // sqrt(10230 / 3600) = sqrt(2.841667)
      {170, 68, 1.791957},   // sqrt(11560 / 3600) = sqrt(3.211111)
      {185, 90, 2.150581},   // sqrt(16650 / 3600) = sqrt(4.625)
      {150, 45, 1.369306},   // sqrt(6750 / 3600) = sqrt(1.875)
      {120, 22, 0.856349},   // sqrt(2640 / 3600) = sqrt(0.733333)
      {200, 130, 2.687419},  // sqrt(26000 / 3600) = sqrt(7.222222)
  };
  for (const Case& c : cases) {
    CAPTURE(c.cm, c.kg);
    CHECK(in_m2(bsa_mosteller(centimetres(c.cm), kilograms(c.kg))) == Approx(c.m2).epsilon(1e-6));
    CHECK(in_m2(bsa("mosteller", centimetres(c.cm), kilograms(c.kg))) ==
          Approx(c.m2).epsilon(1e-6));
  }
}

TEST_CASE("BSA by DuBois: 0.007184 x height^0.725 x weight^0.425") {
  struct Case {
    double cm, kg, m2;
  };
  // e.g. 165 cm, 62 kg: 165^0.725 = 40.5206, 62^0.425 = 5.7779; 0.007184 x 40.5206 x 5.7779.
  const Case cases[] = {{165, 62, 1.681933}, {170, 68, 1.78755},  {185, 90, 2.141011},
                        {150, 45, 1.36977},  {120, 22, 0.859612}, {200, 130, 2.648738}};
  for (const Case& c : cases) {
    CAPTURE(c.cm, c.kg);
    CHECK(in_m2(bsa_dubois(centimetres(c.cm), kilograms(c.kg))) == Approx(c.m2).epsilon(1e-5));
    CHECK(in_m2(bsa("dubois", centimetres(c.cm), kilograms(c.kg))) == Approx(c.m2).epsilon(1e-5));
  }
}

TEST_CASE("ideal body weight (Devine): 50 or 45.5 kg + 2.3 kg per inch over 60 in") {
  struct Case {
    double cm;
    Sex sex;
    double kg;
  };
  const Case cases[] = {
      {165, Sex::female, 56.909449},  // 165 / 2.54 = 64.96063 in; 45.5 + 2.3 x 4.96063
      {165, Sex::male, 61.409449},    // 50 + 2.3 x 4.96063
      {180, Sex::male, 74.992126},    // 70.86614 in; 50 + 2.3 x 10.86614
      {152.4, Sex::female, 45.5},     // exactly 60 in
      {157.48, Sex::female, 50.1},    // 62 in: 45.5 + 4.6
      {190.5, Sex::male, 84.5},       // 75 in: 50 + 34.5
  };
  for (const Case& c : cases) {
    CAPTURE(c.cm);
    CHECK(in_kg(ideal_body_weight(centimetres(c.cm), c.sex)) == Approx(c.kg).epsilon(1e-6));
  }
}

TEST_CASE("adjusted body weight: IBW + 0.4 x (actual - IBW)") {
  // 57.04 + 0.4 x (90 - 57.04) = 57.04 + 13.184 = 70.224
  CHECK(in_kg(adjusted_body_weight(kilograms(90), kilograms(57.04))) == Approx(70.224));
  // Below the ideal weight it lies between the two as well: 60 + 0.4 x (50 - 60) = 56.
  CHECK(in_kg(adjusted_body_weight(kilograms(50), kilograms(60))) == Approx(56));
}

namespace {

struct KidneyCase {
  const char* creatinine;  // as typed, either unit
  double age;
  Sex sex;
  double kg;
  double egfr;  // CKD-EPI 2021, mL/min/1.73 m2
  double crcl;  // Cockcroft-Gault, mL/min
};

}  // namespace

TEST_CASE(
    "eGFR by CKD-EPI 2021 and creatinine clearance by Cockcroft-Gault, both creatinine units") {
  // Worked examples:
  //  1.1 mg/dL, 45 y, female, 62 kg: Scr/0.7 = 1.571 > 1 -> 142 x 1.571^-1.2 x 0.9938^45 x 1.012
  //    = 142 x 0.5813 x 0.7559 x 1.012 = 63.15; CG (95 x 62) / (72 x 1.1) x 0.85 = 63.21.
  //  97 umol/L = 97 / 88.4 = 1.097285 mg/dL: the same patient, slightly lower creatinine.
  //  0.8 mg/dL, 30 y, male: 0.8/0.9 = 0.889 < 1 -> 142 x 0.889^-0.302 x 0.9938^30 = 142 x 1.0362 x
  //    0.8298 = 122.10; CG (110 x 80) / (72 x 0.8) = 152.78.
  const KidneyCase cases[] = {
      {"1.1 mg/dL", 45, Sex::female, 62, 63.1495, 63.2134},
      {"97 umol/L", 45, Sex::female, 62, 63.337, 63.3698},
      {"0.8 mg/dL", 30, Sex::male, 80, 122.0973, 152.7778},
      {"150 umol/L", 70, Sex::male, 75, 42.9281, 42.9722},
      {"0.6 mg/dL", 60, Sex::female, 55, 102.6934, 86.5741},
      {"62 umol/L", 25, Sex::female, 58, 122.7253, 112.2724},
      {"2 mg/dL", 80, Sex::male, 70, 33.1179, 29.1667},
  };
  for (const KidneyCase& c : cases) {
    CAPTURE(c.creatinine, c.age);
    const MolarConcentration scr = parse_creatinine(c.creatinine);
    CHECK(in_mL_per_min(egfr_ckd_epi_2021(scr, c.age, c.sex)) == Approx(c.egfr).epsilon(1e-5));
    CHECK(in_mL_per_min(crcl_cockcroft_gault(scr, c.age, kilograms(c.kg), c.sex)) ==
          Approx(c.crcl).epsilon(1e-5));
  }
}
