#include "doseplan/body.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "doseplan/error.hpp"

namespace doseplan {

Sex parse_sex(std::string_view text, std::string_view field) {
  if (text == "female" || text == "f" || text == "F") return Sex::female;
  if (text == "male" || text == "m" || text == "M") return Sex::male;
  throw Error("input.bad_sex", std::string(field),
              "\"" + std::string(text) + "\" is not female or male",
              zh_detail("The sex {text} is not one doseplan reads: write female or male (f or m "
                        "also work).",
                        {{"text", text}}));
}

const char* to_string(Sex sex) {
  return sex == Sex::female ? "female" : "male";
}

Area bsa_mosteller(Length height, BodyMass weight) {
  return square_metres(std::sqrt(in_cm(height) * in_kg(weight) / 3600.0));
}

Area bsa_dubois(Length height, BodyMass weight) {
  return square_metres(0.007184 * std::pow(in_cm(height), 0.725) * std::pow(in_kg(weight), 0.425));
}

Area bsa(std::string_view formula, Length height, BodyMass weight) {
  return formula == "dubois" ? bsa_dubois(height, weight) : bsa_mosteller(height, weight);
}

BodyMass ideal_body_weight(Length height, Sex sex) {
  const double inches = in_cm(height) / 2.54;
  return kilograms((sex == Sex::male ? 50.0 : 45.5) + 2.3 * (inches - 60.0));
}

BodyMass adjusted_body_weight(BodyMass actual, BodyMass ideal) {
  return ideal + 0.4 * (actual - ideal);
}

Clearance egfr_ckd_epi_2021(MolarConcentration creatinine, double age_years, Sex sex) {
  const double scr = creatinine_in_mg_per_dL(creatinine);
  const bool female = sex == Sex::female;
  const double kappa = female ? 0.7 : 0.9;
  const double alpha = female ? -0.241 : -0.302;
  const double ratio = scr / kappa;
  const double egfr = 142.0 * std::pow(std::min(ratio, 1.0), alpha) *
                      std::pow(std::max(ratio, 1.0), -1.200) * std::pow(0.9938, age_years) *
                      (female ? 1.012 : 1.0);
  return mL_per_min(egfr);
}

Clearance crcl_cockcroft_gault(MolarConcentration creatinine, double age_years, BodyMass weight,
                               Sex sex) {
  const double scr = creatinine_in_mg_per_dL(creatinine);
  const double crcl =
      (140.0 - age_years) * in_kg(weight) / (72.0 * scr) * (sex == Sex::female ? 0.85 : 1.0);
  return mL_per_min(crcl);
}

Clearance egfr_bedside_schwartz(Length height, MolarConcentration creatinine) {
  return mL_per_min(0.413 * in_cm(height) / creatinine_in_mg_per_dL(creatinine));
}

}  // namespace doseplan
