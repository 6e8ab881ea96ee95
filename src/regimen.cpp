#include "doseplan/regimen.hpp"

#include <cmath>
#include <numeric>

namespace doseplan {

const Source* Regimen::find_source(const std::string& source_id) const {
  for (const Source& s : sources)
    if (s.id == source_id) return &s;
  return nullptr;
}

DrugMass Product::smallest_step() const {
  if (!is_solid()) {
    if (!concentration || !volume_step) return milligrams(0);
    return DrugMass(*concentration * *volume_step);
  }
  // gcd of the strengths, in thousandths of a mg so that 0.5 mg strengths work too.
  long long g = 0;
  for (DrugMass s : strengths) g = std::gcd(g, std::llround(in_mg(s) * 1000.0));
  return milligrams(static_cast<double>(g) / 1000.0);
}

}  // namespace doseplan
