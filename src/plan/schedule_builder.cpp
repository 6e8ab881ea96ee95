// ScheduleBuilder: the regimen's phases laid out on the calendar from the start date.
//
//   chosen_dose, fixed_dose  one row from its first day for its duration
//   taper       one row per step: from the previous dose down by `step` every `every`, while
//               above the next (fixed_dose) phase's level
//   titration   one row per step: from the previous dose up by `step` every `every`, while not
//               above the maximum (`level`) and not past `max_steps`; the last row lasts until
//               the phase's duration ends. A step in mg/day is added to the previous rounded daily
//               dose; the maximum in mg/kg/day is then weight x maximum, rounded down to the
//               product. A step whose nearest amount would pass the maximum is rounded down to
//               the largest amount at or below it (DailyDose::nearest_daily says so).
//   cycles      one row per administration: cycle k on start + (k - 1) x every (from the anchor)
// Every boundary is counted from day 1 (CourseOffset, dates.hpp: months, then days), never
// chained from the date before: a phase of S that starts at offset O runs from start + O to
// start + (O + S) - 1 day; step k of a phase starting at O is on start + (O + (k - 1) x every).
#include <algorithm>
#include <cmath>

#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/plan.hpp"

namespace doseplan {
namespace {

constexpr double kEpsilon = 1e-9;

// The dose of one phase; a dose the product can not give names the phase. With
// `explain` the audit starts with the rule the dose comes from. `phase()` and `basis()`
// make the phase's name and that rule's text, only when they are needed.
template <typename Phase, typename Basis>
DailyDose phase_dose(bool explain, Phase&& phase, const DoseValue& dose, const BodySize& body,
                     int doses_per_day, const Product& product, Basis&& basis,
                     std::optional<DrugMass> at_most = std::nullopt) {
  try {
    DailyDose d = calculate_dose(dose, body, doses_per_day, product, explain, std::move(at_most));
    if (explain) {
      d.audit.insert(d.audit.begin(),
                     AuditStep{tr_both("dose rule"), phase(), dose_text(dose), basis()});
    }
    return d;
  } catch (const Error& e) {
    std::vector<Problem> problems = e.problems();
    const std::string name = phase().en;
    for (Problem& p : problems) p.message = name + ": " + p.message;
    throw Error(std::move(problems));
  }
}

// Where a phase's dose comes from, for the audit trail.
LocalizedText basis_of(const Regimen& regimen, const Provenance& from, bool chosen = false) {
  if (from.overridden) {
    return tr_both("chosen by the user within {range} ({why})",
                   {{"range", dose_range_text(*regimen.dose.min, *regimen.dose.max)},
                    {"why", cite_text(regimen, regimen.dose.range_from)}});
  }
  if (chosen) return tr_both("regimen default ({why})", {{"why", cite_text(regimen, from)}});
  return cite_text(regimen, from);
}

// "Induction (5 mg/kg/day)", "Infusion 2 (1,000 mg)".
LocalizedText phase_label(const PhaseRule& rule, const DoseValue& dose, int k = 0) {
  if (k == 0) return tr_both("{phase} ({dose})", {{"phase", rule.name}, {"dose", dose_text(dose)}});
  return tr_both(
      "{phase} {k} ({dose})",
      {{"phase", rule.name}, {"k", same_text(std::to_string(k))}, {"dose", dose_text(dose)}});
}

Span duration_of(const PhaseRule& rule, const PlanRequest& request, Provenance* from) {
  const auto it = request.phase_durations.find(rule.id);
  *from = rule.default_duration.from;
  if (it == request.phase_durations.end()) return rule.default_duration.value;
  if (!(it->second == rule.default_duration.value)) from->overridden = true;
  return it->second;
}

Span times(const Span& s, int k) {
  return Span{s.count * k, s.unit};
}

LocalizedText step_name(const PhaseRule& rule, int k, const DoseValue& dose) {
  return tr_both(
      "{phase} step {k} ({dose})",
      {{"phase", rule.name}, {"k", same_text(std::to_string(k))}, {"dose", dose_text(dose)}});
}

// A daily dose as mg a day, for comparing levels of different kinds.
double mg_a_day(const DoseValue& dose, const BodySize& body, int doses_per_day) {
  if (const auto* rate = std::get_if<DoseRate>(&dose))
    return in_mg(DrugMass(*rate * body.weight * days(1)));
  if (const auto* amount = std::get_if<DailyAmount>(&dose)) return in_mg_per_day(*amount);
  if (const auto* per_dose = std::get_if<DrugMass>(&dose)) return in_mg(*per_dose) * doses_per_day;
  return 0;
}

// The largest amount the product can give at or below `rate` x weight (the cap of an mg/day
// titration: "up to 2 mg/kg/day" is never passed by rounding).
DrugMass amount_at_most(DoseRate rate, BodyMass weight, const Product& product) {
  const DrugMass step = product.smallest_step();
  return step * std::floor(DrugMass(rate * weight * days(1)) / step + kEpsilon);
}

// The phases laid out one after another: one method per phase kind, each adding its rows to
// `out` and moving `next` (and, for daily phases, `previous` and `previous_daily`) on.
struct PhaseBuilder {
  const Regimen& regimen;
  const PlanRequest& request;
  const Product& product;
  const BodySize& body;
  const std::optional<DoseValue>& chosen;
  int doses_per_day;
  std::vector<PlannedPhase> out;
  CourseOffset next;                  // where the next phase starts, counted from day 1
  std::optional<DoseValue> previous;  // the dose of the last daily phase
  DrugMass previous_daily{};          // ... and its rounded daily amount

  void add_fixed(const PhaseRule& rule, const PlannedPhase& base);
  void add_taper(const PhaseRule& rule, const PhaseRule& next_rule, const PlannedPhase& base);
  void add_titration(const PhaseRule& rule, const PlannedPhase& base);
  void add_cycles(const PhaseRule& rule, const PlannedPhase& base);
};

// chosen_dose, fixed_dose: one row from its first day for its duration.
void PhaseBuilder::add_fixed(const PhaseRule& rule, const PlannedPhase& base) {
  const Date start = request.start;
  PlannedPhase p = base;
  p.first = next.on(start);
  const CourseOffset after = next.after(duration_of(rule, request, &p.duration_from));
  p.last = after.on(start) - date::days{1};
  const bool is_chosen = rule.kind == PhaseRule::Kind::chosen_dose;
  const DoseValue dose = is_chosen ? *chosen : rule.level->value;
  p.dose_from = is_chosen ? regimen.dose.default_dose->from : rule.level->from;
  if (is_chosen && request.dose) p.dose_from.overridden = true;
  p.dose = phase_dose(
      request.explain, [&] { return phase_label(rule, dose); }, dose, body, doses_per_day, product,
      [&] { return basis_of(regimen, p.dose_from, is_chosen); });
  previous = dose;
  previous_daily = p.dose.rounded_daily;
  next = after;
  out.push_back(std::move(p));
}

// Down from the previous dose by `step` every `every`, while above the next (fixed_dose)
// phase's level. A step in mg/kg/day works in mg/kg/day (validated by the loader); a step
// in mg/day from the previous rounded daily dose; a percent step takes that percent of
// the dose the taper starts from at each step. Levels are compared as mg a day.
void PhaseBuilder::add_taper(const PhaseRule& rule, const PhaseRule& next_rule,
                             const PlannedPhase& base) {
  const Date start = request.start;
  const DoseValue& floor_dose = next_rule.level->value;
  const double floor_mg = mg_a_day(floor_dose, body, doses_per_day);
  Provenance step_from = rule.step ? rule.step->from : rule.step_percent->from;
  Provenance every_from = rule.every.from;
  const Span every = request.taper_every.value_or(rule.every.value);
  if (request.taper_every && !(*request.taper_every == rule.every.value)) {
    every_from.overridden = true;
  }
  std::vector<DoseValue> levels;
  if (rule.step && std::holds_alternative<DoseRate>(rule.step->value)) {
    const DoseRate rule_step = std::get<DoseRate>(rule.step->value);
    const DoseRate step = request.taper_step.value_or(rule_step);
    if (request.taper_step && !(*request.taper_step == rule_step)) step_from.overridden = true;
    const DoseRate floor = std::get<DoseRate>(floor_dose);
    for (DoseRate level = std::get<DoseRate>(*previous) - step;
         level > floor + mg_per_kg_per_day(kEpsilon); level = level - step) {
      levels.emplace_back(level);
    }
  } else {
    const double start_mg = in_mg(previous_daily);
    const double step_mg = rule.step ? in_mg_per_day(std::get<DailyAmount>(rule.step->value))
                                     : start_mg * rule.step_percent->value / 100.0;
    for (int k = 1; k < 1000; ++k) {
      const double level = start_mg - k * step_mg;
      if (level <= floor_mg + kEpsilon) break;
      levels.emplace_back(mg_per_day(level));
    }
  }
  const CourseOffset phase_start = next;
  for (std::size_t k = 0; k < levels.size(); ++k) {
    PlannedPhase p = base;
    p.step = static_cast<int>(k + 1);
    p.steps = static_cast<int>(levels.size());
    next = phase_start.after(times(every, static_cast<int>(k + 1)));
    p.first = phase_start.after(times(every, static_cast<int>(k))).on(start);
    p.last = next.on(start) - date::days{1};
    p.dose_from = step_from;
    p.duration_from = every_from;
    const auto how = [&] {
      return rule.step_percent
                 ? tr_both(
                       "previous dose − {percent}% of the starting dose per step; step: "
                       "{why}",
                       {{"percent", same_text(format_number(rule.step_percent->value))},
                        {"why", basis_of(regimen, step_from)}})
                 : tr_both("previous dose − step; step: {why}",
                           {{"why", basis_of(regimen, step_from)}});
    };
    p.dose = phase_dose(
        request.explain, [&] { return step_name(rule, p.step, levels[k]); }, levels[k], body,
        doses_per_day, product, how);
    out.push_back(std::move(p));
  }
}

// Up from the previous dose by `step` every `every`, while not above the maximum (`level`)
// and not past `max_steps`; the last row lasts until the phase's duration ends.
void PhaseBuilder::add_titration(const PhaseRule& rule, const PlannedPhase& base) {
  const Date start = request.start;
  Provenance duration_from;
  const Span duration = duration_of(rule, request, &duration_from);
  const CourseOffset phase_start = next;
  const Date phase_last = phase_start.after(duration).on(start) - date::days{1};
  const int max_steps = rule.max_steps ? rule.max_steps->value : 1000;
  std::vector<DoseValue> levels;
  if (const auto* rate_step = std::get_if<DoseRate>(&rule.step->value)) {
    const DoseRate cap = std::get<DoseRate>(rule.level->value);
    for (int k = 1; k <= max_steps; ++k) {
      const DoseRate level = std::get<DoseRate>(*previous) + *rate_step * static_cast<double>(k);
      if (level > cap + mg_per_kg_per_day(kEpsilon)) break;
      levels.emplace_back(level);
    }
  } else {
    const DailyAmount amount_step = std::get<DailyAmount>(rule.step->value);
    const DrugMass cap =
        amount_at_most(std::get<DoseRate>(rule.level->value), body.weight, product);
    for (int k = 1; k <= max_steps; ++k) {
      const DrugMass level =
          previous_daily + DrugMass(amount_step * days(1)) * static_cast<double>(k);
      if (level > cap + milligrams(kEpsilon)) break;
      levels.emplace_back(DailyAmount(level / days(1)));
    }
  }
  if (levels.empty()) levels.push_back(*previous);  // already at the maximum: stay there
  for (std::size_t k = 0; k < levels.size(); ++k) {
    PlannedPhase p = base;
    p.step = static_cast<int>(k + 1);
    p.steps = static_cast<int>(levels.size());
    p.conditional = rule.conditional;
    p.first = phase_start.after(times(rule.every.value, static_cast<int>(k))).on(start);
    if (p.first > phase_last) break;
    const Date step_last =
        phase_start.after(times(rule.every.value, static_cast<int>(k + 1))).on(start) -
        date::days{1};
    p.last = k + 1 == levels.size() ? phase_last : std::min(phase_last, step_last);
    p.dose_from = rule.step->from;
    p.duration_from = duration_from;
    p.dose = phase_dose(
        request.explain, [&] { return step_name(rule, p.step, levels[k]); }, levels[k], body,
        doses_per_day, product,
        [&] {
          return tr_both("previous dose + step; step: {step}; maximum: {maximum}",
                         {{"step", basis_of(regimen, rule.step->from)},
                          {"maximum", basis_of(regimen, rule.level->from)}});
        },
        DrugMass(std::get<DoseRate>(rule.level->value) * body.weight * days(1)));
    previous = levels[k];
    previous_daily = p.dose.rounded_daily;
    out.push_back(std::move(p));
  }
  for (PlannedPhase& p : out) {
    if (p.phase_id == rule.id)
      p.steps = static_cast<int>(std::count_if(
          out.begin(), out.end(), [&](const PlannedPhase& q) { return q.phase_id == rule.id; }));
  }
  next = phase_start.after(duration);
}

// One row per administration: cycle k on start + (k - 1) x every (from the anchor).
void PhaseBuilder::add_cycles(const PhaseRule& rule, const PlannedPhase& base) {
  const auto it = request.cycle_counts.find(rule.id);
  const int count = it == request.cycle_counts.end() ? rule.default_count.value : it->second;
  const CourseOffset phase_start = next;
  for (int k = 1; k <= count; ++k) {
    PlannedPhase p = base;
    p.cycle = true;
    p.step = k;
    p.steps = count;
    p.first = p.last = phase_start.after(times(rule.every.value, k - 1)).on(request.start);
    DoseValue dose = chosen ? *chosen : DoseValue{};
    p.dose_from = chosen ? regimen.dose.default_dose->from : Provenance{};
    if (chosen && request.dose) p.dose_from.overridden = true;
    for (const CycleDose& cd : rule.cycle_doses) {
      if (k >= cd.from_cycle && k <= cd.to_cycle) {
        dose = cd.dose.value;
        p.dose_from = cd.dose.from;
      }
    }
    p.duration_from = rule.every.from;
    p.dose = phase_dose(
        request.explain, [&] { return phase_label(rule, dose, k); }, dose, body, 1, product,
        [&] { return basis_of(regimen, p.dose_from, chosen.has_value()); });
    out.push_back(std::move(p));
  }
  next = phase_start.after(times(rule.every.value, count));
}

}  // namespace

std::vector<PlannedPhase> build_phases(const Regimen& regimen, const PlanRequest& request,
                                       const Product& product, const BodySize& body,
                                       const std::optional<DoseValue>& chosen, int doses_per_day) {
  PhaseBuilder b{regimen, request, product, body, chosen, doses_per_day, {}, {}, {}, {}};
  for (std::size_t i = 0; i < regimen.phases.size(); ++i) {
    const PhaseRule& rule = regimen.phases[i];
    PlannedPhase base;
    base.phase_id = rule.id;
    base.name = rule.name;
    base.note = rule.note;
    if (rule.target_after_titration) {
      base.dose_note = tr_both(
          "target dose, reached after titration: not the starting dose; the starting dose and the "
          "steps up to this dose are the doctor's (doseplan's sources do not give them)");
    }
    switch (rule.kind) {
      case PhaseRule::Kind::chosen_dose:
      case PhaseRule::Kind::fixed_dose:
        b.add_fixed(rule, base);
        break;
      case PhaseRule::Kind::taper:
        b.add_taper(rule, regimen.phases[i + 1], base);
        break;
      case PhaseRule::Kind::titration:
        b.add_titration(rule, base);
        break;
      case PhaseRule::Kind::cycles:
        b.add_cycles(rule, base);
        break;
    }
  }
  return std::move(b.out);
}

}  // namespace doseplan
