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
#include <string_view>
#include <variant>
#include <vector>

#include "doseplan/dates.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/lab_value.hpp"
#include "doseplan/units.hpp"

namespace doseplan {

// A document the rules cite, from rules/sources.json (the bibliography): a seed text shipped in
// rules/sources/, a label, a trial publication or record, a guideline, a publication, a standard,
// or a secondary summary of one of these. docs/rules.md describes each field.
struct Document {
  enum class Kind {
    seed_text,
    label,
    trial_publication,
    trial_record,
    guideline,
    publication,
    standard,
    secondary,  // a summary of another document: the facts cited to it are shown as secondary
  };
  struct Identifier {
    std::string scheme;  // "FDA SPL set id", "PMID", "PMCID", "DOI", "NCT", ...
    std::string value;
    friend bool operator==(const Identifier&, const Identifier&) = default;
  };
  std::string id;
  Kind kind = Kind::publication;
  std::string title;     // in the document's own language
  std::string author;    // authors or publisher
  std::string version;   // label version or edition; may be empty
  std::string date;      // YYYY, YYYY-MM or YYYY-MM-DD: published or effective; may be empty
  std::string accessed;  // YYYY-MM-DD: the day an undated page was read; may be empty
  std::vector<Identifier> identifiers;
  std::string url;       // public address, when one exists
  std::string location;  // a text shipped under the rules directory ("sources/003_….txt"), or empty
  std::string read_on;  // where the words were read when that was a copy; may be empty
  std::string note;
  friend bool operator==(const Document&, const Document&) = default;
};
const char* to_string(Document::Kind k);  // "seed-text", "label", ..., "secondary"
std::optional<Document::Kind> document_kind(std::string_view s);

// A citation: where in a document a rule's number is written. `document` is filled from the
// bibliography when the rules are loaded (load_rules); parse_regimen() leaves only document_id.
struct Source {
  std::string id;           // referenced by Provenance::source_id
  std::string document_id;  // a Document of rules/sources.json
  std::string section;      // the document's section, table or paragraph
  std::string quote;        // the shortest passage that carries the number, verbatim
  LocalizedText note;       // optional: e.g. "the psoriasis paragraph, applied to ITP"
  Document document;
  bool secondary() const { return document.kind == Document::Kind::secondary; }
  friend bool operator==(const Source&, const Source&) = default;
};

// What traces an output back to what made it: the program's version, the rules catalogue's
// version (rules/catalogue.json) and a SHA-256 of the rules files read (docs/rules.md, "Tracing a
// printout"). A changed rules file changes the hash.
struct RulesStamp {
  std::string doseplan_version;  // "0.1.0"
  std::string rules_version;     // "2026.12.1"
  std::string rules_hash;        // 64 hex digits
  friend bool operator==(const RulesStamp&, const RulesStamp&) = default;
};

// Where a number comes from.
struct Provenance {
  std::string source_id;         // id of a Source; empty for a project default
  bool project_default = false;  // no source gives this value
  LocalizedText reason;          // why this default (required for project defaults)
  bool overridden = false;       // set by the planner when the user chose another value
  LocalizedText note;            // optional remark beside a source ("secondary source")
  friend bool operator==(const Provenance&, const Provenance&) = default;
};

// A value with its provenance.
template <class T>
struct Sourced {
  T value{};
  Provenance from;
  friend bool operator==(const Sourced&, const Sourced&) = default;
};

// A market (a country or region) where products are sold, from the `markets` of
// rules/products.json: what `--market` (PlanRequest::market) may name.
struct Market {
  std::string id;  // "us", "nz", "uk"
  LocalizedText name;
  friend bool operator==(const Market&, const Market&) = default;
};

// A strength sold only in some markets (rules/products.json `market_limited`): "50 mg capsules,
// New Zealand and the United Kingdom only".
struct MarketLimit {
  DrugMass strength{};
  std::vector<std::string> markets;  // Market ids
  Provenance from;
  friend bool operator==(const MarketLimit&, const MarketLimit&) = default;
};

// A product (formulation) from rules/products.json.
struct Product {
  enum class Form { capsule, tablet, oral_solution, iv_vial, cells };
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
  std::optional<DrugMass> rounding_step;  // IV vials: doses rounded to this step
  Provenance rounding_step_from;
  // A pack as sold, when the rules give one (products.json "pack_count" for solids: capsules or
  // tablets of each strength in a pack; "pack_mL" for solutions: mL in a bottle). The plan's
  // supply is then also counted in whole packs; without one it is counted in units only.
  std::optional<int> pack_count;
  std::optional<DrugVolume> pack_volume;
  Provenance pack_from;
  Provenance from;  // where strengths and concentration come from
  // Strengths of `strengths` sold only in the markets they name (the others are sold in every
  // market listed); a plan for a market uses only the strengths sold there.
  std::vector<MarketLimit> market_limited;
  // The products.json sources that `from` and the provenances above name, copied so that a plan
  // carries the citation of its product's strengths.
  std::vector<Source> sources;

  bool is_solid() const { return form == Form::capsule || form == Form::tablet; }
  // Taken by mouth at home (capsules, tablets, oral solution), not given at the clinic.
  bool is_oral() const { return is_solid() || form == Form::oral_solution; }
  // Whether the rules give a pack size (pack_count or pack_volume).
  bool has_pack() const { return pack_count.has_value() || pack_volume.has_value(); }
  // The rounding step: the gcd of the strengths for solids (25 mg for 25/50/100 mg capsules),
  // concentration x volume step for solutions, `rounding_step` for IV vials (strengths there are
  // vial sizes, not what is given). Not every multiple of the step can be made when
  // the smallest strength is larger than the step (10 and 25 mg capsules can not make 15 mg):
  // such a dose is refused, never changed (dose.not_representable).
  DrugMass smallest_step() const;
};

// A test or vital sign from rules/labs.json.
struct LabTest {
  std::string id;  // "creatinine"
  LocalizedText name;
  std::string kind = "lab";         // lab | vital | assessment (an examination, not a sample)
  std::string loinc;                // "2160-0"; may be empty for an assessment
  std::string loinc_molar;          // "14682-9": the code of a result in mol/L units, if other
  bool loinc_from_project = false;  // chosen by the project, not from a cited list: to be checked
  std::vector<std::string> units;   // UCUM units accepted, e.g. "umol/L", "mg/dL"
  // Read and checked by the loader (docs/rules.md, labs.json):
  std::optional<LabUnit> canonical;  // units.front() as a unit of the table; none without units
  Provenance canonical_from;         // `canonical_unit` (required with a molar mass)
  std::optional<Sourced<MolarMass>> molar_mass;  // a test in mass and molar units
  // `accepts`: the only units a value may be recorded in (as spelt there, after
  // normalize_lab_unit: "µg/L" is "ug/L", "g/L" is not "mg/mL"); empty: every
  // unit of the dimensions of `units` (both concentrations with a molar mass).
  std::vector<LabUnit> accepts;
  // `implausible_from`: a result at or above it is refused as a typing mistake (canonical unit).
  std::optional<Sourced<LabValue>> implausible_from;
  // The LOINC code of a result written in `unit`: `loinc_molar` for umol/L, mmol/L (any
  // "mol/L" unit) when there is one, else `loinc` ("14682-9" for creatinine in umol/L).
  const std::string& loinc_for_unit(std::string_view unit) const;
  friend bool operator==(const LabTest&, const LabTest&) = default;
};

// A dose as a rule writes it. Which alternative also says how it is given:
//   DoseRate     mg/kg/day   a daily dose per kg of body weight, split into the day's doses
//   DailyAmount  mg/day      a daily amount (e.g. a titration step of +25 mg/day)
//   DrugMass     mg          an amount per administration (1,500 mg twice daily; 1,000 mg IV)
//   DosePerArea  mg/m2       an amount per administration per m2 of body-surface area
//   CellCount    10*6 cells  cells per infusion
using DoseValue = std::variant<DoseRate, DailyAmount, DrugMass, DosePerArea, CellCount>;

// The UCUM-style unit written in rules for each alternative: "mg/kg/d", "mg/d", "mg", "mg/m2",
// "10*6 cells".
const char* dose_unit(const DoseValue& v);
// The number in that unit (output boundary).
double dose_number(const DoseValue& v);
// Builds a DoseValue from a number and a unit of the list above; nullopt for another unit.
std::optional<DoseValue> make_dose(double value, std::string_view unit);
// Reads a dose of any kind: "5 mg/kg/d", "125 mg/day", "1500 mg", "750 mg/m2", "50 million cells".
// Throws Error (quantity.*) naming `field`; a unit that is no dose is quantity.wrong_kind.
DoseValue parse_dose(std::string_view text, std::string_view field);
// Reads what a user typed as a dose of the same kind as `like` ("750 mg/m2" where an mg/m2 dose
// is expected). Throws Error (quantity.*) naming `field`.
DoseValue parse_dose_like(std::string_view text, std::string_view field, const DoseValue& like);
// "5 mg/kg/day", "125 mg/day", "1,500 mg", "750 mg/m2", "50 million cells" (ISMP style).
std::string format_dose(const DoseValue& v);
// The same as people read it in `lang`: English as above; Chinese "5 mg/(kg·天)", "300 mg/天",
// "5000万个细胞（50×10⁶）" (the notation of the Chinese source texts), numbers without
// thousands separators.
std::string format_dose(const DoseValue& v, Lang lang);
LocalizedText dose_text(const DoseValue& v);  // both languages at once
// A dose range: "2–8 mg/kg/day" / "2–8 mg/(kg·天)".
LocalizedText dose_range_text(const DoseValue& low, const DoseValue& high);
// Same alternative (so the two can be compared).
bool same_kind(const DoseValue& a, const DoseValue& b);
// a < b. REQUIRES: same_kind(a, b).
bool dose_less(const DoseValue& a, const DoseValue& b);

// The regimen's dose rule: the dose the prescriber may choose, and how the day is split.
struct DoseRule {
  std::optional<DoseValue> min;  // all three of one kind; absent when no phase uses a chosen dose
  std::optional<DoseValue> max;
  Provenance range_from;
  std::optional<Sourced<DoseValue>> default_dose;
  int doses_per_day_min = 1;
  int doses_per_day_max = 1;
  Provenance doses_per_day_from;
  Sourced<int> default_doses_per_day{1, {}};
  // How a daily dose that does not split evenly is shared between administrations.
  Provenance uneven_split_from;
  // How a daily dose is rounded to what the product can give.
  Provenance rounding_from;
  // How far rounding may move the dose (percent of the exact dose) before the plan says so, and
  // what happens when rounding leaves the range or passes it: advise (the plan says so plainly
  // and offers the nearest doses inside the range) or refuse (an Error with those doses).
  std::optional<double> rounding_tolerance_percent;
  enum class RoundingPolicy { advise, refuse };
  RoundingPolicy rounding_policy = RoundingPolicy::advise;
  // Maxima the rule sets, enforced on what is given (refused, never clamped).
  std::optional<Sourced<DrugMass>> max_per_dose;
  std::optional<Sourced<DrugMass>> max_per_day;
  // The highest dose any phase may give, in the dose's own unit (the label maximum 4 mg/kg/day):
  // every planned phase's actual dose is checked against it.
  std::optional<Sourced<DoseValue>> maximum;
};

// What a plan does when the patient (or the plan) is outside a limit: say so on the first page
// (warn), or refuse the request (exit 2, nothing written).
enum class LimitAction { warn, refuse };

// Who the regimen is for. A limit with no value is not checked.
struct PopulationLimit {
  std::optional<double> min;  // years or kg (the input boundary's numbers, as PlanRequest's age)
  std::optional<double> max;
  Provenance from;
  LocalizedText message;  // shown when the patient is outside the limit
  LimitAction action = LimitAction::warn;
  // A `refuse` limit the user may pass with an explicit, recorded acknowledgement
  // (PlanRequest::acknowledge_off_label): an adult-only label asked for a child.
  bool acknowledgeable = false;
};
struct Population {
  std::optional<PopulationLimit> age_years;
  std::optional<PopulationLimit> weight_kg;
};

// One condition on what the plan knows of the patient. The limit is converted to the measure's
// type when the rules load, so a bad unit fails check-rules, never a patient's plan.
struct PatientCondition {
  enum class Measure {
    egfr,        // eGFR, mL/min/1.73 m2: CKD-EPI 2021 (adults) or bedside Schwartz (children)
    crcl,        // creatinine clearance, mL/min (Cockcroft-Gault, adults)
    creatinine,  // serum creatinine (umol/L or mg/dL in the rule)
    age          // years
  };
  enum class Compare { below, at_most, above, at_least };
  Measure measure = Measure::egfr;
  Compare compare = Compare::below;
  Clearance clearance{};            // egfr, crcl
  MolarConcentration creatinine{};  // creatinine
  double age_years = 0;             // age
  LocalizedText written;            // "eGFR below 25 mL/min/1.73 m²", for messages
};

// A rule on the patient: when every condition holds, the plan warns, refuses, or shows the
// source's reduction as text (never applied to a dose).
struct PatientRule {
  enum class Action { warn, refuse, reduce };
  std::string id;
  std::vector<PatientCondition> when;  // all must hold
  Action action = Action::warn;
  LocalizedText message;  // what the source says, for this patient
  Provenance from;
  // True when a condition needs kidney function (eGFR, CrCl or creatinine).
  bool needs_kidney_function() const;
};

// Body size: the weight above which the plan shows the dose on actual, ideal and adjusted body
// weight side by side (mg/kg doses) or says that the body-surface area is not capped (mg/m2).
struct BodySizeRule {
  Sourced<double> above_ideal_percent;  // actual weight > this % of ideal body weight
};

// Course bounds: the longest course the sources describe, and the taper's interval limits.
struct CourseRule {
  std::optional<Sourced<Span>> max_length;
  LimitAction max_length_action = LimitAction::warn;
  LocalizedText max_length_message;
  std::optional<Span> taper_every_min;  // a --taper-every outside these is refused
  std::optional<Span> taper_every_max;
  Provenance taper_every_from;
};

// Doses of some cycles of a cycles phase: cycles from..to (1-based, inclusive).
struct CycleDose {
  int from_cycle = 1;
  int to_cycle = 1;
  Sourced<DoseValue> dose;
};

// One phase of the regimen.
struct PhaseRule {
  enum class Kind {
    chosen_dose,  // the dose the prescriber chose within DoseRule, for a duration
    fixed_dose,   // a fixed level, for a duration
    taper,        // from the previous phase's dose down by `step` every `every` to the next phase's
    titration,    // from the previous phase's dose up by `step` every `every` to `level` (a
                  // maximum), then at the maximum until the phase's duration ends
    cycles        // one administration every `every`, `count` times, with per-cycle doses
  };
  std::string id;  // "induction", "taper", "maintenance", "pulses"
  LocalizedText name;
  Kind kind = Kind::chosen_dose;
  // Duration (chosen_dose, fixed_dose, titration): allowed range and default.
  Span min_duration{};
  Span max_duration{};
  Provenance duration_from;
  Sourced<Span> default_duration;
  // fixed_dose: the level; titration: the maximum.
  std::optional<Sourced<DoseValue>> level;
  // taper and titration: the step and how often it is taken; titration may cap the step count.
  std::optional<Sourced<DoseValue>> step;
  std::optional<Sourced<double>> step_percent;  // taper: percent of the dose it starts from
  Sourced<Span> every;
  std::optional<Sourced<int>> max_steps;
  // titration: the increases are made only if needed (e.g. response insufficient); said in `note`.
  bool conditional = false;
  // cycles: how many (range and default) and the doses; cycles without doses use the chosen dose.
  int min_count = 0;
  int max_count = 0;
  Provenance count_from;
  Sourced<int> default_count;
  std::vector<CycleDose> cycle_doses;
  LocalizedText note;  // printed with the phase
  // fixed_dose: the level is the target reached after a titration the sources do not give (the
  // rules' `target_after_titration`): every dose line says it is not the starting dose.
  bool target_after_titration = false;
};

// A periodic interval of the monitoring schedule: test every `every`, for `length` from the
// start of treatment (no length: until the end of the course).
struct MonitoringInterval {
  Span every{};
  std::optional<Span> length;
  Provenance from;
};

// Tests placed relative to each administration of a cycles phase: `day` 0 is the day of the
// administration, -1 the day before; the visit may take place from `day` to `day + window_days`.
struct AroundDose {
  int day = 0;
  int window_days = 0;
  LocalizedText label;  // "before the infusion", "nadir"
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
  std::vector<AroundDose> around_doses;
  std::vector<Sourced<Span>> at;     // single visits at start + span (may be after the course)
  std::optional<Provenance> at_end;  // a visit on the last day of treatment
  std::optional<Sourced<Span>> after_dose_change;  // re-check within this span of a dose change
  Provenance from;                                 // why this item is monitored at all
};

// A rule on a recorded result, used by the tracker to advise (educationally).
struct LabRule {
  enum class Condition {
    rise_over_baseline_percent,  // value >= baseline x (1 + threshold/100)
    above_uln_multiple,          // value > threshold x upper limit of normal
    above,                       // value > threshold (in `unit`)
    below,                       // value < threshold (in `unit`)
    outside_range                // value < low or value > high (in `unit`)
  };
  enum class Action { repeat_test, reduce_dose, interrupt, stop_and_contact, contact_doctor };
  std::string id;
  std::string test;  // lab id
  Condition condition = Condition::above;
  double threshold = 0;  // percent, multiple or value in `unit` (a boundary: units vary by test)
  double low = 0, high = 0;
  std::string unit;  // for above/below/outside_range
  // threshold (above, below) or low and high (outside_range) in the canonical unit of the test,
  // converted once when the rules load (check_rule_set, src/rules/lab_units.cpp).
  std::optional<LabValue> low_value, high_value;
  // How many results in a row must meet the condition (1: the latest alone). The label's
  // hypertension rule is "two systolic readings >140 mmHg": readings = 2. 1 to 10.
  int readings = 1;
  Action action = Action::contact_doctor;
  LocalizedText advice;
  Provenance from;
  friend bool operator==(const LabRule&, const LabRule&) = default;
};

// A worked example kept in the regimen file: a request and what the plan must say, worked out by
// hand (`worked`). `doseplan check-rules` builds each plan and compares.
struct GoldenCase {
  std::string pointer;  // JSON pointer of the case in the file, for messages
  std::string name;
  std::string worked;  // how the expected numbers were worked out
  // The ids of the plan's checks (PatientCheck::id), in order, when the case lists them; or the
  // error id the request must be refused with (then nothing else is compared).
  bool has_checks = false;
  std::vector<std::string> checks;
  std::string error;
  std::string request_json;  // a plan request (request.hpp)
  struct PhaseExpect {
    std::string id;     // phase id
    std::string first;  // YYYY-MM-DD
    std::string last;
    std::optional<double> daily_mg;  // rounded daily dose (or per administration for cycles)
    std::string administration;      // describe_administration() of the first administration
  };
  bool has_phases = false;  // "phases" given: every planned phase row, in order
  std::vector<PhaseExpect> phases;
  std::optional<double> egfr;  // mL/min/1.73 m2 to 1 decimal: CKD-EPI 2021 or bedside Schwartz
  bool has_visits = false;
  std::vector<std::string> visits;  // every visit date, in order
};

// A disagreement between sources, shown in every output (never resolved silently).
struct Disagreement {
  LocalizedText topic;
  std::vector<Sourced<LocalizedText>> positions;
  friend bool operator==(const Disagreement&, const Disagreement&) = default;
};

struct Regimen {
  int format_version = 1;
  std::string id;
  std::string file;  // where it was loaded from (for messages)
  struct Drug {
    std::string id;      // "cyclosporine"
    LocalizedText name;  // English with Tall Man letters: "cycloSPORINE"
    // Other names the sources use, optional: zh "环孢菌素A、环孢霉素" (the Chinese heading says
    // them after the Chinese name: 环孢素（又称环孢菌素A、环孢霉素；cycloSPORINE）).
    LocalizedText also_known_as;
  } drug;
  LocalizedText indication;
  std::string evidence;  // label | guideline | trial | case series | experimental
  std::vector<Source> sources;
  Population population;
  std::vector<PatientRule> patient_rules;
  std::optional<BodySizeRule> body_size;
  CourseRule course;
  DoseRule dose;
  std::vector<std::string> products;  // product ids allowed; the first is the default
  std::vector<PhaseRule> phases;
  std::vector<MonitoringRule> monitoring;
  Sourced<Span> baseline_spacing;  // days between baseline occasions, counted back from day 1
  // Where the windows of periodic, `at`, end-of-treatment and re-check visits come from (the rule
  // is in src/plan/monitoring_planner.cpp: a quarter of the interval, 1 to 7 days; ±7; 7 days
  // before; 3 days before). Around-dose windows carry their own provenance. Absent: said in the
  // plan.
  std::optional<Provenance> visit_windows;
  std::vector<LabRule> lab_rules;
  std::vector<GoldenCase> test_cases;
  std::vector<Sourced<LocalizedText>> warnings;
  std::vector<Disagreement> disagreements;
  std::string bsa_formula = "mosteller";  // for mg/m2 doses: mosteller | dubois
  Provenance bsa_formula_from;
  // Set by load_rules: the catalogue version and the hash of this file with the files every
  // regimen shares (catalogue.json, labs.json, products.json, sources.json).
  RulesStamp stamp;

  // True when some phase gives the chosen dose (a chosen_dose phase, or cycles without doses).
  bool uses_chosen_dose() const;
  const Source* find_source(const std::string& id) const;
};

// "source itp6-003 (ITP6 patients' site, …, §治疗方法): “…”" or "project default: <reason>".
std::string cite(const Regimen& r, const Provenance& p);
// Where a number comes from, in both languages. English names the document's title and the
// section: "source itp6-003 (<title>, <section>): “quote”" ("secondary source …" when the document
// is a secondary summary); Chinese only the citation's id and its quote (the plan's bibliography
// holds the title); or "project default: <reason>".
LocalizedText cite_text(const Regimen& regimen, const Provenance& from);

}  // namespace doseplan

#endif  // DOSEPLAN_REGIMEN_HPP_
