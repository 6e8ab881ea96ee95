#include <sstream>

#include "doseplan/format.hpp"
#include "doseplan/render.hpp"

namespace doseplan {
namespace {

std::string tag(const Provenance& p) {
  if (p.overridden) return " [chosen by the user]";
  if (p.project_default) return " [project default]";
  if (!p.source_id.empty()) return " [source " + p.source_id + "]";
  return "";
}

std::string pad(std::string s, std::size_t width) {
  // Width in characters of the ASCII labels used here.
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string administrations(const DailyDose& d) {
  std::string out;
  for (const Administration& a : d.administrations) {
    if (!out.empty()) out += "; ";
    out += std::string(slot_name(a.slot)) + " " + format_mg(a.amount) + " (" +
           describe_administration(a) + ")";
  }
  return out;
}

std::string test_names(const Plan& plan, const VisitItem& item) {
  std::string out;
  for (const std::string& id : item.tests) {
    std::string name = id;
    for (const LabTest& lab : plan.labs)
      if (lab.id == id) name = lab.name.en;
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

}  // namespace

std::string render_text(const Plan& plan) {
  std::ostringstream o;
  const PlannedPhase* first = plan.phases.empty() ? nullptr : &plan.phases.front();
  o << "DOSEPLAN — EDUCATIONAL AID, NOT A PRESCRIPTION\n";
  o << plan.regimen.drug.name.en << " (" << plan.regimen.drug.name.zh << ") for "
    << plan.regimen.indication.en << "\n";
  o << "Regimen " << plan.regimen.id << ", evidence: " << plan.regimen.evidence << "\n\n";

  o << "PATIENT\n";
  o << "  " << pad("Weight", 22) << format_kg(plan.weight) << "\n";
  o << "  " << pad("First day", 22) << format_date(plan.start) << "\n";
  o << "  " << pad("Last day", 22) << format_date(plan.end) << "\n\n";

  o << "DOSE\n";
  o << "  " << pad("Chosen dose", 22) << format_dose_rate(plan.chosen_rate.value)
    << tag(plan.chosen_rate.from) << "; allowed "
    << format_number(in_mg_per_kg_per_day(plan.dose_rule.min)) << "–"
    << format_dose_rate(plan.dose_rule.max) << tag(plan.dose_rule.range_from) << "\n";
  if (first) {
    const DailyDose& d = first->dose;
    o << "  " << pad("Exact daily dose", 22) << format_mg(d.exact_daily) << " ("
      << format_dose_rate(d.target_rate) << " × " << format_kg(plan.weight) << ")\n";
    o << "  " << pad("Product", 22) << plan.product.name.en;
    if (!plan.product.market_names.empty()) {
      o << " (";
      for (std::size_t i = 0; i < plan.product.market_names.size(); ++i)
        o << (i ? ", " : "") << plan.product.market_names[i];
      o << ")";
    }
    o << "\n";
    o << "  " << pad("Rounded daily dose", 22) << format_mg(d.rounded_daily) << ", "
      << frequency_words(plan.doses_per_day.value) << tag(plan.doses_per_day.from) << "\n";
    for (const Administration& a : d.administrations) {
      o << "    " << pad(slot_name(a.slot), 20) << format_mg(a.amount) << " = "
        << describe_administration(a) << "\n";
    }
    o << "  " << pad("Actual dose", 22) << format_dose_rate(d.actual_rate) << " (deviation "
      << format_mg(d.rounded_daily - d.exact_daily) << ", " << format_percent(d.deviation_percent)
      << ")\n";
  }
  for (const std::string& a : plan.advisories) o << "  ! " << a << "\n";
  o << "\n";

  o << "PHASES\n";
  for (const PlannedPhase& p : plan.phases) {
    std::string name = p.name.en;
    if (p.steps > 0) name += " " + std::to_string(p.step) + "/" + std::to_string(p.steps);
    o << "  " << pad(name, 16) << format_date(p.first) << " to " << format_date(p.last) << "  "
      << format_dose_rate(p.dose.target_rate) << tag(p.dose_from) << " -> "
      << format_mg(p.dose.rounded_daily) << "/day (" << format_dose_rate(p.dose.actual_rate)
      << "): " << administrations(p.dose) << "\n";
    if (!p.note.en.empty() && p.step <= 1) o << "  " << pad("", 16) << p.note.en << "\n";
  }
  o << "\n";

  o << "MONITORING\n";
  for (const Visit& v : plan.visits) {
    o << "  " << format_date(v.date) << (v.baseline ? "  baseline" : "") << "\n";
    for (const VisitItem& item : v.items) {
      o << "    - " << item.name.en << ": " << test_names(plan, item) << " (" << item.reason
        << tag(item.from) << ")";
      if (!item.timing.en.empty()) o << ". " << item.timing.en;
      o << "\n";
    }
  }
  o << "\n";

  if (!plan.warnings.empty()) {
    o << "WARNINGS\n";
    for (const auto& w : plan.warnings) o << "  - " << w.value.en << tag(w.from) << "\n";
    o << "\n";
  }
  if (!plan.disagreements.empty()) {
    o << "WHERE SOURCES DISAGREE (both shown; doseplan does not choose)\n";
    for (const Disagreement& d : plan.disagreements) {
      o << "  " << d.topic.en << ":\n";
      for (const auto& p : d.positions) o << "    - " << p.value.en << tag(p.from) << "\n";
    }
    o << "\n";
  }
  if (!plan.project_defaults.empty()) {
    o << "PROJECT DEFAULTS (values no source gives; each can be overridden)\n";
    for (const ProjectDefaultUse& d : plan.project_defaults) {
      o << "  - " << d.what << ": " << d.value << (d.overridden ? " (overridden by the user)" : "")
        << ". " << d.reason << "\n";
    }
    o << "\n";
  }
  o << "SOURCES\n";
  for (const Source& s : plan.sources) {
    o << "  [" << s.id << "] " << s.citation << ". " << s.location << "\n";
    o << "      \u201c" << s.quote << "\u201d\n";
  }
  o << "\n";
  o << "DISCLAIMER\n  " << plan.disclaimer.en << "\n  " << plan.disclaimer.zh << "\n";
  return o.str();
}

}  // namespace doseplan
