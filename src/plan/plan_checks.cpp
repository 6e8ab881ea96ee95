// The request checked against its regimen before a plan is built, and the built plan's maxima and
// dates (make_plan, src/plan/plan.cpp; declarations in src/plan/plan_build.hpp).
//
// Each refusal writes its English message and its Chinese detail (value, range, source, fix;
// issue 16) beside the check that makes it; the limits are listed in docs/errors.md.
#include <algorithm>
#include <cmath>
#include <set>

#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/plan.hpp"
#include "plan/plan_build.hpp"

namespace doseplan {
namespace {

[[noreturn]] void out_of_range(const std::string& field, const std::string& value,
                               const std::string& range, const std::string& citation,
                               std::string zh = "") {
  throw Error("input.out_of_range", field,
              value + " is outside the allowed range " + range + "; " + citation, std::move(zh));
}

// Where a limit comes from, short, in Chinese (for an error's Chinese detail): "来源 itp6-003".
std::string source_zh(const Provenance& from) {
  if (from.project_default) return tr(Lang::zh_CN, "project default");
  return tr_both("source {id}", {{"id", same_text(from.source_id)}}).zh;
}

// A dose as typed on the command line: "5mg/kg/d", "750mg/m2".
std::string dose_as_typed(const DoseValue& v) {
  return format_number(dose_number(v)) + dose_unit(v);
}

// A span as typed on the command line: "3mo", "2w", "14d".
std::string span_as_typed(const Span& s) {
  return std::to_string(s.count) + (s.unit == Span::Unit::day    ? "d"
                                    : s.unit == Span::Unit::week ? "w"
                                                                 : "mo");
}

// How a regimen's dose is counted, in Chinese ("每公斤体重每天").
std::string dose_basis_zh(const DoseValue& v) {
  static constexpr std::string_view kBasis[] = {
      "per kilogram of body weight per day", "as a total a day", "per dose",
      "per square metre of body-surface area", "as a number of cells"};
  return tr(Lang::zh_CN, kBasis[v.index()]);
}

std::string range_text(const DoseValue& lo, const DoseValue& hi) {
  return dose_range_text(lo, hi).en;
}

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

// Weight, height, age, birth date and creatinine against doseplan's plausibility limits (they
// catch typing mistakes; docs/errors.md).
void check_body(const PlanRequest& q) {
  const double kg = in_kg(q.weight);
  if (!(kg >= kMinPlausibleWeightKg && kg <= kMaxPlausibleWeightKg)) {
    out_of_range(
        "weight", format_kg(q.weight),
        format_number(kMinPlausibleWeightKg) + "–" + format_number(kMaxPlausibleWeightKg) + " kg",
        "doseplan's plausibility limits for a body weight (docs/errors.md)",
        zh_detail("The body weight {value} is outside doseplan's plausibility limits {range} (they "
                  "catch typing mistakes and are not dosing limits): check the number and its "
                  "unit, e.g. --weight 62kg.",
                  {{"value", format_kg(q.weight)},
                   {"range", format_number(kMinPlausibleWeightKg) + "–" +
                                 format_number(kMaxPlausibleWeightKg) + " kg"}}));
  }
  if (q.height) {
    const double cm = in_cm(*q.height);
    if (!(cm >= kMinPlausibleHeightCm && cm <= kMaxPlausibleHeightCm)) {
      out_of_range(
          "height", format_number(cm) + " cm",
          format_number(kMinPlausibleHeightCm) + "–" + format_number(kMaxPlausibleHeightCm) + " cm",
          "doseplan's plausibility limits for a height (docs/errors.md)",
          zh_detail("The height {value} is outside doseplan's plausibility limits {range} (they "
                    "catch typing mistakes): check the number and its unit, e.g. --height 165cm.",
                    {{"value", format_number(cm) + " cm"},
                     {"range", format_number(kMinPlausibleHeightCm) + "–" +
                                   format_number(kMaxPlausibleHeightCm) + " cm"}}));
    }
  }
  if (q.age_years &&
      !(*q.age_years >= kMinPlausibleAgeYears && *q.age_years <= kMaxPlausibleAgeYears)) {
    out_of_range("age", format_number(*q.age_years) + " years", "0–120 years",
                 "doseplan's plausibility limits for an age (docs/errors.md)",
                 zh_detail("The age {value} years is outside doseplan's plausibility limits 0–120 "
                           "years: check the number, e.g. --age 45.",
                           {{"value", format_number(*q.age_years)}}));
  }
  if (q.birth_date && *q.birth_date > q.start) {
    throw Error(
        "input.out_of_range", "birth-date",
        format_date(*q.birth_date) + " is after the start date " + format_date(q.start),
        zh_detail("The birth date {birth} is after the start date {start}: check both "
                  "dates (YYYY-MM-DD).",
                  {{"birth", format_date(*q.birth_date)}, {"start", format_date(q.start)}}));
  }
  if (q.creatinine && !(in_umol_per_L(*q.creatinine) > 0 && in_umol_per_L(*q.creatinine) < 5000)) {
    out_of_range(
        "creatinine", format_number(in_umol_per_L(*q.creatinine)) + " umol/L",
        "more than 0 and less than 5,000 umol/L",
        "doseplan's plausibility limits for a serum creatinine (docs/errors.md)",
        zh_detail("The serum creatinine {value} µmol/L is outside doseplan's "
                  "plausibility limits (more than 0 and less than 5000 µmol/L): check "
                  "the number and its unit (was mg/dL written as µmol/L?), e.g. "
                  "--creatinine 95umol/L.",
                  {{"value", without_thousands(format_number(in_umol_per_L(*q.creatinine)))}}));
  }
}

// The chosen dose (its kind and range) and the doses a day against the regimen.
void check_dose(const Regimen& r, const PlanRequest& q) {
  const DoseRule& d = r.dose;
  if (q.dose) {
    if (!r.uses_chosen_dose()) {
      throw Error("input.not_applicable", "dose",
                  "regimen " + r.id + " gives each dose itself; no dose is chosen",
                  zh_detail("Regimen {regimen} gives each dose itself and no dose is chosen: "
                            "leave out --dose.",
                            {{"regimen", r.id}}));
    }
    if (!same_kind(*q.dose, *d.min)) {
      throw Error(
          "input.wrong_dose_kind", "dose",
          format_dose(*q.dose) + " is not a dose in " + dose_unit(*d.min) +
              ", the unit of regimen " + r.id,
          zh_detail("The dose {value} does not fit regimen {regimen}, whose dose is "
                    "counted {basis}: write it as {example} (allowed range {range}, "
                    "{source}).",
                    {{"value", without_thousands(format_dose(*q.dose, Lang::zh_CN))},
                     {"regimen", r.id},
                     {"basis", dose_basis_zh(*d.min)},
                     {"example", dose_as_typed(d.default_dose ? d.default_dose->value : *d.min)},
                     {"range", without_thousands(dose_range_text(*d.min, *d.max).zh)},
                     {"source", source_zh(d.range_from)}}));
    }
    if (dose_less(*q.dose, *d.min) || dose_less(*d.max, *q.dose)) {
      out_of_range(
          "dose", format_dose(*q.dose), range_text(*d.min, *d.max), cite(r, d.range_from),
          zh_detail("The dose {value} is outside the range the regimen allows, {range} "
                    "({source}); doseplan does not adjust it: use a dose inside the range.",
                    {{"value", without_thousands(format_dose(*q.dose, Lang::zh_CN))},
                     {"range", without_thousands(dose_range_text(*d.min, *d.max).zh)},
                     {"source", source_zh(d.range_from)}}));
    }
  }
  if (q.doses_per_day &&
      (*q.doses_per_day < d.doses_per_day_min || *q.doses_per_day > d.doses_per_day_max)) {
    out_of_range(
        "doses-per-day",
        std::to_string(*q.doses_per_day) + (*q.doses_per_day == 1 ? " dose" : " doses") + " a day",
        std::to_string(d.doses_per_day_min) + "–" + std::to_string(d.doses_per_day_max) +
            " doses a day",
        cite(r, d.doses_per_day_from),
        zh_detail("{value} doses a day is outside the range the regimen allows, {min}–{max} "
                  "doses a day ({source}): use a number inside the range, e.g. --doses-per-day "
                  "{example}.",
                  {{"value", std::to_string(*q.doses_per_day)},
                   {"min", std::to_string(d.doses_per_day_min)},
                   {"max", std::to_string(d.doses_per_day_max)},
                   {"source", source_zh(d.doses_per_day_from)},
                   {"example", std::to_string(d.default_doses_per_day.value)}}));
  }
}

// Cycle counts and phase lengths against each phase's limits; a phase the regimen does not have.
void check_phase_options(const Regimen& r, const PlanRequest& q) {
  std::set<std::string> phase_ids;
  for (const PhaseRule& p : r.phases) {
    phase_ids.insert(p.id);
    if (const auto it = q.cycle_counts.find(p.id); it != q.cycle_counts.end()) {
      if (p.kind != PhaseRule::Kind::cycles) {
        throw Error("input.not_applicable", p.id, "phase " + p.id + " is not a cycles phase",
                    zh_detail("Phase {phase} ({name}) has no cycles: leave out --cycles {phase}=….",
                              {{"phase", p.id}, {"name", p.name.zh}}));
      }
      if (it->second < p.min_count || it->second > p.max_count) {
        out_of_range(p.id, std::to_string(it->second) + " cycles",
                     std::to_string(p.min_count) + "–" + std::to_string(p.max_count) + " cycles",
                     cite(r, p.count_from),
                     zh_detail("{value} cycles of {name} is outside the range the regimen allows, "
                               "{min}–{max} ({source}): use a number inside the range, e.g. "
                               "--cycles {phase}={example}.",
                               {{"value", std::to_string(it->second)},
                                {"name", p.name.zh},
                                {"min", std::to_string(p.min_count)},
                                {"max", std::to_string(p.max_count)},
                                {"source", source_zh(p.count_from)},
                                {"phase", p.id},
                                {"example", std::to_string(p.max_count)}}));
      }
    }
    const auto it = q.phase_durations.find(p.id);
    if (it == q.phase_durations.end()) continue;
    if (p.kind == PhaseRule::Kind::taper || p.kind == PhaseRule::Kind::cycles) {
      throw Error("input.not_applicable", p.id,
                  "the length of phase " + p.id +
                      " follows from its steps (or cycles) and interval; set those instead",
                  zh_detail("The length of {name} ({phase}) follows from its steps (or cycles) "
                            "and interval: set --taper-step, --taper-every or --cycles instead.",
                            {{"name", p.name.zh}, {"phase", p.id}}));
    }
    if (span_less(it->second, p.min_duration, q.start) ||
        span_less(p.max_duration, it->second, q.start)) {
      out_of_range(p.id, to_string(it->second),
                   to_string(p.min_duration) + " to " + to_string(p.max_duration),
                   cite(r, p.duration_from),
                   zh_detail("The length {value} of {name} is outside the range the regimen "
                             "allows, {min} to {max} ({source}): use a length inside the range, "
                             "e.g. --phase-duration {phase}={example}.",
                             {{"value", span_text(it->second).zh},
                              {"name", p.name.zh},
                              {"min", span_text(p.min_duration).zh},
                              {"max", span_text(p.max_duration).zh},
                              {"source", source_zh(p.duration_from)},
                              {"phase", p.id},
                              {"example", span_as_typed(p.max_duration)}}));
    }
  }
  for (const auto& [id, span] : q.phase_durations) {
    if (!phase_ids.count(id)) {
      throw Error("input.unknown_phase", id, "regimen " + r.id + " has no phase \"" + id + "\"",
                  zh_detail("Regimen {regimen} has no phase {phase}: see its phases with "
                            "doseplan show {regimen}.",
                            {{"regimen", r.id}, {"phase", id}}));
    }
  }
  for (const auto& [id, count] : q.cycle_counts) {
    if (!phase_ids.count(id)) {
      throw Error("input.unknown_phase", id, "regimen " + r.id + " has no phase \"" + id + "\"",
                  zh_detail("Regimen {regimen} has no phase {phase}: see its phases with "
                            "doseplan show {regimen}.",
                            {{"regimen", r.id}, {"phase", id}}));
    }
  }
}

// The taper step and interval: positive, and only for a regimen with a taper (a step only in
// mg/kg/day). Their limits from the product and the regimen: check_course_options.
void check_taper_options(const Regimen& r, const PlanRequest& q) {
  if (q.taper_step && in_mg_per_kg_per_day(*q.taper_step) <= 0) {
    throw Error("input.out_of_range", "taper-step", "the taper step must be greater than 0",
                zh_detail("The taper step must be greater than 0, e.g. --taper-step 0.5mg/kg/d."));
  }
  if (q.taper_every && q.taper_every->count <= 0) {
    throw Error("input.out_of_range", "taper-every", "the taper interval must be at least 1 day",
                zh_detail("The taper interval must be at least 1 day, e.g. --taper-every "
                          "\"2 weeks\"."));
  }
  const bool has_taper = std::any_of(r.phases.begin(), r.phases.end(), [](const PhaseRule& p) {
    return p.kind == PhaseRule::Kind::taper;
  });
  for (const PhaseRule& p : r.phases) {
    if (p.kind == PhaseRule::Kind::taper && q.taper_step &&
        !(p.step && std::holds_alternative<DoseRate>(p.step->value))) {
      throw Error("input.not_applicable", "taper-step",
                  "the taper of regimen " + r.id +
                      " is not in mg/kg/day; its step can not be set "
                      "in mg/kg/day",
                  zh_detail("The taper of regimen {regimen} is not counted per kilogram per day: "
                            "its step can not be set with --taper-step; leave it out.",
                            {{"regimen", r.id}}));
    }
  }
  if ((q.taper_step || q.taper_every) && !has_taper) {
    throw Error("input.not_applicable", q.taper_step ? "taper-step" : "taper-every",
                "regimen " + r.id + " has no taper",
                zh_detail("Regimen {regimen} has no taper: leave out --taper-step and "
                          "--taper-every.",
                          {{"regimen", r.id}}));
  }
}

// A dose per m2 of body-surface area needs the height.
void check_height_given(const Regimen& r, const PlanRequest& q) {
  const DoseRule& d = r.dose;
  const bool per_area = std::any_of(r.phases.begin(), r.phases.end(),
                                    [&](const PhaseRule& p) {
                                      for (const CycleDose& cd : p.cycle_doses)
                                        if (std::holds_alternative<DosePerArea>(cd.dose.value))
                                          return true;
                                      return false;
                                    }) ||
                        (d.min && std::holds_alternative<DosePerArea>(*d.min));
  if (per_area && !q.height) {
    throw Error("input.missing", "height",
                "regimen " + r.id +
                    " doses per m2 of body-surface area: give --height, e.g. "
                    "--height 165cm",
                zh_detail("Regimen {regimen} doses by body-surface area, which needs the height: "
                          "add it, e.g. --height 165cm.",
                          {{"regimen", r.id}}));
  }
}

// Whole years from `birth` to `on`.
double age_on(Date birth, Date on) {
  const date::year_month_day b{birth}, d{on};
  int years = static_cast<int>(d.year()) - static_cast<int>(b.year());
  if (d.month() < b.month() || (d.month() == b.month() && d.day() < b.day())) --years;
  return years;
}

}  // namespace

namespace detail {

void check_request(const Regimen& r, const PlanRequest& q) {
  check_body(q);
  check_dose(r, q);
  check_phase_options(r, q);
  check_taper_options(r, q);
  check_height_given(r, q);
}

const Product& product_for(const RuleSet& rules, const Regimen& r, const PlanRequest& q) {
  const std::string product_id = q.product_id.value_or(r.products.front());
  const Product* product = rules.find_product(product_id);
  if (!product) {
    std::vector<std::string> ids;
    for (const Product& p : rules.products) ids.push_back(p.id);
    throw Error("input.unknown_product", "product",
                "no product \"" + product_id + "\"; known: " + join_ids(ids),
                zh_detail("There is no product {id}: use one the regimen lists, {known}.",
                          {{"id", product_id}, {"known", join_ids(r.products)}}));
  }
  bool allowed = false;
  for (const auto& id : r.products) allowed = allowed || id == product_id;
  if (!allowed) {
    // Name the formulation clash plainly when a cyclosporine variant is refused.
    std::string why;
    const Product* usual = rules.find_product(r.products.front());
    if (product->drug == "cyclosporine" && usual && usual->variant != product->variant) {
      why = " (" + product->variant + " cycloSPORINE is not interchangeable with " +
            usual->variant + " cycloSPORINE)";
    }
    throw Error("input.product_not_allowed", "product",
                "regimen " + r.id + " may be given only as " + join_ids(r.products) + ", not " +
                    product_id + why,
                why.empty()
                    ? zh_detail("Regimen {regimen} may be given only as {allowed}: use one of "
                                "them with --product.",
                                {{"regimen", r.id}, {"allowed", join_ids(r.products)}})
                    : zh_detail("Regimen {regimen} may be given only as {allowed}: modified and "
                                "non-modified cycloSPORINE are not interchangeable; use one of "
                                "them with --product.",
                                {{"regimen", r.id}, {"allowed", join_ids(r.products)}}));
  }
  return *product;
}

std::optional<double> patient_age(const PlanRequest& q) {
  if (!q.birth_date) return q.age_years;
  const double age = age_on(*q.birth_date, q.start);
  if (q.age_years && *q.age_years != age) {
    throw Error("input.conflict", "age",
                "age " + format_number(*q.age_years) + " does not match the birth date " +
                    format_date(*q.birth_date) + " (" + format_number(age) + " on " +
                    format_date(q.start) + ")",
                zh_detail("The age {age} years does not match the birth date {birth} ({computed} "
                          "years on {start}): give only one of --age and --birth-date, or correct "
                          "it.",
                          {{"age", format_number(*q.age_years)},
                           {"birth", format_date(*q.birth_date)},
                           {"computed", format_number(age)},
                           {"start", format_date(q.start)}}));
  }
  return age;
}

void refuse_beyond_four_digit_years(Date start, Date end, const std::vector<Visit>& visits) {
  const Date first_day = date::year{1} / 1 / 1, last_day = date::year{9999} / 12 / 31;
  Date from = start, to = end;
  for (const Visit& v : visits) {
    from = std::min(from, v.date);
    to = std::max(to, v.date);
  }
  if (from >= first_day && to <= last_day) return;
  const std::string outside =
      from < first_day ? "begins before 0001-01-01" : "runs beyond 9999-12-31";
  throw Error("input.out_of_range", "start",
              "a plan from " + format_date(start) + " " + outside +
                  ": dates are written with four-digit years; give a start date from which the "
                  "whole plan, its baseline tests included, stays within 0001-01-01 to 9999-12-31",
              zh_detail("A plan from {start} would leave the years 0001 to 9999 (four-digit "
                        "years): check the start date.",
                        {{"start", format_date(start)}}));
}

void check_maxima(const Plan& plan, const Regimen& r) {
  for (const PlannedPhase& p : plan.phases) {
    const std::string name = p.name.en + (p.steps > 0 ? " " + std::to_string(p.step) : "");
    if (r.dose.max_per_day && p.dose.rounded_daily > r.dose.max_per_day->value + milligrams(1e-9) &&
        !p.cycle) {
      throw Error("input.above_maximum", "dose",
                  name + ": " + format_mg(p.dose.rounded_daily) + " a day is above the maximum " +
                      format_mg(r.dose.max_per_day->value) + " a day; " +
                      cite(r, r.dose.max_per_day->from),
                  zh_detail("{phase}: {amount} a day is above the regimen's maximum of {max} a day "
                            "({source}); doseplan refuses it and never lowers a dose: choose a "
                            "lower dose with the doctor.",
                            {{"phase", p.name.zh},
                             {"amount", without_thousands(format_mg(p.dose.rounded_daily))},
                             {"max", without_thousands(format_mg(r.dose.max_per_day->value))},
                             {"source", source_zh(r.dose.max_per_day->from)}}));
    }
    for (const Administration& a : p.dose.administrations) {
      if (r.dose.max_per_dose && a.amount > r.dose.max_per_dose->value + milligrams(1e-9)) {
        throw Error("input.above_maximum", "dose",
                    name + ": " + format_mg(a.amount) + " in one dose is above the maximum " +
                        format_mg(r.dose.max_per_dose->value) + " per dose; " +
                        cite(r, r.dose.max_per_dose->from),
                    zh_detail("{phase}: {amount} in one dose is above the regimen's maximum of "
                              "{max} a dose ({source}); doseplan refuses it and never lowers a "
                              "dose: choose a lower dose with the doctor.",
                              {{"phase", p.name.zh},
                               {"amount", without_thousands(format_mg(a.amount))},
                               {"max", without_thousands(format_mg(r.dose.max_per_dose->value))},
                               {"source", source_zh(r.dose.max_per_dose->from)}}));
      }
    }
  }
}

}  // namespace detail
}  // namespace doseplan
