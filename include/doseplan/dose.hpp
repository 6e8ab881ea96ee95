// doseplan — dose arithmetic: a dose rate and a body weight to what the patient takes.
//
//   exact daily dose   = rate (mg/kg/day) x weight (kg) x 1 day
//   rounded daily dose = the nearest multiple of the product's smallest step
//   (Product::smallest_step:
//                        25 mg for 25/50/100 mg capsules; 10 mg for 100 mg/mL solution measured to
//                        0.1 mL); an exact half goes down (project default, docs/rules.md)
//   administrations    = the rounded daily dose shared between the day's doses as evenly as the
//                        step allows; the steps left over go one each to the earliest doses of the
//                        day (project default), each dose made of the fewest capsules or tablets
//   actual rate        = rounded daily dose / weight / 1 day, with its deviation from the target
// Nothing is clamped: a dose the product can not give is an Error, and the deviation is reported.
#ifndef DOSEPLAN_DOSE_HPP_
#define DOSEPLAN_DOSE_HPP_

#include <optional>
#include <string>
#include <vector>

#include "doseplan/i18n.hpp"
#include "doseplan/regimen.hpp"
#include "doseplan/units.hpp"

namespace doseplan {

// Universal Medication Schedule slots.
enum class Slot { morning, noon, evening, bedtime };
const char* slot_name(Slot s);  // "morning", ...
// Slots used for n doses a day: 1 morning; 2 morning, evening; 3 morning, noon, evening;
// 4 all four. REQUIRES: 1 <= n <= 4.
std::vector<Slot> slots_for(int doses_per_day);

struct UnitCount {
  int count = 0;
  DrugMass strength{};
};

struct Administration {
  Slot slot = Slot::morning;
  DrugMass amount{};
  std::vector<UnitCount> units;      // solids: e.g. {1 x 100 mg, 1 x 50 mg}, largest first
  std::optional<DrugVolume> volume;  // solutions: the volume to measure
  std::vector<UnitCount> vials;      // IV: the vials holding the amount with the least left over
                                     // (fewest vials among those), largest first
  bool intravenous = false;
  std::optional<CellCount> cells;  // cell infusions: no mass

  // Boost.Units quantities do not declare their copy noexcept, so without these a vector of
  // administrations (or of phases, through DailyDose) would copy every element, strings and all,
  // each time it grows. Moving a quantity copies a double: it never throws.
  Administration() = default;
  Administration(const Administration&) = default;
  Administration(Administration&&) noexcept = default;
  Administration& operator=(const Administration&) = default;
  Administration& operator=(Administration&&) noexcept = default;
  ~Administration() = default;
};

// One step of how a number was made, for `plan --explain` and the JSON plan's "audit".
// Each text in English and Chinese (en, zh), made with the catalogue (i18n.hpp tr_both()).
struct AuditStep {
  LocalizedText what;    // "exact daily dose"
  LocalizedText how;     // "5 mg/kg/day × 62 kg × 1 day" (formula with its inputs and units)
  LocalizedText result;  // "310 mg"
  LocalizedText basis;   // the rule and its source, or doseplan's documented rule (formulas.md)
};

// The dose of one day of a daily phase, or of one administration of a cycles phase.
struct DailyDose {
  DoseValue target = DoseRate{};        // as the rule (or the user) gave it
  DrugMass exact_daily{};               // target x weight (or x BSA, or x doses a day), unrounded
  DrugMass rounded_daily{};             // what the product can give
  std::optional<DoseRate> actual_rate;  // rounded / weight / day (daily phases)
  std::optional<DosePerArea> actual_per_area;  // rounded / BSA (mg/m2 doses)
  double deviation_percent = 0;                // (rounded - exact) / exact x 100
  std::vector<Administration> administrations;
  std::vector<AuditStep> audit;  // how every number above was made, in order
  // Set when the nearest amount would have passed a sourced maximum (a titration's cap) and the
  // dose was rounded down to the largest amount at or below it instead: the nearest amount, so
  // that the plan can say so.
  std::optional<DrugMass> nearest_daily;

  // noexcept moves: see Administration.
  DailyDose() = default;
  DailyDose(const DailyDose&) = default;
  DailyDose(DailyDose&&) noexcept = default;
  DailyDose& operator=(const DailyDose&) = default;
  DailyDose& operator=(DailyDose&&) noexcept = default;
  ~DailyDose() = default;
};

// What the dose arithmetic needs to know of the patient.
struct BodySize {
  BodyMass weight{};
  std::optional<Area> bsa;  // REQUIRED for mg/m2 doses
};

// REQUIRES: weight > 0, rate > 0, 1 <= doses_per_day <= 4, a product with a step > 0.
// Throws Error "dose.not_representable" when the daily dose rounds to nothing, and
// "dose.too_small_to_split" when it can not give every administration at least one step.
DailyDose calculate_daily_dose(DoseRate rate, BodyMass weight, int doses_per_day,
                               const Product& product);

// Any kind of dose (regimen.hpp DoseValue): mg/kg/day and mg/day are daily amounts split into
// `doses_per_day`; mg is per administration (x doses_per_day a day); mg/m2 is per administration
// (x BSA); cells are given as they are. IV doses are rounded to the product's rounding step and
// drawn from the fewest vials. Throws as calculate_daily_dose, and Error "input.missing" for an
// mg/m2 dose without a BSA. With `explain` false the audit trail is left empty (nothing else
// changes): making its texts is most of the work of a dose.
// With `at_most`, a daily amount that rounds above it is rounded down to the largest amount the
// product can give at or below it (DailyDose::nearest_daily keeps the nearest amount).
DailyDose calculate_dose(const DoseValue& target, const BodySize& body, int doses_per_day,
                         const Product& product, bool explain = true,
                         std::optional<DrugMass> at_most = std::nullopt);

// "1 x 100 mg + 1 x 50 mg" (solids, with the multiplication sign), "1.5 mL (150 mg)",
// "900 mg IV (vials: 1 x 1,000 mg)" or "50 million cells IV".
std::string describe_administration(const Administration& a);
// The same in `lang`: "840 mg IV (vials: 1 × 1,000 mg)" / "840 mg 静脉输注（药瓶：1 × 1,000 mg）".
std::string describe_administration(const Administration& a, Lang lang);

}  // namespace doseplan

#endif  // DOSEPLAN_DOSE_HPP_
