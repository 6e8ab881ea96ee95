// Must not compile: a body weight (kg of body) can not be added to a drug mass (mg).
// With DOSEPLAN_COMPILE_FAIL_CONTROL defined, the same program adds two drug masses and compiles.
#include "doseplan/units.hpp"

int main() {
  const doseplan::DrugMass dose = doseplan::milligrams(310);
#ifdef DOSEPLAN_COMPILE_FAIL_CONTROL
  const doseplan::DrugMass other = doseplan::milligrams(62);
#else
  const doseplan::BodyMass other = doseplan::kilograms(62);
#endif
  const auto sum = dose + other;
  return sum.value() > 0 ? 0 : 1;
}
