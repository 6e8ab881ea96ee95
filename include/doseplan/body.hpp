// doseplan — body size formulas (docs/formulas.md).
//
//   BSA Mosteller  sqrt(height cm x weight kg / 3600) m2            Mosteller, NEJM 1987;317:1098
//   BSA DuBois     0.007184 x height(cm)^0.725 x weight(kg)^0.425 m2  DuBois & DuBois 1916
#ifndef DOSEPLAN_BODY_HPP_
#define DOSEPLAN_BODY_HPP_

#include <string_view>

#include "doseplan/units.hpp"

namespace doseplan {

// REQUIRES: height > 0, weight > 0.
Area bsa_mosteller(Length height, BodyMass weight);
Area bsa_dubois(Length height, BodyMass weight);
// By name: "mosteller" or "dubois".
Area bsa(std::string_view formula, Length height, BodyMass weight);

// Plausible heights (not a dosing limit): outside this range the input is taken as a typo.
inline constexpr double kMinPlausibleHeightCm = 40;
inline constexpr double kMaxPlausibleHeightCm = 250;

}  // namespace doseplan

#endif  // DOSEPLAN_BODY_HPP_
