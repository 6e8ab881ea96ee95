// doseplan — body size and kidney function formulas (docs/formulas.md gives each with its source
// and a worked example).
//
//   BSA Mosteller    sqrt(height cm x weight kg / 3600) m2              Mosteller, NEJM
//   1987;317:1098 BSA DuBois       0.007184 x height(cm)^0.725 x weight(kg)^0.425 m2  DuBois &
//   DuBois 1916 IBW (Devine)     male 50 kg, female 45.5 kg, + 2.3 kg per inch over 60 in   Devine
//   1974 Adjusted weight  IBW + 0.4 x (actual - IBW)                         common pharmacy
//   practice eGFR CKD-EPI 2021  142 x min(Scr/k,1)^a x max(Scr/k,1)^-1.200 x 0.9938^age [x 1.012
//   female],
//                      k 0.7 F / 0.9 M, a -0.241 F / -0.302 M, Scr in mg/dL; mL/min/1.73 m2
//                                                                       Inker et al., NEJM 2021
//   Cockcroft-Gault  (140 - age) x weight kg / (72 x Scr mg/dL) [x 0.85 female] mL/min
//                                                                       Cockcroft & Gault 1976
//   Creatinine units 1 mg/dL = 88.4 umol/L
#ifndef DOSEPLAN_BODY_HPP_
#define DOSEPLAN_BODY_HPP_

#include <string_view>

#include "doseplan/units.hpp"

namespace doseplan {

enum class Sex { female, male };
// "female" or "male" (also "f", "m"); throws Error "input.bad_sex" naming `field`.
Sex parse_sex(std::string_view text, std::string_view field = "sex");
const char* to_string(Sex sex);  // "female", "male"

// REQUIRES: height > 0, weight > 0.
Area bsa_mosteller(Length height, BodyMass weight);
Area bsa_dubois(Length height, BodyMass weight);
// By name: "mosteller" or "dubois".
Area bsa(std::string_view formula, Length height, BodyMass weight);

// Devine ideal body weight. Below 60 in (152.4 cm) the formula is applied as it is (it then gives
// less than the base weight), as most references do; the result may be below zero for very short
// people, so callers show it only with the height it came from.
BodyMass ideal_body_weight(Length height, Sex sex);
// IBW + 0.4 x (actual - IBW).
BodyMass adjusted_body_weight(BodyMass actual, BodyMass ideal);

// REQUIRES: creatinine > 0, 0 <= age_years <= 120.
// eGFR normalised to 1.73 m2 (the Clearance holds mL/min per 1.73 m2).
Clearance egfr_ckd_epi_2021(MolarConcentration creatinine, double age_years, Sex sex);
Clearance crcl_cockcroft_gault(MolarConcentration creatinine, double age_years, BodyMass weight,
                               Sex sex);
// Bedside Schwartz eGFR for children (1 to 16 years with chronic kidney disease in the study that
// made it; doseplan reports it under 18 years): 0.413 x height cm / creatinine mg/dL, per 1.73 m2.
// Schwartz et al., J Am Soc Nephrol 2009;20:629-637. REQUIRES: height > 0, creatinine > 0.
Clearance egfr_bedside_schwartz(Length height, MolarConcentration creatinine);
// Under this age the adult equations (CKD-EPI 2021, Cockcroft-Gault, Devine) are not reported.
inline constexpr double kAdultAgeYears = 18;

// Plausible values (not dosing limits): outside them the input is taken as a typo (docs/errors.md).
inline constexpr double kMinPlausibleHeightCm = 40;
inline constexpr double kMaxPlausibleHeightCm = 250;
inline constexpr double kMinPlausibleAgeYears = 0;
inline constexpr double kMaxPlausibleAgeYears = 120;

}  // namespace doseplan

#endif  // DOSEPLAN_BODY_HPP_
