// doseplan — typed laboratory values: a number with its unit and the unit's dimension.
//
// Doses are Boost.Units quantities (units.hpp); a lab result is a LabValue: its number, the unit
// it is in (a LabUnit of the table below) and, through the unit, its dimension. Values of one
// dimension compare whatever their units; values of two dimensions never compare (a molar and a
// mass concentration convert into each other only through a molar mass, with LabValue::in).
// Which units a test takes, its canonical unit and its molar mass are data: rules/labs.json.
#ifndef DOSEPLAN_LAB_VALUE_HPP_
#define DOSEPLAN_LAB_VALUE_HPP_

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "doseplan/units.hpp"

namespace doseplan {

// The dimensions of lab results, each with a base unit. The last four are known only to say
// what a wrong unit is ("1.1 mg" for a creatinine is a mass, not a concentration).
enum class LabDimension {
  molar,      // umol/L
  mass,       // ng/mL (= ug/L)
  count,      // 10*9/L (= 10*3/uL)
  catalytic,  // U/L
  pressure,   // mm[Hg]
  mass_rate,  // g/(24.h)
  drug_mass,
  volume,
  body_mass,
  fraction,
};

// "a molar concentration", "a count per volume", ... (English, for messages).
std::string_view dimension_name(LabDimension d);
// A dimension a result may have (not one of the last four).
bool is_result_dimension(LabDimension d);

// A unit spelling of the table: `factor` converts a number in it to the base unit of
// `dimension` (mg/dL: 1e4 ng/mL).
struct LabUnit {
  std::string_view spelling;  // normalised (normalize_lab_unit): "umol/l", "10*9/l"
  std::string_view written;   // as labs.json and the rules write it: "umol/L", "10*9/L", "mm[Hg]"
  LabDimension dimension = LabDimension::molar;
  double factor = 1;
  // The same unit (dimension and factor), whatever its spelling: 10*3/uL is 10*9/L.
  bool same_as(const LabUnit& o) const { return dimension == o.dimension && factor == o.factor; }
  friend bool operator==(const LabUnit&, const LabUnit&) = default;
};

// ASCII lower case, micro ("µ", "μ") as "u", "^" as "*", spaces (and no-break spaces) removed.
std::string normalize_lab_unit(std::string_view typed);
// The unit `typed` is a spelling of; nullptr for a spelling the table does not have.
const LabUnit* find_lab_unit(std::string_view typed);

// The molar mass of an analyte, g/mol (= ug/umol): c[umol/L] = c[ug/L] / M.
struct MolarMass {
  double g_per_mol = 0;
  friend bool operator==(const MolarMass&, const MolarMass&) = default;
};

class LabValue {
 public:
  LabValue() = default;
  LabValue(double amount, const LabUnit& unit) : amount_(amount), unit_(unit) {}
  // A drug level or a creatinine from the units parsers (units.hpp), in ng/mL and umol/L.
  static LabValue of(MassConcentration c);
  static LabValue of(MolarConcentration c);

  double amount() const { return amount_; }  // in unit() (output boundary)
  const LabUnit& unit() const { return unit_; }
  LabDimension dimension() const { return unit_.dimension; }

  // This value in `to`, to 12 significant digits so that a conversion leaves no noise (200 ng/mL
  // read through mg/mL is 200, not 199.99999999999997): a value on a boundary is judged as
  // typed. Between a mass and a molar concentration through `molar_mass`; nullopt for another
  // dimension, or without a molar mass.
  std::optional<LabValue> in(const LabUnit& to,
                             std::optional<MolarMass> molar_mass = std::nullopt) const;

  // Same unit: the numbers; same dimension: in the base unit; otherwise unordered.
  friend std::partial_ordering operator<=>(const LabValue& a, const LabValue& b);
  friend bool operator==(const LabValue& a, const LabValue& b) {
    return (a <=> b) == std::partial_ordering::equivalent;
  }

 private:
  double amount_ = 0;
  LabUnit unit_{};
};

}  // namespace doseplan

#endif  // DOSEPLAN_LAB_VALUE_HPP_
