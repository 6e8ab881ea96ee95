// make_plan(): validate the request against the regimen, then build phases and visits.
#include <algorithm>
#include <set>

#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/plan.hpp"

namespace doseplan {
namespace {

// "source itp6-003 (shared/sources/003_95ea8ec565388f16.txt): “…”" or "project default: reason".
std::string cite(const Regimen& r, const Provenance& p) {
  if (p.project_default) return "project default: " + p.reason;
  const Source* s = r.find_source(p.source_id);
  if (!s) return "source " + p.source_id;
  return "source " + s->id + " (" + s->location + "): \u201c" + s->quote + "\u201d";
}

[[noreturn]] void out_of_range(const std::string& field, const std::string& value,
                               const std::string& range, const std::string& citation) {
  throw Error("input.out_of_range", field,
              value + " is outside the allowed range " + range + "; " + citation);
}

void check_request(const Regimen& r, const PlanRequest& q) {
  const double kg = in_kg(q.weight);
  if (!(kg >= kMinPlausibleWeightKg && kg <= kMaxPlausibleWeightKg)) {
    out_of_range(
        "weight", format_kg(q.weight),
        format_number(kMinPlausibleWeightKg) + "–" + format_number(kMaxPlausibleWeightKg) + " kg",
        "doseplan's plausibility limits for a body weight (docs/errors.md)");
  }
  const DoseRule& d = r.dose;
  if (q.dose && (*q.dose < d.min || *q.dose > d.max)) {
    out_of_range("dose", format_dose_rate(*q.dose),
                 format_number(in_mg_per_kg_per_day(d.min)) + "–" + format_dose_rate(d.max),
                 cite(r, d.range_from));
  }
  if (q.doses_per_day &&
      (*q.doses_per_day < d.doses_per_day_min || *q.doses_per_day > d.doses_per_day_max)) {
    out_of_range(
        "doses-per-day",
        std::to_string(*q.doses_per_day) + (*q.doses_per_day == 1 ? " dose" : " doses") + " a day",
        std::to_string(d.doses_per_day_min) + "–" + std::to_string(d.doses_per_day_max) +
            " doses a day",
        cite(r, d.doses_per_day_from));
  }
  std::set<std::string> phase_ids;
  for (const PhaseRule& p : r.phases) {
    phase_ids.insert(p.id);
    const auto it = q.phase_durations.find(p.id);
    if (it == q.phase_durations.end()) continue;
    if (p.kind == PhaseRule::Kind::taper) {
      throw Error("input.not_applicable", p.id,
                  "the taper's length follows from its step and interval; set those instead");
    }
    if (span_less(it->second, p.min_duration, q.start) ||
        span_less(p.max_duration, it->second, q.start)) {
      out_of_range(p.id, to_string(it->second),
                   to_string(p.min_duration) + " to " + to_string(p.max_duration),
                   cite(r, p.duration_from));
    }
  }
  for (const auto& [id, span] : q.phase_durations) {
    if (!phase_ids.count(id)) {
      throw Error("input.unknown_phase", id, "regimen " + r.id + " has no phase \"" + id + "\"");
    }
  }
  if (q.taper_step && in_mg_per_kg_per_day(*q.taper_step) <= 0) {
    throw Error("input.out_of_range", "taper-step", "the taper step must be greater than 0");
  }
  if (q.taper_every && q.taper_every->count <= 0) {
    throw Error("input.out_of_range", "taper-every", "the taper interval must be at least 1 day");
  }
  const bool has_taper = std::any_of(r.phases.begin(), r.phases.end(), [](const PhaseRule& p) {
    return p.kind == PhaseRule::Kind::taper;
  });
  if ((q.taper_step || q.taper_every) && !has_taper) {
    throw Error("input.not_applicable", q.taper_step ? "taper-step" : "taper-every",
                "regimen " + r.id + " has no taper");
  }
}

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

void note_default(Plan& plan, const std::string& what, const std::string& value,
                  const Provenance& from) {
  if (from.project_default)
    plan.project_defaults.push_back({what, value, from.reason, from.overridden});
}

}  // namespace

LocalizedText disclaimer() {
  return {
      "Educational aid only, not a prescription or medical advice. doseplan turns published "
      "regimens into a schedule to discuss with your doctor; doses and tests must be decided and "
      "supervised by a physician who knows the patient.",
      "仅供学习参考，不是处方，也不构成医疗建议。doseplan "
      "将已发表的治疗方案整理成日程，供您与医生讨论；"
      "剂量和检查必须由了解患者情况的医生决定并监督。"};
}

Plan make_plan(const RuleSet& rules, const PlanRequest& q) {
  const Regimen* r = rules.find_regimen(q.regimen_id);
  if (!r) {
    std::vector<std::string> ids;
    for (const Regimen& reg : rules.regimens) ids.push_back(reg.id);
    throw Error("input.unknown_regimen", "regimen",
                "no regimen \"" + q.regimen_id + "\"; known: " + join_ids(ids));
  }
  check_request(*r, q);

  const std::string product_id = q.product_id.value_or(r->products.front());
  const Product* product = rules.find_product(product_id);
  if (!product) {
    std::vector<std::string> ids;
    for (const Product& p : rules.products) ids.push_back(p.id);
    throw Error("input.unknown_product", "product",
                "no product \"" + product_id + "\"; known: " + join_ids(ids));
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
                    product_id + why);
  }

  Plan plan;
  plan.regimen = {r->id, r->file, r->drug, r->indication, r->evidence};
  plan.weight = q.weight;
  plan.start = q.start;
  plan.dose_rule = r->dose;
  plan.chosen_rate = r->dose.default_dose;
  if (q.dose) {
    plan.chosen_rate.value = *q.dose;
    plan.chosen_rate.from.overridden = true;
  }
  plan.doses_per_day = r->dose.default_doses_per_day;
  if (q.doses_per_day) {
    plan.doses_per_day.value = *q.doses_per_day;
    plan.doses_per_day.from.overridden = true;
  }
  plan.product = *product;
  plan.phases = build_phases(*r, q, *product, plan.chosen_rate.value, plan.doses_per_day.value);
  plan.end = plan.phases.empty() ? q.start : plan.phases.back().last;
  plan.visits = plan_visits(*r, q.start, plan.end);

  std::set<std::string> lab_ids;
  for (const Visit& v : plan.visits)
    for (const VisitItem& item : v.items) lab_ids.insert(item.tests.begin(), item.tests.end());
  for (const std::string& id : lab_ids)
    if (const LabTest* lab = rules.find_lab(id)) plan.labs.push_back(*lab);

  plan.sources = r->sources;
  plan.warnings = r->warnings;
  plan.disagreements = r->disagreements;
  plan.disclaimer = disclaimer();

  // Project defaults used, in the order a reader meets them.
  note_default(plan, "dose (induction)", format_dose_rate(plan.chosen_rate.value),
               plan.chosen_rate.from);
  note_default(plan, "doses a day", std::to_string(plan.doses_per_day.value),
               plan.doses_per_day.from);
  note_default(plan, "rounding", "nearest " + format_mg(product->smallest_step()) + ", half down",
               r->dose.rounding_from);
  note_default(plan, "uneven split", "extra to the earliest doses", r->dose.uneven_split_from);
  if (product->volume_step) {
    note_default(plan, "measurable volume", format_mL(*product->volume_step),
                 product->volume_step_from);
  }
  std::set<std::string> seen_phase;
  for (const PlannedPhase& p : plan.phases) {
    if (!seen_phase.insert(p.phase_id).second) continue;
    if (p.steps > 0) {
      note_default(plan, p.phase_id + " step", "see phase table", p.dose_from);
      note_default(plan, p.phase_id + " interval", "see phase table", p.duration_from);
    } else {
      note_default(plan, p.phase_id + " duration",
                   std::to_string((p.last - p.first).count() + 1) + " days", p.duration_from);
      if (p.phase_id != r->phases.front().id) {
        note_default(plan, p.phase_id + " dose", format_dose_rate(p.dose.target_rate), p.dose_from);
      }
    }
  }
  note_default(plan, "baseline spacing", to_string(r->baseline_spacing.value),
               r->baseline_spacing.from);
  for (const MonitoringRule& m : r->monitoring) {
    note_default(plan, m.id + " baseline",
                 std::to_string(m.baseline_occasions.value) +
                     (m.baseline_occasions.value == 1 ? " occasion" : " occasions"),
                 m.baseline_occasions.from);
    for (const MonitoringInterval& iv : m.intervals) {
      note_default(
          plan, m.id + " interval",
          "every " + to_string(iv.every) + (iv.length ? " for " + to_string(*iv.length) : ""),
          iv.from);
    }
  }

  // A taper that vanished or whose steps give the same dose after rounding is said plainly.
  for (std::size_t i = 0; i < r->phases.size(); ++i) {
    if (r->phases[i].kind != PhaseRule::Kind::taper) continue;
    const bool any =
        std::any_of(plan.phases.begin(), plan.phases.end(),
                    [&](const PlannedPhase& p) { return p.phase_id == r->phases[i].id; });
    if (!any) {
      plan.advisories.push_back("No " + r->phases[i].name.en +
                                " step: the dose before it is not more than one step above the " +
                                r->phases[i + 1].name.en + " level, which follows at once.");
    }
  }
  for (std::size_t k = 1; k < plan.phases.size(); ++k) {
    const PlannedPhase& a = plan.phases[k - 1];
    const PlannedPhase& b = plan.phases[k];
    if (a.dose.rounded_daily == b.dose.rounded_daily) {
      plan.advisories.push_back("From " + format_date(b.first) + " (" + b.name.en +
                                ") the daily dose after rounding is still " +
                                format_mg(b.dose.rounded_daily) + ", the same as before.");
    }
  }

  // Rounding never changes the range silently: say so when it leaves it.
  for (const PlannedPhase& p : plan.phases) {
    if (p.phase_id != r->phases.front().id) continue;
    if (p.dose.actual_rate < r->dose.min || p.dose.actual_rate > r->dose.max) {
      plan.advisories.push_back(
          "After rounding to what " + product->name.en + " can give, the " + p.name.en +
          " dose is " + format_dose_rate(p.dose.actual_rate) + ", outside the regimen's range " +
          format_number(in_mg_per_kg_per_day(r->dose.min)) + "–" + format_dose_rate(r->dose.max) +
          ". Discuss the dose with the prescriber.");
    }
  }
  return plan;
}

}  // namespace doseplan
