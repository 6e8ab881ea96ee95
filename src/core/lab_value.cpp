// Typed lab values (contract in doseplan/lab_value.hpp): the table of unit spellings and the
// conversions between them.
#include "doseplan/lab_value.hpp"

#include <cmath>

namespace doseplan {

namespace {

using D = LabDimension;

// clang-format off
constexpr LabUnit kLabUnits[] = {
    {"umol/l", "umol/L", D::molar, 1},
    {"mmol/l", "mmol/L", D::molar, 1000},
    {"nmol/l", "nmol/L", D::molar, 1e-3},
    {"ng/ml", "ng/mL", D::mass, 1},
    {"ug/l", "ug/L", D::mass, 1},
    {"mcg/l", "mcg/L", D::mass, 1},
    {"ug/ml", "ug/mL", D::mass, 1e3},
    {"mcg/ml", "mcg/mL", D::mass, 1e3},
    {"mg/l", "mg/L", D::mass, 1e3},
    {"mg/dl", "mg/dL", D::mass, 1e4},
    {"g/l", "g/L", D::mass, 1e6},
    {"g/dl", "g/dL", D::mass, 1e7},
    {"mg/ml", "mg/mL", D::mass, 1e6},
    {"10*9/l", "10*9/L", D::count, 1},
    {"10*3/ul", "10*3/uL", D::count, 1},
    // As the tracker shows them ("1.1×10⁹/L"), so that what it shows can be typed back:
    {"\u00d710\u2079/l", "\u00d710\u2079/L", D::count, 1},
    {"10\u2079/l", "10\u2079/L", D::count, 1},
    {"\u00d710\u00b3/ul", "\u00d710\u00b3/uL", D::count, 1},
    {"10\u00b3/ul", "10\u00b3/uL", D::count, 1},
    {"u/l", "U/L", D::catalytic, 1},
    {"iu/l", "IU/L", D::catalytic, 1},
    {"mm[hg]", "mm[Hg]", D::pressure, 1},
    {"mmhg", "mmHg", D::pressure, 1},
    {"g/(24.h)", "g/(24.h)", D::mass_rate, 1},
    {"g/(24h)", "g/(24h)", D::mass_rate, 1},
    {"g/24h", "g/24h", D::mass_rate, 1},
    {"g/d", "g/d", D::mass_rate, 1},
    {"g/day", "g/day", D::mass_rate, 1},
    {"mg/(24.h)", "mg/(24.h)", D::mass_rate, 1e-3},
    {"mg/(24h)", "mg/(24h)", D::mass_rate, 1e-3},
    {"mg/24h", "mg/24h", D::mass_rate, 1e-3},
    {"mg/d", "mg/d", D::mass_rate, 1e-3},
    {"mg/day", "mg/day", D::mass_rate, 1e-3},
    {"mg", "mg", D::drug_mass, 1},
    {"g", "g", D::drug_mass, 1},
    {"mcg", "mcg", D::drug_mass, 1},
    {"ug", "ug", D::drug_mass, 1},
    {"ng", "ng", D::drug_mass, 1},
    {"ml", "mL", D::volume, 1},
    {"l", "L", D::volume, 1},
    {"kg", "kg", D::body_mass, 1},
    {"lb", "lb", D::body_mass, 1},
    {"%", "%", D::fraction, 1},
};
// clang-format on

// `v` to 12 significant digits.
double tidy(double v) {
  if (v == 0 || !std::isfinite(v)) return v;
  const double scale = std::pow(10.0, 11 - static_cast<int>(std::floor(std::log10(std::fabs(v)))));
  return std::round(v * scale) / scale;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::string_view dimension_name(LabDimension d) {
  switch (d) {
    case D::molar:
      return "a molar concentration";
    case D::mass:
      return "a mass concentration";
    case D::count:
      return "a count per volume";
    case D::catalytic:
      return "an enzyme activity";
    case D::pressure:
      return "a pressure";
    case D::mass_rate:
      return "an amount per 24 hours";
    case D::drug_mass:
      return "a mass, not a concentration";
    case D::volume:
      return "a volume";
    case D::body_mass:
      return "a body mass";
    case D::fraction:
      return "a fraction";
  }
  return "a quantity";
}

bool is_result_dimension(LabDimension d) {
  return d == D::molar || d == D::mass || d == D::count || d == D::catalytic || d == D::pressure ||
         d == D::mass_rate;
}

std::string normalize_lab_unit(std::string_view typed) {
  std::string out;
  for (std::size_t i = 0; i < typed.size();) {
    const std::string_view rest = typed.substr(i);
    if (rest.starts_with("\xC2\xB5") || rest.starts_with("\xCE\xBC")) {
      out += 'u';
      i += 2;
      continue;
    }
    if (rest.starts_with("\xC2\xA0")) {
      i += 2;
      continue;
    }
    const char c = typed[i++];
    if (is_space(c)) continue;
    if (c == '^') {
      out += '*';
    } else {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

const LabUnit* find_lab_unit(std::string_view typed) {
  const std::string n = normalize_lab_unit(typed);
  for (const LabUnit& u : kLabUnits)
    if (u.spelling == n) return &u;
  return nullptr;
}

LabValue LabValue::of(MassConcentration c) {
  return {in_ng_per_mL(c), *find_lab_unit("ng/mL")};
}

LabValue LabValue::of(MolarConcentration c) {
  return {in_umol_per_L(c), *find_lab_unit("umol/L")};
}

std::optional<LabValue> LabValue::in(const LabUnit& to, std::optional<MolarMass> molar_mass) const {
  double base = amount_ * unit_.factor;
  if (unit_.dimension != to.dimension) {
    if (!molar_mass) return std::nullopt;
    if (unit_.dimension == D::mass && to.dimension == D::molar) {
      base = base / molar_mass->g_per_mol;
    } else if (unit_.dimension == D::molar && to.dimension == D::mass) {
      base = base * molar_mass->g_per_mol;
    } else {
      return std::nullopt;
    }
  }
  return LabValue(tidy(base / to.factor), to);
}

std::partial_ordering operator<=>(const LabValue& a, const LabValue& b) {
  if (a.unit_.same_as(b.unit_)) return a.amount_ <=> b.amount_;
  if (a.unit_.dimension != b.unit_.dimension) return std::partial_ordering::unordered;
  return a.amount_ * a.unit_.factor <=> b.amount_ * b.unit_.factor;
}

}  // namespace doseplan
