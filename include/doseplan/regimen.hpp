// doseplan — the regimen model: what a rules file says, as typed values.
//
// A Regimen is read from rules/<id>.json by parse_regimen() / load_rules() (rules.hpp) and never
// changed after.
// Every clinical number carries a Provenance: the id of a source in `sources`, or the flag
// project_default with a one-line reason (a value no source gives, shown as such in every output).
#ifndef DOSEPLAN_REGIMEN_HPP_
#define DOSEPLAN_REGIMEN_HPP_

#include <optional>
#include <string>
#include <vector>

#include "doseplan/dates.hpp"
#include "doseplan/units.hpp"

namespace doseplan {

// Text in the two languages every output supports.
struct LocalizedText {
  std::string en;
  std::string zh;  // Simplified Chinese (zh-CN)
};

// One reference: a file of ../shared/sources/ or a label, guideline or trial.
struct Source {
  std::string id;        // referenced by Provenance::source_id
  std::string citation;  // human-readable reference
  std::string location;  // file name in shared/sources/, or an address
  std::string quote;     // the sentence encoded, verbatim
};

// Where a number comes from.
struct Provenance {
  std::string source_id;         // id of a Source; empty for a project default
  bool project_default = false;  // no source gives this value
  std::string reason;            // why this default (required for project defaults)
  bool overridden = false;       // set by the planner when the user chose another value
};

// A value with its provenance.
template <class T>
struct Sourced {
  T value{};
  Provenance from;
};

// A product (formulation) from rules/products.json.
struct Product {
  enum class Form { capsule, tablet, oral_solution };
  std::string id;       // "cyclosporine-modified-capsule"
  std::string drug;     // "cyclosporine"
  std::string variant;  // "modified" / "non-modified" for cyclosporine; may be empty
  Form form = Form::capsule;
  LocalizedText name;                              // "cycloSPORINE (modified) capsules"
  std::vector<std::string> market_names;           // "Neoral", "Gengraf", "新山地明"
  std::vector<DrugMass> strengths;                 // solids: the unit strengths available
  std::optional<MassConcentration> concentration;  // solutions: mg/mL
  std::optional<DrugVolume> volume_step;           // solutions: smallest measurable volume
  Provenance volume_step_from;
  Provenance from;  // where strengths and concentration come from

  bool is_solid() const { return form != Form::oral_solution; }
  // The rounding step: the gcd of the strengths for solids (25 mg for 25/50/100 mg capsules),
  // concentration x volume step for solutions. Not every multiple of the step can be made when
  // the smallest strength is larger than the step (10 and 25 mg capsules can not make 15 mg):
  // such a dose is refused, never changed (dose.not_representable).
  DrugMass smallest_step() const;
};

// A test or vital sign from rules/labs.json.
struct LabTest {
  std::string id;  // "creatinine"
  LocalizedText name;
  std::string loinc;               // "2160-0"
  std::vector<std::string> units;  // UCUM units accepted, e.g. "umol/L", "mg/dL"
};

// The dose rule of the regimen's first (chosen-dose) phase: per kg of body weight, per day.
struct DoseRule {
  enum class Basis { per_kg_per_day };
  Basis basis = Basis::per_kg_per_day;
  DoseRate min{};
  DoseRate max{};
  Provenance range_from;
  Sourced<DoseRate> default_dose;
  int doses_per_day_min = 1;
  int doses_per_day_max = 1;
  Provenance doses_per_day_from;
  Sourced<int> default_doses_per_day;
  // How a daily dose that does not split evenly is shared between administrations.
  Provenance uneven_split_from;
  // How a daily dose is rounded to what the product can give.
  Provenance rounding_from;
};

// One phase of the regimen.
struct PhaseRule {
  enum class Kind {
    chosen_dose,  // the dose the prescriber chose within DoseRule (induction)
    taper,        // from the previous phase's dose down by `step` every `every` to the next phase's
    fixed_dose    // a fixed level (maintenance)
  };
  std::string id;  // "induction", "taper", "maintenance"
  LocalizedText name;
  Kind kind = Kind::chosen_dose;
  // Duration (chosen_dose and fixed_dose phases): allowed range and default.
  Span min_duration{};
  Span max_duration{};
  Provenance duration_from;
  Sourced<Span> default_duration;
  // fixed_dose: the level.
  Sourced<DoseRate> level;
  // taper: the step and how often it is taken.
  Sourced<DoseRate> step;
  Sourced<Span> every;
  LocalizedText note;  // printed with the phase
};

// A periodic interval of the monitoring schedule: test every `every`, for `length` from the
// start of treatment (no length: until the end of the course).
struct MonitoringInterval {
  Span every{};
  std::optional<Span> length;
  Provenance from;
};

// One monitored item: a group of tests done together.
struct MonitoringRule {
  std::string id;  // "kidney-function"
  LocalizedText name;
  std::vector<std::string> tests;   // ids in the labs catalogue
  LocalizedText timing;             // e.g. "trough (C0): just before the morning dose"
  Sourced<int> baseline_occasions;  // tests before day 1 (0: none)
  std::vector<MonitoringInterval> intervals;
  Provenance from;  // why this item is monitored at all
};

// A disagreement between sources, shown in every output (never resolved silently).
struct Disagreement {
  LocalizedText topic;
  std::vector<Sourced<LocalizedText>> positions;
};

struct Regimen {
  int format_version = 1;
  std::string id;
  std::string file;  // where it was loaded from (for messages)
  struct Drug {
    std::string id;      // "cyclosporine"
    LocalizedText name;  // English with Tall Man letters: "cycloSPORINE"
  } drug;
  LocalizedText indication;
  std::string evidence;  // label | guideline | trial | case series | experimental
  std::vector<Source> sources;
  DoseRule dose;
  std::vector<std::string> products;  // product ids allowed; the first is the default
  std::vector<PhaseRule> phases;
  std::vector<MonitoringRule> monitoring;
  Sourced<Span> baseline_spacing;  // days between baseline occasions, counted back from day 1
  std::vector<Sourced<LocalizedText>> warnings;
  std::vector<Disagreement> disagreements;

  const Source* find_source(const std::string& id) const;
};

}  // namespace doseplan

#endif  // DOSEPLAN_REGIMEN_HPP_
