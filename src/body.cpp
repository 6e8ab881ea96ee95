#include "doseplan/body.hpp"

#include <cmath>

namespace doseplan {

Area bsa_mosteller(Length height, BodyMass weight) {
  return square_metres(std::sqrt(in_cm(height) * in_kg(weight) / 3600.0));
}

Area bsa_dubois(Length height, BodyMass weight) {
  return square_metres(0.007184 * std::pow(in_cm(height), 0.725) * std::pow(in_kg(weight), 0.425));
}

Area bsa(std::string_view formula, Length height, BodyMass weight) {
  return formula == "dubois" ? bsa_dubois(height, weight) : bsa_mosteller(height, weight);
}

}  // namespace doseplan
