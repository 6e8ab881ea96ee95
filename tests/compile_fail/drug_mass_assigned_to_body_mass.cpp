// Must not compile: a drug mass (mg) can not be assigned to a body weight (kg of body).
// With DOSEPLAN_COMPILE_FAIL_CONTROL defined, a body mass is assigned instead and it compiles.
#include "doseplan/units.hpp"

int main() {
  doseplan::BodyMass weight = doseplan::kilograms(62);
#ifdef DOSEPLAN_COMPILE_FAIL_CONTROL
  weight = doseplan::kilograms(310);
#else
  weight = doseplan::milligrams(310);
#endif
  return doseplan::in_kg(weight) > 0 ? 0 : 1;
}
