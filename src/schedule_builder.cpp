// ScheduleBuilder: the regimen's phases laid out on the calendar from the start date.
#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/plan.hpp"

namespace doseplan {
namespace {

constexpr double kEpsilon = 1e-9;

// The dose of one phase; a dose the product can not give names the phase.
DailyDose phase_dose(const std::string& phase, DoseRate rate, const PlanRequest& request,
                     int doses_per_day, const Product& product) {
  try {
    return calculate_daily_dose(rate, request.weight, doses_per_day, product);
  } catch (const Error& e) {
    std::vector<Problem> problems = e.problems();
    for (Problem& p : problems) p.message = phase + ": " + p.message;
    throw Error(std::move(problems));
  }
}

Span duration_of(const PhaseRule& rule, const PlanRequest& request, Provenance* from) {
  const auto it = request.phase_durations.find(rule.id);
  *from = rule.default_duration.from;
  if (it == request.phase_durations.end()) return rule.default_duration.value;
  if (!(it->second == rule.default_duration.value)) from->overridden = true;
  return it->second;
}

}  // namespace

std::vector<PlannedPhase> build_phases(const Regimen& regimen, const PlanRequest& request,
                                       const Product& product, DoseRate chosen, int doses_per_day) {
  std::vector<PlannedPhase> out;
  Date next = request.start;
  DoseRate previous = chosen;
  for (std::size_t i = 0; i < regimen.phases.size(); ++i) {
    const PhaseRule& rule = regimen.phases[i];
    if (rule.kind == PhaseRule::Kind::taper) {
      // From the previous phase's dose down by `step` every `every`, while above the next phase's
      // level (validated by the loader: a taper is always followed by a fixed_dose phase).
      const DoseRate floor = regimen.phases[i + 1].level.value;
      Provenance step_from = rule.step.from;
      Provenance every_from = rule.every.from;
      const DoseRate step = request.taper_step.value_or(rule.step.value);
      const Span every = request.taper_every.value_or(rule.every.value);
      if (request.taper_step && !(*request.taper_step == rule.step.value))
        step_from.overridden = true;
      if (request.taper_every && !(*request.taper_every == rule.every.value))
        every_from.overridden = true;
      std::vector<DoseRate> levels;
      for (DoseRate level = previous - step; level > floor + mg_per_kg_per_day(kEpsilon);
           level = level - step) {
        levels.push_back(level);
      }
      for (std::size_t k = 0; k < levels.size(); ++k) {
        PlannedPhase p;
        p.phase_id = rule.id;
        p.name = rule.name;
        p.step = static_cast<int>(k + 1);
        p.steps = static_cast<int>(levels.size());
        p.first = next;
        p.last = add_span(next, every) - date::days{1};
        p.dose = phase_dose(rule.name.en + " step " + std::to_string(k + 1) + " (" +
                                format_dose_rate(levels[k]) + ")",
                            levels[k], request, doses_per_day, product);
        p.dose_from = step_from;
        p.duration_from = every_from;
        p.note = rule.note;
        next = p.last + date::days{1};
        out.push_back(std::move(p));
      }
      continue;
    }
    PlannedPhase p;
    p.phase_id = rule.id;
    p.name = rule.name;
    p.note = rule.note;
    p.first = next;
    p.last = add_span(next, duration_of(rule, request, &p.duration_from)) - date::days{1};
    const DoseRate rate = rule.kind == PhaseRule::Kind::chosen_dose ? chosen : rule.level.value;
    p.dose = phase_dose(rule.name.en + " (" + format_dose_rate(rate) + ")", rate, request,
                        doses_per_day, product);
    p.dose_from = rule.kind == PhaseRule::Kind::chosen_dose ? regimen.dose.default_dose.from
                                                            : rule.level.from;
    if (rule.kind == PhaseRule::Kind::chosen_dose && request.dose) p.dose_from.overridden = true;
    previous = rate;
    next = p.last + date::days{1};
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace doseplan
