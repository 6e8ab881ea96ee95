// doseplan — from a request (patient + choices) to a Plan: phases, doses and monitoring visits.
//
// make_plan() is the whole pipeline:
//   validate the request against the regimen (never clamps: out of range is an Error)
//   -> DoseCalculator (dose.hpp) for each dose level
//   -> build_phases(): dated phases, taper steps
//   -> plan_visits(): baseline and periodic tests merged into dated visits
// A Plan is a plain value holding everything a renderer needs: no renderer looks at the rules.
#ifndef DOSEPLAN_PLAN_HPP_
#define DOSEPLAN_PLAN_HPP_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "doseplan/body.hpp"
#include "doseplan/dates.hpp"
#include "doseplan/dose.hpp"
#include "doseplan/regimen.hpp"
#include "doseplan/rules.hpp"
#include "doseplan/units.hpp"

namespace doseplan {

inline constexpr int kPlanFormatVersion = 1;

struct PlanRequest {
  std::string regimen_id;
  BodyMass weight{};
  Date start{};
  std::optional<Length> height;                  // needed for mg/m2 doses (body-surface area)
  std::optional<double> age_years;               // checked against the regimen's population
  std::optional<Date> birth_date;                // gives the age at the start date
  std::optional<Sex> sex;                        // for ideal body weight and kidney function
  std::optional<MolarConcentration> creatinine;  // baseline serum creatinine (either unit typed)
  std::optional<DoseValue> dose;                 // default: the regimen's default (same kind)
  std::optional<int> doses_per_day;              // default: the regimen's default
  std::optional<std::string> product_id;         // default: the regimen's first product
  // Where the patient lives (a Market id of products.json, `--market`): only the strengths sold
  // there are used. Default: every strength of the product, each one sold only in some markets
  // said so in the plan (Plan::product_notes).
  std::optional<std::string> market;
  std::map<std::string, Span> phase_durations;  // by phase id, e.g. {"induction", 3 months}
  std::optional<DoseRate> taper_step;
  std::optional<Span> taper_every;
  std::map<std::string, int> cycle_counts;  // by phase id, for cycles phases
  // The user's recorded acknowledgement that a label is used outside the population it is for
  // (`--acknowledge-off-label`): a population limit whose rule allows it then warns instead of
  // refusing, and every output page says that it was acknowledged.
  bool acknowledge_off_label = false;
  // Make the audit trail (how every number was made: `plan --explain`, the JSON "audit"). Off,
  // the plan is the same without it, and much cheaper to make: a batch of thousands of plans,
  // an HTML or PDF schedule, a calendar never show it.
  bool explain = false;
};

// Plausible body weights (not a dosing limit): outside this range the input is taken as a typo.
inline constexpr double kMinPlausibleWeightKg = 0.5;
inline constexpr double kMaxPlausibleWeightKg = 350;

struct PlannedPhase {
  std::string phase_id;
  LocalizedText name;
  int step = 0;  // taper, titration: step 1..steps; cycles: cycle 1..steps; otherwise 0
  int steps = 0;
  bool cycle = false;        // one administration on `first` (== `last`)
  bool conditional = false;  // a titration step taken only if needed (see `note`)
  Date first{};
  Date last{};  // inclusive
  DailyDose dose;
  Provenance dose_from;
  Provenance duration_from;
  LocalizedText note;
  // Said beside every dose line of the row in every output, when not empty: "target dose, reached
  // after titration: not the starting dose; ..." (PhaseRule::target_after_titration).
  LocalizedText dose_note;
};

struct VisitItem {
  std::string monitoring_id;
  LocalizedText name;
  std::vector<std::string> tests;  // lab ids
  LocalizedText timing;
  // Why the test is on this day, in both languages: "baseline 1 of 2, before day 1", "every 2
  // weeks for the first 3 months"; two reasons on one day are joined ("; ").
  LocalizedText reason;
  // Each reason as a summary of the whole course says it, once per kind: "before day 1,
  // 2 occasions", "pre-dose: on the day of each administration" (render_text's "Why and when").
  std::vector<LocalizedText> summaries;
  Provenance from;        // the interval's (or baseline count's) provenance
  int window_before = 0;  // the visit may take place from date - window_before days
  int window_after = 0;   // ... to date + window_after days
};

struct Visit {
  Date date{};
  bool baseline = false;  // before day 1
  std::vector<VisitItem> items;
};

// What a phase needs of the product, and the course's running total (issue 20). Plain arithmetic
// of the plan's own doses: no source doseplan cites gives a supply or discusses a cumulative
// limit, and the outputs say so. A conditional step (taken only if needed) is counted as if it
// were taken: the totals are the most the plan can give.
struct PhaseSupply {
  int days = 0;             // days the phase's dose is taken (1 for a cycle's administration)
  int administrations = 0;  // doses given in the phase (days x the day's doses)
  DrugMass total{};         // the phase's whole amount (0 for cells)
  std::optional<CellCount> total_cells;
  std::vector<UnitCount> units;      // solids: capsules or tablets of each strength, largest first
  std::optional<DrugVolume> volume;  // solutions: the volume measured in all
  std::vector<UnitCount> vials;      // IV: the vials prepared in all, largest first
  // Whole packs, when the product has a pack size (Product::pack_count, pack_volume): for solids
  // one count per element of `units`; for solutions one count (bottles). Empty otherwise.
  std::vector<int> packs;
  Date lasts_until{};  // the phase's last day: a supply for the whole phase lasts until then
  // The last visit on or before `lasts_until` (the place to get the next phase's supply), if any
  // visit falls within the phase.
  std::optional<Date> visit_before;
  DrugMass cumulative{};  // the course's total up to and including this phase
  std::optional<CellCount> cumulative_cells;
  std::optional<DosePerArea> cumulative_per_area;  // cumulative / body-surface area, when known
};

// Each phase's supply and the running total, one element per element of `phases` (same order).
std::vector<PhaseSupply> plan_supply(const std::vector<PlannedPhase>& phases,
                                     const std::vector<Visit>& visits, const Product& product,
                                     std::optional<Area> bsa);

// A value no source gives, as used in this plan.
// Texts in both languages (en, zh-CN): the plan is made once and rendered in either.
struct ProjectDefaultUse {
  LocalizedText what;       // "dose" / "剂量"
  LocalizedText value;      // "5 mg/kg/day"
  LocalizedText reason;     // from the rules (Provenance::reason)
  bool overridden = false;  // the user chose another value
  friend bool operator==(const ProjectDefaultUse&, const ProjectDefaultUse&) = default;
};

// A fact about the patient, a planned dose or the course judged against the regimen's sourced
// limits (the rules' `population`, `patient_rules`, `body_size`, `course`, the dose range and
// maxima). A plan outside a limit says so on its first page in every output; a limit whose
// action is `refuse` throws instead (never reaches a Plan).
struct PatientCheck {
  // What was judged, a stable id: "population.age", "population.weight", "population.missing",
  // "kidney_function", "kidney_function.missing", "body_size.above_ideal",
  // "phase_dose.outside_range", "phase_dose.above_maximum", "phase_dose.rounded_down_to_maximum",
  // "phase_dose.rounding_deviation", "course.too_long".
  std::string id;
  std::string rule_id;  // the id of the rule in the regimen file, when one made it
  // warn: outside a limit, said; reduce: the source's reduction, shown as text and never applied;
  // acknowledged: outside a limit that refuses, planned because the user acknowledged it.
  enum class Action { warn, reduce, acknowledged };
  Action action = Action::warn;
  LocalizedText text;  // the whole sentence: the fact and its value, the limit, what it means
  Provenance from;     // the limit's source (or project default)
  friend bool operator==(const PatientCheck&, const PatientCheck&) = default;
};
const char* to_string(PatientCheck::Action a);  // "warn", "reduce", "acknowledged"

struct Plan {
  int format_version = kPlanFormatVersion;
  // The request the plan was made from, as make_plan was given it: the JSON plan carries it
  // ("request", written by write_plan_request), so that the plan can be made again from its file.
  PlanRequest request;
  struct RegimenRef {
    std::string id;
    std::string file;
    Regimen::Drug drug;
    LocalizedText indication;
    std::string evidence;
  } regimen;
  BodyMass weight{};
  std::optional<Length> height;
  std::optional<Area> bsa;
  std::string bsa_formula;  // "mosteller" or "dubois", when bsa is set
  std::optional<double> age_years;
  std::optional<Sex> sex;
  std::optional<MolarConcentration> creatinine;
  // Body size and kidney function, when the inputs allow (docs/formulas.md); for information.
  std::optional<BodyMass> ideal_weight;
  std::optional<BodyMass> adjusted_weight;
  std::optional<Clearance> egfr;  // CKD-EPI 2021, per 1.73 m2
  std::optional<Clearance> crcl;  // Cockcroft-Gault
  // Children (under 18 years): the adult equations above are not reported; the bedside Schwartz
  // eGFR (0.413 x height cm / creatinine mg/dL, per 1.73 m2) is, when height is given.
  std::optional<Clearance> egfr_schwartz;
  std::vector<AuditStep> body_audit;  // how each of the above was made (with `explained`)
  bool explained = false;  // made with PlanRequest::explain: body_audit and every dose's audit
  Date start{};
  Date end{};                                // last day of treatment
  std::optional<Sourced<DoseValue>> chosen;  // the chosen dose, when a phase uses one
  DoseRule dose_rule;
  Sourced<int> doses_per_day;
  Product product;  // with only the strengths sold in `market`, when one is chosen
  std::optional<Market> market;
  // About the product's strengths, in every output beside the product: which strengths the plan
  // uses and where they come from (source or project default), the market chosen (or that none
  // was, and which strengths are sold only in some markets).
  std::vector<LocalizedText> product_notes;
  std::vector<PlannedPhase> phases;
  std::vector<PhaseSupply> supply;  // one per phase (same order): supply and cumulative dose
  std::vector<Visit> visits;
  std::vector<LabTest> labs;    // the tests named in visits
  std::vector<Source> sources;  // the regimen's citations, then the product's not already there
  RulesStamp stamp;             // the program and the rules that made this plan
  std::vector<ProjectDefaultUse> project_defaults;
  std::vector<Sourced<LocalizedText>> warnings;
  std::vector<LabRule> lab_rules;  // what a result means (educational), for patients and trackers
  std::vector<Disagreement> disagreements;
  std::vector<LocalizedText> advisories;  // e.g. rounding took the dose outside the range
  // The patient judged against the regimen's limits: first on the first page of every output.
  std::vector<PatientCheck> checks;
  // Limits passed with the user's acknowledgement (`--acknowledge-off-label`): on every page.
  std::vector<LocalizedText> acknowledgements;
  LocalizedText disclaimer;
};

// The educational-aid disclaimer every output carries.
LocalizedText disclaimer();

// Throws Error (ids in docs/errors.md) for an unknown regimen or product, a weight outside the
// plausible range, a dose, number of doses a day or duration outside the regimen's range, a product
// the regimen does not allow, and doses the product can not give.
Plan make_plan(const RuleSet& rules, const PlanRequest& request);

// What a plan cites: the regimen's citations, then the product's (strengths, markets) whose ids
// the regimen does not already use.
std::vector<Source> cited_sources(const Regimen& regimen, const Product& product);

// Dated phases from `start` (used by make_plan; exposed for tests and other tools).
// `chosen` is the dose of the chosen_dose phase (and of cycles without doses); durations and
// counts must already be validated.
std::vector<PlannedPhase> build_phases(const Regimen& regimen, const PlanRequest& request,
                                       const Product& product, const BodySize& body,
                                       const std::optional<DoseValue>& chosen, int doses_per_day);

// Monitoring visits for a course from `start` to `end` (inclusive), merged by date, sorted.
// `administrations` are the days of cycle administrations (for tests around each dose).
// `dose_changes` are the first days of daily phases whose dose differs from the day before (for
// the re-checks after a dose change).
std::vector<Visit> plan_visits(const Regimen& regimen, Date start, Date end,
                               const std::vector<Date>& administrations = {},
                               const std::vector<Date>& dose_changes = {});

// When a test around each administration is done, in words: "pre-dose: 1 day before each
// administration", "nadir: day 7–10 after each administration" (the course summary of a plan
// and `doseplan show` say it the same way).
LocalizedText describe_around_each(const AroundDose& around);

}  // namespace doseplan

#endif  // DOSEPLAN_PLAN_HPP_
