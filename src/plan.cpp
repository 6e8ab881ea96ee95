// make_plan(): validate the request against the regimen, then build phases and visits.
//
// Why this file is long (about 940 lines): each refusal of a request writes its English message and
// its Chinese detail (value, range, source, fix; issue 16) beside the check that makes it, and the
// project-default and audit notes of a plan are gathered here. Issue 19 moves request validation
// into its own file (src/plan/validate.cpp), the seam that brings this one under 800 lines.
#include <algorithm>
#include <cmath>
#include <set>

#include "doseplan/body.hpp"
#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/plan.hpp"
#include "patient_checks.hpp"
#include "product_market.hpp"

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

void check_request(const Regimen& r, const PlanRequest& q) {
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

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

// `what()` and `value()` make the texts, only for a project default.
template <class What, class Value>
void note_default(Plan& plan, const Provenance& from, What&& what, Value&& value) {
  if (from.project_default) {
    plan.project_defaults.push_back({what(), value(), from.reason, from.overridden});
  }
}

// The windows the planner gives periodic, `at`, end-of-treatment and re-check visits (rules.md,
// "Windows"): a project default, listed whenever the plan has such a visit. Their provenance is
// the regimen's monitoring.visit_windows; a regimen without it gets the plain statement.
void note_visit_windows(Plan& plan, const Regimen& r) {
  const bool used = std::any_of(r.monitoring.begin(), r.monitoring.end(), [](const auto& m) {
    return !m.intervals.empty() || !m.at.empty() || m.at_end || m.after_dose_change;
  });
  if (!used || plan.visits.empty()) return;
  Provenance from;
  if (r.visit_windows) {
    from = *r.visit_windows;
  } else {
    from.project_default = true;
    from.reason = tr_both(
        "No source gives how many days a visit may move; the regimen's rules do "
        "not say where these windows come from.");
  }
  note_default(
      plan, from, [] { return tr_both("visit windows"); },
      [] {
        return tr_both(
            "periodic visits ± a quarter of their interval (1 to 7 days); single "
            "visits ± 7 days; end of treatment up to 7 days before; re-checks up to "
            "3 days before");
      });
}

// "Induction, duration" / "诱导期疗程": a value of a phase or monitored item, by its name.
LocalizedText of(const LocalizedText& name, std::string_view key) {
  return tr_both("{name}, {what}", {{"name", name}, {"what", tr_both(key)}});
}

// Whole years from `birth` to `on`.
double age_on(Date birth, Date on) {
  const date::year_month_day b{birth}, d{on};
  int years = static_cast<int>(d.year()) - static_cast<int>(b.year());
  if (d.month() < b.month() || (d.month() == b.month() && d.day() < b.day())) --years;
  return years;
}

// How measure_body's values were made, for the audit trail.
void explain_body(Plan& plan, const Regimen& r) {
  const std::string w = format_kg(plan.weight);
  if (plan.bsa) {
    plan.body_audit.push_back(
        {tr_both("body-surface area"),
         same_text(r.bsa_formula == "dubois"
                       ? "DuBois: 0.007184 × " + format_number(in_cm(*plan.height)) + "^0.725 × " +
                             format_number(in_kg(plan.weight)) + "^0.425"
                       : "Mosteller: √(" + format_number(in_cm(*plan.height)) + " cm × " + w +
                             " / 3600)"),
         same_text(format_number(in_m2(*plan.bsa), 4) + " m²"),
         same_text(r.bsa_formula == "dubois" ? "DuBois & DuBois 1916"
                                             : "Mosteller, NEJM 1987;317:1098")});
  }
  if (plan.ideal_weight) {
    const bool male = *plan.sex == Sex::male;
    plan.body_audit.push_back(
        {tr_both("ideal body weight (Devine, adults)"),
         same_text(std::string("Devine: ") + (male ? "50" : "45.5") + " kg + 2.3 kg × (" +
                   format_number(in_cm(*plan.height) / 2.54, 2) + " in − 60 in)"),
         same_text(format_kg(*plan.ideal_weight)), same_text("Devine 1974")});
    plan.body_audit.push_back({tr_both("adjusted body weight (adults)"),
                               same_text(format_kg(*plan.ideal_weight) + " + 0.4 × (" + w + " − " +
                                         format_kg(*plan.ideal_weight) + ")"),
                               same_text(format_kg(*plan.adjusted_weight)),
                               tr_both("common pharmacy practice (clincalc.com)")});
  }
  if (plan.egfr_schwartz) {
    const double scr = creatinine_in_mg_per_dL(*plan.creatinine);
    plan.body_audit.push_back(
        {tr_both("eGFR (bedside Schwartz, children)"),
         same_text("0.413 × " + format_number(in_cm(*plan.height)) + " cm / " +
                   format_number(scr, 3) + " mg/dL"),
         same_text(format_number(in_mL_per_min(*plan.egfr_schwartz), 1) + " mL/min/1.73 m²"),
         same_text("Schwartz et al., J Am Soc Nephrol 2009;20:629–637")});
  }
  if (plan.egfr) {
    const double scr = creatinine_in_mg_per_dL(*plan.creatinine);
    const bool female = *plan.sex == Sex::female;
    const std::string scr_text = format_number(in_umol_per_L(*plan.creatinine), 1) +
                                 " \u00b5mol/L = " + format_number(scr, 3) + " mg/dL (÷ 88.4)";
    plan.body_audit.push_back(
        {tr_both("eGFR (CKD-EPI 2021, adults)"),
         same_text("142 × min(Scr/" + std::string(female ? "0.7" : "0.9") + ", 1)^" +
                   (female ? "−0.241" : "−0.302") + " × max(Scr/" + (female ? "0.7" : "0.9") +
                   ", 1)^−1.200 × 0.9938^" + format_number(*plan.age_years) +
                   (female ? " × 1.012" : "") + "; Scr " + scr_text),
         same_text(format_number(in_mL_per_min(*plan.egfr), 1) + " mL/min/1.73 m²"),
         same_text("Inker et al., NEJM 2021")});
    plan.body_audit.push_back(
        {tr_both("creatinine clearance (Cockcroft–Gault, adults)"),
         same_text("(140 − " + format_number(*plan.age_years) + ") × " + w + " / (72 × " +
                   format_number(scr, 3) + " mg/dL)" + (female ? " × 0.85" : "")),
         same_text(format_number(in_mL_per_min(*plan.crcl), 1) + " mL/min"),
         same_text("Cockcroft & Gault 1976")});
  }
}

void list_project_defaults(Plan& plan, const Regimen& r, const Product& product) {
  const auto same = [](std::string text) { return same_text(std::move(text)); };
  // At most one use per value looked at below.
  std::size_t most = 13 + 5 * r.phases.size();
  for (const MonitoringRule& m : r.monitoring)
    most += 3 + m.intervals.size() + m.around_doses.size() + m.at.size();
  plan.project_defaults.reserve(most);
  if (plan.chosen) {
    note_default(
        plan, plan.chosen->from, [&] { return tr_both("dose"); },
        [&] { return dose_text(plan.chosen->value); });
  }
  if (r.dose.doses_per_day_max > 1) {
    note_default(
        plan, plan.doses_per_day.from, [&] { return tr_both("doses a day"); },
        [&] { return same(std::to_string(plan.doses_per_day.value)); });
  }
  if (product.form != Product::Form::cells) {
    note_default(
        plan, r.dose.rounding_from, [&] { return tr_both("rounding"); },
        [&] {
          return tr_both("nearest {step}, half down", {{"step", mg_text(product.smallest_step())}});
        });
  }
  if (plan.bsa) {
    note_default(
        plan, r.bsa_formula_from, [&] { return tr_both("body-surface area formula"); },
        [&] { return tr_both(plan.bsa_formula == "dubois" ? "DuBois" : "Mosteller"); });
  }
  if (r.dose.doses_per_day_max > 1) {
    note_default(
        plan, r.dose.uneven_split_from, [&] { return tr_both("uneven split"); },
        [&] { return tr_both("extra to the earliest doses"); });
  }
  if (product.volume_step) {
    note_default(
        plan, product.volume_step_from, [&] { return tr_both("measurable volume"); },
        [&] { return same(format_mL(*product.volume_step)); });
  }
  if (product.rounding_step) {
    note_default(
        plan, product.rounding_step_from, [&] { return tr_both("IV rounding step"); },
        [&] { return mg_text(*product.rounding_step); });
  }
  for (const PhaseRule& ph : r.phases) {
    const auto row = std::find_if(plan.phases.begin(), plan.phases.end(),
                                  [&](const PlannedPhase& p) { return p.phase_id == ph.id; });
    if (row == plan.phases.end()) continue;
    switch (ph.kind) {
      case PhaseRule::Kind::cycles:
        note_default(
            plan, ph.every.from, [&] { return of(ph.name, "interval"); },
            [&] { return span_text(ph.every.value); });
        break;
      case PhaseRule::Kind::taper:  // the planned rows carry the user's overrides
        note_default(
            plan, row->dose_from, [&] { return of(ph.name, "step"); },
            [&] {
              return ph.step ? dose_text(ph.step->value)
                             : tr_both("{percent}% of the starting dose",
                                       {{"percent", same(format_number(ph.step_percent->value))}});
            });
        note_default(
            plan, row->duration_from, [&] { return of(ph.name, "interval"); },
            [&] { return span_text(ph.every.value); });
        break;
      case PhaseRule::Kind::titration:
        note_default(
            plan, ph.step->from, [&] { return of(ph.name, "step"); },
            [&] { return dose_text(ph.step->value); });
        note_default(
            plan, ph.every.from, [&] { return of(ph.name, "interval"); },
            [&] { return span_text(ph.every.value); });
        note_default(
            plan, ph.level->from, [&] { return of(ph.name, "maximum"); },
            [&] { return dose_text(ph.level->value); });
        note_default(
            plan, row->duration_from, [&] { return of(ph.name, "duration"); },
            [&] { return span_text(ph.default_duration.value); });
        break;
      case PhaseRule::Kind::chosen_dose:
      case PhaseRule::Kind::fixed_dose:
        note_default(
            plan, row->duration_from, [&] { return of(ph.name, "duration"); },
            [&] {
              return span_text(
                  Span{static_cast<int>((row->last - row->first).count() + 1), Span::Unit::day});
            });
        if (ph.level) {
          note_default(
              plan, ph.level->from, [&] { return of(ph.name, "dose"); },
              [&] { return dose_text(ph.level->value); });
        }
        break;
    }
  }
  for (const PhaseRule& ph : r.phases) {
    if (ph.kind == PhaseRule::Kind::cycles) {
      note_default(
          plan, ph.default_count.from, [&] { return of(ph.name, "count"); },
          [&] { return same(std::to_string(ph.default_count.value)); });
    }
  }
  note_default(
      plan, r.baseline_spacing.from, [&] { return tr_both("baseline spacing"); },
      [&] { return span_text(r.baseline_spacing.value); });
  note_visit_windows(plan, r);
  for (const MonitoringRule& m : r.monitoring) {
    const int n = m.baseline_occasions.value;
    note_default(
        plan, m.baseline_occasions.from, [&] { return of(m.name, "baseline"); },
        [&] {
          return tr_both(n == 1 ? "{n} occasion" : "{n} occasions",
                         {{"n", same(std::to_string(n))}});
        });
    for (const MonitoringInterval& iv : m.intervals) {
      note_default(
          plan, iv.from, [&] { return of(m.name, "interval"); },
          [&] {
            LocalizedText every = every_text(iv.every);
            return iv.length ? tr_both("{every} for {span}",
                                       {{"every", every}, {"span", span_text(*iv.length)}})
                             : every;
          });
    }
    for (const AroundDose& a : m.around_doses) {
      note_default(
          plan, a.from, [&] { return of(m.name, "around each dose"); },
          [&] {
            return tr_both("day {n}", {{"n", same(std::to_string(a.day))}});
          });
    }
    for (const Sourced<Span>& at : m.at) {
      note_default(
          plan, at.from, [&] { return of(m.name, "at"); }, [&] { return span_text(at.value); });
    }
    if (m.after_dose_change) {
      note_default(
          plan, m.after_dose_change->from,
          [&] { return of(m.name, "re-check after a dose change"); },
          [&] {
            return tr_both("within {span}", {{"span", span_text(m.after_dose_change->value)}});
          });
    }
  }
}

void add_advisories(Plan& plan, const Regimen& r, const Product& product) {
  // A taper that vanished or steps that give the same dose after rounding are said plainly.
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    if (r.phases[i].kind != PhaseRule::Kind::taper) continue;
    const bool any =
        std::any_of(plan.phases.begin(), plan.phases.end(),
                    [&](const PlannedPhase& p) { return p.phase_id == r.phases[i].id; });
    if (!any) {
      plan.advisories.push_back(
          tr_both("No {taper} step: the dose before it is not more than one step above the "
                  "{next} level, which follows at once.",
                  {{"taper", r.phases[i].name}, {"next", r.phases[i + 1].name}}));
    }
  }
  for (std::size_t k = 1; k < plan.phases.size(); ++k) {
    const PlannedPhase& a = plan.phases[k - 1];
    const PlannedPhase& b = plan.phases[k];
    if (a.cycle || b.cycle) continue;
    if (a.dose.rounded_daily == b.dose.rounded_daily) {
      plan.advisories.push_back(
          tr_both("From {date} ({phase}) the daily dose after rounding is still {amount}, the "
                  "same as before.",
                  {{"date", same_text(format_date(b.first))},
                   {"phase", b.name},
                   {"amount", mg_text(b.dose.rounded_daily)}}));
    }
  }
  // Rounding never changes the range silently: say so when the chosen dose leaves it, or moves
  // more than the regimen's tolerance; with the policy "refuse" the plan is refused instead.
  if (!plan.chosen || !r.dose.min) return;
  for (const PlannedPhase& p : plan.phases) {
    if (!(p.dose.target == plan.chosen->value)) continue;
    std::optional<DoseValue> actual;
    double amount_per_unit = 0;  // mg per 1 of the dose unit: kg x 1 day, or the BSA
    if (std::holds_alternative<DoseRate>(p.dose.target) && p.dose.actual_rate) {
      actual = *p.dose.actual_rate;
      amount_per_unit = in_kg(plan.weight);
    } else if (std::holds_alternative<DosePerArea>(p.dose.target) && p.dose.actual_per_area) {
      actual = *p.dose.actual_per_area;
      amount_per_unit = in_m2(*plan.bsa);
    }
    if (!actual) continue;
    const bool outside = dose_less(*actual, *r.dose.min) || dose_less(*r.dose.max, *actual);
    const bool past_tolerance =
        r.dose.rounding_tolerance_percent &&
        std::abs(p.dose.deviation_percent) > *r.dose.rounding_tolerance_percent;
    if (!outside && !past_tolerance) continue;
    const auto same = [](std::string text) { return same_text(std::move(text)); };
    // Whole sentences, one after another (a space in English, none in Chinese): never a fragment
    // glued to another (issue 16, finding 7).
    LocalizedText text = tr_both(
        "After rounding to what {product} can give, the daily dose in “{phase}” is {rounded} "
        "({dose}), against the calculated {exact} ({percent}).",
        {{"product", product.name},
         {"phase", p.name},
         {"dose", dose_text(*actual)},
         {"rounded", mg_text(p.dose.rounded_daily)},
         {"exact", mg_text(p.dose.exact_daily)},
         {"percent", same(format_percent(p.dose.deviation_percent))}});
    const auto append = [&text](const LocalizedText& sentence) {
      text.en += " " + sentence.en;
      text.zh += sentence.zh;
    };
    if (outside) {
      append(tr_both(dose_less(*actual, *r.dose.min) ? "This is below the regimen's range {range}."
                                                     : "This is above the regimen's range {range}.",
                     {{"range", dose_range_text(*r.dose.min, *r.dose.max)}}));
    }
    if (past_tolerance) {
      const Provenance& from = r.dose.rounding_from;
      const LocalizedText why =
          from.project_default ? tr_both("project default: {reason}", {{"reason", from.reason}})
                               : tr_both("source {id}", {{"id", same(from.source_id)}});
      append(tr_both(
          "The difference is more than the tolerance of {percent}% ({why}).",
          {{"percent", same(format_number(*r.dose.rounding_tolerance_percent))}, {"why", why}}));
    }
    // The amounts nearest the exact dose whose actual dose lies inside the range.
    const DrugMass step = product.smallest_step();
    const double lo = dose_number(*r.dose.min) * amount_per_unit;
    const double hi = dose_number(*r.dose.max) * amount_per_unit;
    const double exact = in_mg(p.dose.exact_daily);
    const double s_mg = in_mg(step);
    std::vector<double> inside;
    const double below = std::floor(exact / s_mg) * s_mg;
    const double above = std::ceil(exact / s_mg) * s_mg;
    for (double c : {below, above}) {
      double k = c;
      // Move into the range if needed (at most a few steps).
      for (int n = 0; n < 1000 && k < lo - 1e-9; ++n) k += s_mg;
      for (int n = 0; n < 1000 && k > hi + 1e-9; ++n) k -= s_mg;
      if (k >= lo - 1e-9 && k <= hi + 1e-9 && k > 0 &&
          std::find(inside.begin(), inside.end(), k) == inside.end()) {
        inside.push_back(k);
      }
    }
    if (inside.empty()) {
      append(tr_both("No amount {product} can give lies inside the range.",
                     {{"product", product.name}}));
    } else {
      LocalizedText amounts;
      for (std::size_t i = 0; i < inside.size(); ++i) {
        const LocalizedText amount = tr_both(
            "{amount} ({dose})",
            {{"amount", mg_text(milligrams(inside[i]))},
             {"dose", dose_text(std::holds_alternative<DoseRate>(p.dose.target)
                                    ? DoseValue{mg_per_kg_per_day(inside[i] / amount_per_unit)}
                                    : DoseValue{mg_per_m2(inside[i] / amount_per_unit)})}});
        amounts = i == 0 ? amount : tr_both("{a} or {b}", {{"a", amounts}, {"b", amount}});
      }
      append(tr_both("The nearest amounts inside the range: {amounts}.", {{"amounts", amounts}}));
    }
    append(tr_both("Discuss the dose with the prescriber."));
    if (r.dose.rounding_policy == DoseRule::RoundingPolicy::refuse) {
      throw Error("dose.rounding_outside_range", "dose", text.en, text.zh);
    }
    plan.advisories.push_back(text);
    return;
  }
}

// Maxima per administration and per day are enforced on what is given: refused, never clamped.
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

}  // namespace

const char* to_string(PatientCheck::Action a) {
  switch (a) {
    case PatientCheck::Action::warn:
      return "warn";
    case PatientCheck::Action::reduce:
      return "reduce";
    case PatientCheck::Action::acknowledged:
      return "acknowledged";
  }
  return "warn";
}

LocalizedText disclaimer() {
  return {
      "Educational aid only, not a prescription or medical advice. doseplan turns published "
      "regimens into a schedule to discuss with your doctor; doses and tests must be decided and "
      "supervised by a physician who knows the patient.",
      "仅供学习参考，不是处方，也不构成医疗建议。doseplan "
      "将已发表的治疗方案整理成日程，供您与医生讨论；"
      "剂量和检查必须由了解患者情况的医生决定并监督。"};
}

namespace {

// Every date of a plan is written YYYY-MM-DD: a start whose baseline visits or last day leave the
// years 0001–9999 is refused (issue 18: --start 9999-12-31 would write the year 10000).
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

Plan build_plan(const RuleSet& rules, const PlanRequest& q) {
  const Regimen* r = rules.find_regimen(q.regimen_id);
  if (!r) {
    std::vector<std::string> ids;
    for (const Regimen& reg : rules.regimens) ids.push_back(reg.id);
    throw Error("input.unknown_regimen", "regimen",
                "no regimen \"" + q.regimen_id + "\"; known: " + join_ids(ids),
                zh_detail("There is no regimen {id}: use one of {known} (doseplan regimens lists "
                          "them).",
                          {{"id", q.regimen_id}, {"known", join_ids(ids)}}));
  }
  check_request(*r, q);

  const std::string product_id = q.product_id.value_or(r->products.front());
  const Product* product = rules.find_product(product_id);
  if (!product) {
    std::vector<std::string> ids;
    for (const Product& p : rules.products) ids.push_back(p.id);
    throw Error("input.unknown_product", "product",
                "no product \"" + product_id + "\"; known: " + join_ids(ids),
                zh_detail("There is no product {id}: use one the regimen lists, {known}.",
                          {{"id", product_id}, {"known", join_ids(r->products)}}));
  }
  bool allowed = false;
  for (const auto& id : r->products) allowed = allowed || id == product_id;
  if (!allowed) {
    // Name the formulation clash plainly when a cyclosporine variant is refused.
    std::string why;
    const Product* usual = rules.find_product(r->products.front());
    if (product->drug == "cyclosporine" && usual && usual->variant != product->variant) {
      why = " (" + product->variant + " cycloSPORINE is not interchangeable with " +
            usual->variant + " cycloSPORINE)";
    }
    throw Error("input.product_not_allowed", "product",
                "regimen " + r->id + " may be given only as " + join_ids(r->products) + ", not " +
                    product_id + why,
                why.empty()
                    ? zh_detail("Regimen {regimen} may be given only as {allowed}: use one of "
                                "them with --product.",
                                {{"regimen", r->id}, {"allowed", join_ids(r->products)}})
                    : zh_detail("Regimen {regimen} may be given only as {allowed}: modified and "
                                "non-modified cycloSPORINE are not interchangeable; use one of "
                                "them with --product.",
                                {{"regimen", r->id}, {"allowed", join_ids(r->products)}}));
  }

  const Product sold = detail::product_in_market(rules, *product, q.market);
  product = &sold;
  detail::check_course_options(*r, q, *product);

  Plan plan;
  plan.explained = q.explain;
  plan.regimen = {r->id, r->file, r->drug, r->indication, r->evidence};
  plan.weight = q.weight;
  plan.height = q.height;
  plan.age_years = q.age_years;
  if (q.birth_date) {
    const double age = age_on(*q.birth_date, q.start);
    if (q.age_years && *q.age_years != age) {
      throw Error(
          "input.conflict", "age",
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
    plan.age_years = age;
  }
  plan.sex = q.sex;
  plan.creatinine = q.creatinine;
  BodySize body{q.weight, std::nullopt};
  if (q.height) {
    body.bsa = bsa(r->bsa_formula, *q.height, q.weight);
    plan.bsa = body.bsa;
    plan.bsa_formula = r->bsa_formula;
  }
  plan.start = q.start;
  plan.dose_rule = r->dose;
  if (r->uses_chosen_dose()) {
    plan.chosen = *r->dose.default_dose;
    if (q.dose) {
      plan.chosen->value = *q.dose;
      plan.chosen->from.overridden = true;
    }
  }
  plan.doses_per_day = r->dose.default_doses_per_day;
  if (q.doses_per_day) {
    plan.doses_per_day.value = *q.doses_per_day;
    plan.doses_per_day.from.overridden = true;
  }
  plan.product = *product;
  plan.phases = detail::build_phases_with_hint(
      rules, *r, q, *product, body,
      plan.chosen ? std::optional<DoseValue>(plan.chosen->value) : std::nullopt,
      plan.doses_per_day.value);
  plan.end = q.start;
  std::vector<Date> administrations;
  std::vector<Date> dose_changes;
  for (std::size_t i = 0; i < plan.phases.size(); ++i) {
    const PlannedPhase& p = plan.phases[i];
    plan.end = std::max(plan.end, p.last);
    if (p.cycle) administrations.push_back(p.first);
    if (i > 0 && !p.cycle && !plan.phases[i - 1].cycle &&
        !(p.dose.rounded_daily == plan.phases[i - 1].dose.rounded_daily)) {
      dose_changes.push_back(p.first);
    }
  }
  plan.visits = plan_visits(*r, q.start, plan.end, administrations, dose_changes);
  refuse_beyond_four_digit_years(q.start, plan.end, plan.visits);

  // The tests named, once each, in the order of their ids (views of the rules' strings): those of
  // every monitoring rule with a visit, and those the lab rules read.
  std::vector<std::string_view> lab_ids;
  for (const MonitoringRule& m : r->monitoring) {
    const auto has_visit = [&m](const Visit& v) {
      return std::any_of(v.items.begin(), v.items.end(),
                         [&m](const VisitItem& item) { return item.monitoring_id == m.id; });
    };
    if (std::any_of(plan.visits.begin(), plan.visits.end(), has_visit))
      lab_ids.insert(lab_ids.end(), m.tests.begin(), m.tests.end());
  }
  for (const LabRule& rule : r->lab_rules) lab_ids.push_back(rule.test);
  std::sort(lab_ids.begin(), lab_ids.end());
  lab_ids.erase(std::unique(lab_ids.begin(), lab_ids.end()), lab_ids.end());
  plan.labs.reserve(lab_ids.size());
  for (const std::string_view id : lab_ids)
    if (const LabTest* lab = rules.find_lab(id)) plan.labs.push_back(*lab);

  plan.stamp = r->stamp;
  plan.sources = cited_sources(*r, plan.product);
  plan.warnings = r->warnings;
  plan.lab_rules = r->lab_rules;
  plan.disagreements = r->disagreements;
  plan.disclaimer = disclaimer();
  check_maxima(plan, *r);
  detail::measure_body(plan);
  if (q.explain) explain_body(plan, *r);
  list_project_defaults(plan, *r, *product);
  detail::judge_patient(plan, *r, q);
  add_advisories(plan, *r, *product);
  detail::describe_product(plan, rules, q);
  return plan;
}

}  // namespace

Plan make_plan(const RuleSet& rules, const PlanRequest& request) {
  return build_plan(rules, request);
}

std::vector<Source> cited_sources(const Regimen& regimen, const Product& product) {
  std::vector<Source> out = regimen.sources;
  for (const Source& s : product.sources) {
    bool listed = false;
    for (const Source& have : out) listed = listed || have.id == s.id;
    if (!listed) out.push_back(s);
  }
  return out;
}

}  // namespace doseplan
