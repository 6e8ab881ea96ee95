// Must not compile: a dose rate (mg/kg/day) can not be passed where a drug mass (mg) is expected.
// With DOSEPLAN_COMPILE_FAIL_CONTROL defined, the rate is first multiplied by a weight and a
// duration, which gives a drug mass, and the program compiles.
#include "doseplan/units.hpp"

namespace {
double half_in_mg(doseplan::DrugMass amount) {
  return doseplan::in_mg(amount) / 2;
}
}  // namespace

int main() {
  const doseplan::DoseRate rate = doseplan::mg_per_kg_per_day(5);
#ifdef DOSEPLAN_COMPILE_FAIL_CONTROL
  const double half = half_in_mg(rate * doseplan::kilograms(62) * doseplan::days(1));
#else
  const double half = half_in_mg(rate);
#endif
  return half > 0 ? 0 : 1;
}
