// What a plan says about itself (make_plan, src/plan/plan.cpp; declarations in
// src/plan/plan_build.hpp): the project defaults it uses, its advisories, and the audit of the body
// measures.
#include <algorithm>
#include <cmath>

#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/plan.hpp"
#include "plan/plan_build.hpp"

namespace doseplan {
namespace {

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

// The dose, its splitting and rounding, the BSA formula, the product's steps.
void note_dose_defaults(Plan& plan, const Regimen& r, const Product& product) {
  const auto same = [](std::string text) { return same_text(std::move(text)); };
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
  if (product.has_pack()) {
    note_default(
        plan, product.pack_from, [&] { return tr_both("pack size"); },
        [&] {
          return product.pack_volume ? same(format_mL(*product.pack_volume))
                                     : same(std::to_string(*product.pack_count));
        });
  }
}

// Each phase's steps, intervals, maximum, duration, dose and cycle count.
void note_phase_defaults(Plan& plan, const Regimen& r) {
  const auto same = [](std::string text) { return same_text(std::move(text)); };
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
}

// The baseline spacing, the visit windows and each monitored item's occasions and intervals.
void note_monitoring_defaults(Plan& plan, const Regimen& r) {
  const auto same = [](std::string text) { return same_text(std::move(text)); };
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

// A taper that vanished or steps that give the same dose after rounding are said plainly.
void note_same_doses(Plan& plan, const Regimen& r) {
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
}

// The daily amounts in mg nearest `exact` (mg a day) that the product can give and whose dose
// lies inside the regimen's range; `amount_per_unit` is mg per 1 of the dose unit.
std::vector<double> amounts_inside(const Regimen& r, const Product& product, double exact,
                                   double amount_per_unit) {
  const DrugMass step = product.smallest_step();
  const double lo = dose_number(*r.dose.min) * amount_per_unit;
  const double hi = dose_number(*r.dose.max) * amount_per_unit;
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
  return inside;
}

// Rounding never changes the range silently: say so when the chosen dose leaves it, or moves
// more than the regimen's tolerance; with the policy "refuse" the plan is refused instead.
void note_rounding_outside(Plan& plan, const Regimen& r, const Product& product) {
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
    const std::vector<double> inside =
        amounts_inside(r, product, in_mg(p.dose.exact_daily), amount_per_unit);
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

}  // namespace

namespace detail {

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
  // At most one use per value looked at below.
  std::size_t most = 13 + 5 * r.phases.size();
  for (const MonitoringRule& m : r.monitoring)
    most += 3 + m.intervals.size() + m.around_doses.size() + m.at.size();
  plan.project_defaults.reserve(most);
  note_dose_defaults(plan, r, product);
  note_phase_defaults(plan, r);
  note_monitoring_defaults(plan, r);
}

void add_advisories(Plan& plan, const Regimen& r, const Product& product) {
  note_same_doses(plan, r);
  note_rounding_outside(plan, r, product);
}

}  // namespace detail
}  // namespace doseplan
