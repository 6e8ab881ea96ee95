// The plan judges the patient it is for: see patient_checks.hpp.
#include "plan/patient_checks.hpp"

#include <algorithm>
#include <cmath>

#include "doseplan/body.hpp"
#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"

namespace doseplan::detail {
namespace {

constexpr double kEpsilon = 1e-9;

// "source gengraf-label" / "project default": short, the whole citation is in the plan's sources.
LocalizedText short_cite(const Provenance& from) {
  if (from.project_default) return tr_both("project default");
  return tr_both("source {id}", {{"id", same_text(from.source_id)}});
}

void add_check(Plan& plan, std::string id, std::string rule_id, PatientCheck::Action action,
               LocalizedText text, const Provenance& from) {
  plan.checks.push_back({std::move(id), std::move(rule_id), action, std::move(text), from});
}

// --- population ---------------------------------------------------------------------------

LocalizedText limit_text(const PopulationLimit& limit, const char* unit) {
  const std::string u = unit;
  if (limit.min && limit.max) {
    return same_text(format_number(*limit.min) + "–" + format_number(*limit.max) + " " + u);
  }
  if (limit.min)
    return tr_both("at least {n}", {{"n", same_text(format_number(*limit.min) + " " + u)}});
  return tr_both("at most {n}", {{"n", same_text(format_number(*limit.max) + " " + u)}});
}

void judge_population_limit(Plan& plan, const Regimen& r, const PlanRequest& q,
                            const std::optional<PopulationLimit>& limit,
                            std::optional<double> value, const char* what, const char* unit) {
  if (!limit) return;
  const std::string id = std::string("population.") + what;
  if (!value) {
    add_check(plan, "population.missing", "", PatientCheck::Action::warn,
              tr_both(std::string("The regimen is described for a limited ") + what +
                          " range ({limit}); no " + what + " was given, so it was not checked.",
                      {{"limit", limit->message}}),
              limit->from);
    return;
  }
  if (!((limit->min && *value < *limit->min) || (limit->max && *value > *limit->max))) return;
  const LocalizedText fact = tr_both(
      std::string("The patient's ") + what + " ({value}) is outside {limit} ({source}): {message}",
      {{"value", same_text(format_number(*value) + " " + unit)},
       {"limit", limit_text(*limit, unit)},
       {"source", short_cite(limit->from)},
       {"message", limit->message}});
  if (limit->action == LimitAction::warn) {
    add_check(plan, id, "", PatientCheck::Action::warn, fact, limit->from);
    return;
  }
  if (limit->acknowledgeable && q.acknowledge_off_label) {
    add_check(plan, id, "", PatientCheck::Action::acknowledged, fact, limit->from);
    plan.acknowledgements.push_back(
        tr_both("Used outside the population it is for, acknowledged by the user "
                "(--acknowledge-off-label): {fact}",
                {{"fact", fact}}));
    return;
  }
  const bool age = std::string_view(what) == "age";
  const std::string n = format_number(*value);
  const std::string lo = limit->min ? format_number(*limit->min) : "";
  const std::string hi = limit->max ? format_number(*limit->max) : "";
  // The value and the limit in Chinese: "10岁", "18–75岁", "至少18岁", "62 kg".
  const std::string value_zh = tr_both(age ? "{n} years old" : "{n} kg", {{"n", same_text(n)}}).zh;
  const std::string limit_zh =
      limit->min && limit->max ? tr_both(age ? "{min}–{max} years old" : "{min}–{max} kg",
                                         {{"min", same_text(lo)}, {"max", same_text(hi)}})
                                     .zh
      : limit->min
          ? tr_both(age ? "at least {n} years old" : "at least {n} kg", {{"n", same_text(lo)}}).zh
          : tr_both(age ? "at most {n} years old" : "at most {n} kg", {{"n", same_text(hi)}}).zh;
  // ZhValues holds views: every string it names must outlive it (no temporaries).
  const std::string what_zh = tr(Lang::zh_CN, age ? "the age" : "the body weight");
  const std::string source_zh = short_cite(limit->from).zh;
  const ZhValues zh = {{"what", what_zh},
                       {"value", value_zh},
                       {"limit", limit_zh},
                       {"source", source_zh},
                       {"message", limit->message.zh}};
  throw Error("input.population", what,
              format_number(*value) + " " + unit + " is outside the regimen's population " +
                  limit_text(*limit, unit).en + " (" + limit->message.en + "); " +
                  cite(r, limit->from) +
                  (limit->acknowledgeable
                       ? "; to plan it anyway, acknowledge it with --acknowledge-off-label "
                         "(recorded on every page)"
                       : ""),
              limit->acknowledgeable
                  ? zh_detail("The patient's {what} {value} is outside the population the regimen "
                              "is for, {limit} ({source}): {message} To plan it anyway, add "
                              "--acknowledge-off-label (it is recorded on every page), and "
                              "discuss it with the doctor.",
                              zh)
                  : zh_detail("The patient's {what} {value} is outside the population the regimen "
                              "is for, {limit} ({source}): {message} The regimen refuses it: "
                              "discuss another treatment with the doctor.",
                              zh));
}

// --- patient rules (kidney function, age) ------------------------------------------------------

struct Measured {
  std::optional<Clearance> egfr;  // CKD-EPI 2021 (adults) or bedside Schwartz (children)
  LocalizedText egfr_how;
  std::optional<Clearance> crcl;
  std::optional<MolarConcentration> creatinine;
  std::optional<double> age;
};

// The value of `c`'s measure as text ("eGFR 24.6 mL/min/1.73 m² (CKD-EPI 2021)"), and whether
// the condition holds; nullopt when the plan does not know the measure.
std::optional<std::pair<bool, LocalizedText>> evaluate(const PatientCondition& c,
                                                       const Measured& m) {
  using M = PatientCondition::Measure;
  double value = 0, limit = 0;
  LocalizedText shown;
  switch (c.measure) {
    case M::egfr:
      if (!m.egfr) return std::nullopt;
      value = in_mL_per_min(*m.egfr);
      limit = in_mL_per_min(c.clearance);
      shown = tr_both("eGFR {value} mL/min/1.73 m² ({how})",
                      {{"value", same_text(format_number(value, 1))}, {"how", m.egfr_how}});
      break;
    case M::crcl:
      if (!m.crcl) return std::nullopt;
      value = in_mL_per_min(*m.crcl);
      limit = in_mL_per_min(c.clearance);
      shown = tr_both("creatinine clearance {value} mL/min (Cockcroft–Gault)",
                      {{"value", same_text(format_number(value, 1))}});
      break;
    case M::creatinine:
      if (!m.creatinine) return std::nullopt;
      value = in_umol_per_L(*m.creatinine);
      limit = in_umol_per_L(c.creatinine);
      shown = tr_both("creatinine {value} umol/L", {{"value", same_text(format_number(value, 1))}});
      break;
    case M::age:
      if (!m.age) return std::nullopt;
      value = *m.age;
      limit = c.age_years;
      shown = tr_both("age {value} years", {{"value", same_text(format_number(value))}});
      break;
  }
  using C = PatientCondition::Compare;
  bool holds = false;
  switch (c.compare) {
    case C::below:
      holds = value < limit - kEpsilon;
      break;
    case C::at_most:
      holds = value <= limit + kEpsilon;
      break;
    case C::above:
      holds = value > limit + kEpsilon;
      break;
    case C::at_least:
      holds = value >= limit - kEpsilon;
      break;
  }
  return std::pair{holds, shown};
}

// What the plan lacks to judge kidney function: "creatinine", "age and sex", "height".
LocalizedText kidney_inputs_missing(const Plan& plan) {
  if (!plan.creatinine) return tr_both("a baseline serum creatinine (--creatinine)");
  if (!plan.age_years) return tr_both("the age (--age or --birth-date)");
  if (*plan.age_years < kAdultAgeYears && !plan.height) return tr_both("the height (--height)");
  return tr_both("the sex (--sex)");
}

void judge_patient_rules(Plan& plan, const Regimen& r) {
  Measured m;
  m.egfr = plan.egfr ? plan.egfr : plan.egfr_schwartz;
  m.egfr_how = plan.egfr ? tr_both("CKD-EPI 2021") : tr_both("bedside Schwartz");
  m.crcl = plan.crcl;
  m.creatinine = plan.creatinine;
  m.age = plan.age_years;
  std::string kidney_unjudged, age_unjudged;
  Provenance kidney_from, age_from;  // the first rule not judged: where the need comes from
  for (const PatientRule& rule : r.patient_rules) {
    bool all = true, known = true;
    LocalizedText facts;
    for (const PatientCondition& c : rule.when) {
      const auto e = evaluate(c, m);
      if (!e) {
        known = false;
        continue;
      }
      all = all && e->first;
      facts =
          facts.en.empty() ? e->second : tr_both("{a} and {b}", {{"a", facts}, {"b", e->second}});
    }
    if (!known) {
      std::string& list = rule.needs_kidney_function() ? kidney_unjudged : age_unjudged;
      if (list.empty()) (rule.needs_kidney_function() ? kidney_from : age_from) = rule.from;
      list += (list.empty() ? "" : ", ") + rule.id;
      continue;
    }
    if (!all) continue;
    LocalizedText limits;
    for (const PatientCondition& c : rule.when)
      limits =
          limits.en.empty() ? c.written : tr_both("{a} and {b}", {{"a", limits}, {"b", c.written}});
    const std::string id = rule.needs_kidney_function() ? "kidney_function" : "population.age";
    if (rule.action == PatientRule::Action::refuse) {
      const std::string field = rule.needs_kidney_function() ? "creatinine" : "age";
      throw Error("input.patient_rule", field,
                  facts.en + ": the regimen refuses a patient with " + limits.en + " (rule " +
                      rule.id + "): " + rule.message.en + "; " + cite(r, rule.from),
                  zh_detail("{facts}: the regimen refuses a patient with {limits} (rule {rule}, "
                            "{source}): {message} doseplan makes no plan for this patient: discuss "
                            "the treatment with the doctor.",
                            {{"facts", facts.zh},
                             {"limits", limits.zh},
                             {"rule", rule.id},
                             {"source", short_cite(rule.from).zh},
                             {"message", rule.message.zh}}));
    }
    const bool reduce = rule.action == PatientRule::Action::reduce;
    add_check(plan, id, rule.id, reduce ? PatientCheck::Action::reduce : PatientCheck::Action::warn,
              tr_both(reduce ? "{facts}, that is {limits} ({source}): {message} This reduction is "
                               "the source's; it is shown here and not applied to the doses of "
                               "this plan."
                             : "{facts}, that is {limits} ({source}): {message}",
                      {{"facts", facts},
                       {"limits", limits},
                       {"source", short_cite(rule.from)},
                       {"message", rule.message}}),
              rule.from);
  }
  if (!kidney_unjudged.empty()) {
    add_check(
        plan, "kidney_function.missing", kidney_unjudged, PatientCheck::Action::warn,
        tr_both("Baseline kidney function is needed for this regimen: its rules {rules} "
                "could not be judged without {missing}.",
                {{"rules", same_text(kidney_unjudged)}, {"missing", kidney_inputs_missing(plan)}}),
        kidney_from);
  }
  if (!age_unjudged.empty()) {
    add_check(plan, "population.missing", age_unjudged, PatientCheck::Action::warn,
              tr_both("The regimen's rules {rules} depend on the age; no age was given, so they "
                      "were not checked.",
                      {{"rules", same_text(age_unjudged)}}),
              age_from);
  }
}

// --- body size -----------------------------------------------------------------------------

void judge_body_size(Plan& plan, const Regimen& r) {
  if (!r.body_size || !plan.ideal_weight || !(*plan.ideal_weight > kilograms(0))) return;
  const double percent = plan.weight / *plan.ideal_weight * 100.0;
  const double threshold = r.body_size->above_ideal_percent.value;
  if (!(percent > threshold + kEpsilon)) return;
  LocalizedText text = tr_both(
      "Body weight {weight} is {percent}% of the ideal body weight {ideal} (Devine), above "
      "{threshold}% ({source}).",
      {{"weight", same_text(format_kg(plan.weight))},
       {"percent", same_text(format_number(percent, 0))},
       {"ideal", same_text(format_kg(*plan.ideal_weight))},
       {"threshold", same_text(format_number(threshold))},
       {"source", short_cite(r.body_size->above_ideal_percent.from)}});
  const auto append = [&text](const LocalizedText& more) {
    text.en += " " + more.en;
    text.zh += more.zh;
  };
  const PlannedPhase* first = nullptr;
  for (const PlannedPhase& p : plan.phases)
    if (!p.dose.administrations.front().cells) {
      first = &p;
      break;
    }
  if (first && std::holds_alternative<DoseRate>(first->dose.target)) {
    const DoseRate rate = std::get<DoseRate>(first->dose.target);
    const auto on = [&](BodyMass w) {
      return same_text(format_mg(DrugMass(rate * w * days(1))) + " (" + format_kg(w) + ")");
    };
    append(
        tr_both("{phase}, {dose}, exact daily dose on actual weight {actual}, on ideal weight "
                "{ideal}, on adjusted weight {adjusted}. This plan uses the actual weight; "
                "the prescriber chooses the dosing weight.",
                {{"phase", first->name},
                 {"dose", dose_text(rate)},
                 {"actual", on(plan.weight)},
                 {"ideal", on(*plan.ideal_weight)},
                 {"adjusted", on(*plan.adjusted_weight)}}));
  } else if (plan.bsa) {
    append(
        tr_both("The body-surface area {bsa} m² is from the actual weight and is not capped; "
                "the prescriber decides whether to cap it.",
                {{"bsa", same_text(format_number(in_m2(*plan.bsa), 2))}}));
  }
  add_check(plan, "body_size.above_ideal", "", PatientCheck::Action::warn, text,
            r.body_size->above_ideal_percent.from);
}

// --- every phase's dose --------------------------------------------------------------------------

// The phase's actual dose in the regimen's dose unit (mg/kg/day or mg/m2), when it has one.
std::optional<DoseValue> actual_dose(const PlannedPhase& p) {
  if (std::holds_alternative<DosePerArea>(p.dose.target) && p.dose.actual_per_area)
    return DoseValue{*p.dose.actual_per_area};
  if (p.dose.actual_rate) return DoseValue{*p.dose.actual_rate};
  return std::nullopt;
}

LocalizedText row_name(const PlannedPhase& p) {
  if (p.steps == 0) return p.name;
  return tr_both("{phase} {k}", {{"phase", p.name}, {"k", same_text(std::to_string(p.step))}});
}

void judge_phase(Plan& plan, const Regimen& r, const PlannedPhase& p, const PhaseRule& rule) {
  const std::optional<DoseValue> actual = actual_dose(p);
  const DoseRule& d = r.dose;
  const bool is_chosen = plan.chosen && p.dose.target == plan.chosen->value && !p.cycle &&
                         rule.kind == PhaseRule::Kind::chosen_dose;
  if (p.dose.nearest_daily && rule.level) {
    add_check(plan, "phase_dose.rounded_down_to_maximum", rule.id, PatientCheck::Action::warn,
              tr_both("{phase}: the nearest amount {nearest} would pass the maximum {maximum} "
                      "({source}); the plan gives {rounded} ({actual}), the largest amount at or "
                      "below it.",
                      {{"phase", row_name(p)},
                       {"nearest", mg_text(*p.dose.nearest_daily)},
                       {"maximum", dose_text(rule.level->value)},
                       {"source", short_cite(rule.level->from)},
                       {"rounded", mg_text(p.dose.rounded_daily)},
                       {"actual", actual ? dose_text(*actual) : same_text("")}}),
              rule.level->from);
  }
  if (!actual) return;
  // The regimen's maximum, and a titration's own cap.
  for (const auto* cap :
       {d.maximum ? &*d.maximum : nullptr,
        rule.kind == PhaseRule::Kind::titration && rule.level ? &*rule.level : nullptr}) {
    if (!cap || !same_kind(cap->value, *actual)) continue;
    if (dose_less(cap->value, *actual) &&
        dose_number(*actual) > dose_number(cap->value) * (1 + kEpsilon)) {
      add_check(plan, "phase_dose.above_maximum", rule.id, PatientCheck::Action::warn,
                tr_both("{phase}: the actual dose {actual} is above the maximum {maximum} "
                        "({source}). Discuss the dose with the prescriber.",
                        {{"phase", row_name(p)},
                         {"actual", dose_text(*actual)},
                         {"maximum", dose_text(cap->value)},
                         {"source", short_cite(cap->from)}}),
                cap->from);
      break;
    }
  }
  if (is_chosen) return;  // the chosen dose's range and tolerance: add_advisories (plan_notes.cpp)
  // A fixed level inside the regimen's range stays inside it after rounding.
  if (rule.kind == PhaseRule::Kind::fixed_dose && d.min && d.max && same_kind(*d.min, *actual) &&
      !dose_less(p.dose.target, *d.min) && !dose_less(*d.max, p.dose.target) &&
      (dose_less(*actual, *d.min) || dose_less(*d.max, *actual))) {
    add_check(plan, "phase_dose.outside_range", rule.id, PatientCheck::Action::warn,
              tr_both("{phase}: after rounding the actual dose is {actual} ({rounded} a day), "
                      "outside the regimen's range {range} ({source}). Discuss the dose with the "
                      "prescriber.",
                      {{"phase", row_name(p)},
                       {"actual", dose_text(*actual)},
                       {"rounded", mg_text(p.dose.rounded_daily)},
                       {"range", dose_range_text(*d.min, *d.max)},
                       {"source", short_cite(d.range_from)}}),
              d.range_from);
    return;
  }
  if (d.rounding_tolerance_percent && !p.dose.nearest_daily &&
      std::abs(p.dose.deviation_percent) > *d.rounding_tolerance_percent + kEpsilon) {
    add_check(plan, "phase_dose.rounding_deviation", rule.id, PatientCheck::Action::warn,
              tr_both("{phase}: rounding to what {product} can give moves the dose by {percent} "
                      "({rounded} instead of {exact}), more than the tolerance of {tolerance}% "
                      "({source}).",
                      {{"phase", row_name(p)},
                       {"product", plan.product.name},
                       {"percent", same_text(format_percent(p.dose.deviation_percent))},
                       {"rounded", mg_text(p.dose.rounded_daily)},
                       {"exact", mg_text(p.dose.exact_daily)},
                       {"tolerance", same_text(format_number(*d.rounding_tolerance_percent))},
                       {"source", short_cite(d.rounding_from)}}),
              d.rounding_from);
  }
}

// --- course length ---------------------------------------------------------------------------

void judge_course(Plan& plan, const Regimen& r) {
  if (!r.course.max_length) return;
  const Date limit = add_span(plan.start, r.course.max_length->value) - date::days{1};
  if (!(plan.end > limit)) return;
  const long days = (plan.end - plan.start).count() + 1;
  const LocalizedText text = tr_both(
      "The course lasts {days} days ({start} to {end}), longer than {max} ({source}): "
      "{message}",
      {{"days", same_text(std::to_string(days))},
       {"start", same_text(format_date(plan.start))},
       {"end", same_text(format_date(plan.end))},
       {"max", span_text(r.course.max_length->value)},
       {"source", short_cite(r.course.max_length->from)},
       {"message", r.course.max_length_message}});
  if (r.course.max_length_action == LimitAction::refuse) {
    throw Error("input.course_too_long", "course",
                std::to_string(days) + " days (" + format_date(plan.start) + " to " +
                    format_date(plan.end) + ") is longer than the regimen's maximum " +
                    to_string(r.course.max_length->value) + ": " + r.course.max_length_message.en +
                    "; " + cite(r, r.course.max_length->from),
                zh_detail("The course lasts {days} days ({start} to {end}), longer than the "
                          "regimen's maximum of {max} ({source}): {message} Shorten a phase "
                          "(--phase-duration) or give fewer cycles (--cycles).",
                          {{"days", std::to_string(days)},
                           {"start", format_date(plan.start)},
                           {"end", format_date(plan.end)},
                           {"max", span_text(r.course.max_length->value).zh},
                           {"source", short_cite(r.course.max_length->from).zh},
                           {"message", r.course.max_length_message.zh}}));
  }
  add_check(plan, "course.too_long", "", PatientCheck::Action::warn, text,
            r.course.max_length->from);
}

}  // namespace

void check_course_options(const Regimen& r, const PlanRequest& q, const Product& product) {
  if (q.taper_step) {
    const DrugMass daily = DrugMass(*q.taper_step * q.weight * days(1));
    const DrugMass step = product.smallest_step();
    if (daily < step - milligrams(kEpsilon)) {
      throw Error(
          "input.out_of_range", "taper-step",
          format_dose(DoseValue{*q.taper_step}) + " × " + format_kg(q.weight) + " = " +
              format_mg(daily) + " a day is less than " + format_mg(step) + ", the smallest step " +
              product.name.en +
              " can give (rules/products.json); a smaller taper step would repeat the "
              "same dose",
          zh_detail(
              "The taper step {step} × {weight} = {daily} a day is less than "
              "{smallest}, the smallest step {product} can give: a smaller step would "
              "repeat the same dose. Use a larger --taper-step.",
              {{"step", without_thousands(format_dose(DoseValue{*q.taper_step}, Lang::zh_CN))},
               {"weight", format_kg(q.weight)},
               {"daily", without_thousands(format_mg(daily))},
               {"smallest", without_thousands(format_mg(step))},
               {"product", product.name.zh}}));
    }
  }
  const CourseRule& c = r.course;
  if (q.taper_every && (c.taper_every_min || c.taper_every_max)) {
    const bool below = c.taper_every_min && span_less(*q.taper_every, *c.taper_every_min, q.start);
    const bool above = c.taper_every_max && span_less(*c.taper_every_max, *q.taper_every, q.start);
    if (below || above) {
      const std::string range =
          (c.taper_every_min ? to_string(*c.taper_every_min) : std::string("1 day")) + " to " +
          (c.taper_every_max ? to_string(*c.taper_every_max) : std::string("any length"));
      const std::string range_zh =
          tr_both(
              "{min} to {max}",
              {{"min", c.taper_every_min ? span_text(*c.taper_every_min) : tr_both("1 day")},
               {"max", c.taper_every_max ? span_text(*c.taper_every_max) : tr_both("any length")}})
              .zh;
      throw Error("input.out_of_range", "taper-every",
                  to_string(*q.taper_every) + " is outside the allowed range " + range + "; " +
                      cite(r, c.taper_every_from),
                  zh_detail("The taper interval {value} is outside the range the regimen allows, "
                            "{range} ({source}): use an interval inside the range, e.g. "
                            "--taper-every \"{example}\".",
                            {{"value", span_text(*q.taper_every).zh},
                             {"example", c.taper_every_min ? to_string(*c.taper_every_min)
                                                           : std::string("2 weeks")},
                             {"range", range_zh},
                             {"source", short_cite(c.taper_every_from).zh}}));
    }
  }
}

void measure_body(Plan& plan) {
  const bool adult = plan.age_years && *plan.age_years >= kAdultAgeYears;
  const bool child = plan.age_years && *plan.age_years < kAdultAgeYears;
  if (plan.height && plan.sex && !child) {
    plan.ideal_weight = ideal_body_weight(*plan.height, *plan.sex);
    plan.adjusted_weight = adjusted_body_weight(plan.weight, *plan.ideal_weight);
  }
  if (plan.creatinine && adult && plan.sex) {
    plan.egfr = egfr_ckd_epi_2021(*plan.creatinine, *plan.age_years, *plan.sex);
    plan.crcl = crcl_cockcroft_gault(*plan.creatinine, *plan.age_years, plan.weight, *plan.sex);
  }
  if (plan.creatinine && child && plan.height) {
    plan.egfr_schwartz = egfr_bedside_schwartz(*plan.height, *plan.creatinine);
  }
}

void judge_patient(Plan& plan, const Regimen& r, const PlanRequest& q) {
  judge_population_limit(plan, r, q, r.population.age_years, plan.age_years, "age", "years");
  judge_population_limit(plan, r, q, r.population.weight_kg, in_kg(plan.weight), "weight", "kg");
  judge_patient_rules(plan, r);
  judge_body_size(plan, r);
  for (const PlannedPhase& p : plan.phases) {
    const auto rule = std::find_if(r.phases.begin(), r.phases.end(),
                                   [&](const PhaseRule& ph) { return ph.id == p.phase_id; });
    if (rule != r.phases.end()) judge_phase(plan, r, p, *rule);
  }
  judge_course(plan, r);
}

}  // namespace doseplan::detail
