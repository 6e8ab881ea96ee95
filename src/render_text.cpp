#include <algorithm>
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
  s.append(s.size() < width ? width - s.size() : 1, ' ');  // always at least one space
  return s;
}

std::string administrations(const DailyDose& d) {
  if (d.administrations.size() == 1 && d.administrations.front().intravenous) {
    return describe_administration(d.administrations.front());
  }
  std::string out;
  for (const Administration& a : d.administrations) {
    if (!out.empty()) out += "; ";
    out += std::string(slot_name(a.slot)) + " " + format_mg(a.amount) + " (" +
           describe_administration(a) + ")";
  }
  return out;
}

// How the exact dose was made: "5 mg/kg/day × 62 kg", "500 mg/m² × 1.8 m²", "1,500 mg × 2".
std::string exact_basis(const Plan& plan, const PlannedPhase& p) {
  const DoseValue& t = p.dose.target;
  if (std::holds_alternative<DoseRate>(t))
    return format_dose(t) + " \u00d7 " + format_kg(plan.weight);
  if (std::holds_alternative<DosePerArea>(t) && plan.bsa) {
    return format_dose(t) + " \u00d7 " + format_number(in_m2(*plan.bsa)) + " m\u00b2";
  }
  if (std::holds_alternative<DrugMass>(t) && !p.cycle) {
    return format_dose(t) + " \u00d7 " + std::to_string(p.dose.administrations.size());
  }
  return format_dose(t);
}

// The dose actually given, per kg a day or per m2.
std::string actual_text(const DailyDose& d) {
  if (std::holds_alternative<DosePerArea>(d.target) && d.actual_per_area) {
    return format_dose(*d.actual_per_area);
  }
  if (d.actual_rate) return format_dose_rate(*d.actual_rate);
  return "";
}

struct MonitoringSummary {
  std::string name;
  std::string
      schedule;  // "baseline x2 [source]; every 2 weeks for the first 3 months [source]; ..."
  std::string timing;
};

// One line per monitored item, from the reasons of its visits, in order of first appearance.
std::vector<MonitoringSummary> summarize_monitoring(const Plan& plan) {
  std::vector<MonitoringSummary> out;
  std::vector<std::string> ids;
  std::vector<std::vector<std::string>> reasons;
  for (const Visit& v : plan.visits) {
    for (const VisitItem& item : v.items) {
      std::size_t k = 0;
      while (k < ids.size() && ids[k] != item.monitoring_id) ++k;
      if (k == ids.size()) {
        ids.push_back(item.monitoring_id);
        reasons.emplace_back();
        out.push_back({item.name.en, "", item.timing.en});
      }
      // Baseline occasions are summarised once, by the last one ("baseline 2 of 2").
      std::string reason = item.reason;
      if (reason.rfind("baseline ", 0) == 0) {  // "baseline 2 of 2, before day 1"
        const auto of = reason.find(" of ");
        const auto comma = reason.find(',');
        const std::string n = reason.substr(of + 4, comma - of - 4);
        reason = "before day 1, " + n + (n == "1" ? " occasion" : " occasions");
      }
      // "... before administration 3" is summarised as "... before each administration".
      if (const auto at = reason.rfind(" administration "); at != std::string::npos) {
        reason = reason.substr(0, at) + " each administration";
      }
      reason += tag(item.from);
      auto& seen = reasons[k];
      if (std::find(seen.begin(), seen.end(), reason) == seen.end()) seen.push_back(reason);
    }
  }
  for (std::size_t k = 0; k < out.size(); ++k) {
    for (const std::string& r : reasons[k])
      out[k].schedule += (out[k].schedule.empty() ? "" : "; then ") + r;
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

std::string render_text(const Plan& plan, bool explain, Lang /*lang*/) {
  std::ostringstream o;
  const PlannedPhase* first = plan.phases.empty() ? nullptr : &plan.phases.front();
  o << "DOSEPLAN — EDUCATIONAL AID, NOT A PRESCRIPTION\n";
  o << plan.regimen.drug.name.en << " (" << plan.regimen.drug.name.zh << ") for "
    << plan.regimen.indication.en << "\n";
  o << "Regimen " << plan.regimen.id << ", evidence: " << plan.regimen.evidence << "\n\n";

  o << "PATIENT\n";
  o << "  " << pad("Weight", 22) << format_kg(plan.weight) << "\n";
  if (plan.height) o << "  " << pad("Height", 22) << format_number(in_cm(*plan.height)) << " cm\n";
  if (plan.bsa) {
    o << "  " << pad("Body-surface area", 22) << format_number(in_m2(*plan.bsa)) << " m\u00b2 ("
      << (plan.bsa_formula == "dubois" ? "DuBois" : "Mosteller") << ")\n";
  }
  if (plan.age_years) o << "  " << pad("Age", 22) << format_number(*plan.age_years) << " years\n";
  if (plan.sex) o << "  " << pad("Sex", 22) << to_string(*plan.sex) << "\n";
  if (plan.ideal_weight) {
    o << "  " << pad("Ideal body weight", 22) << format_kg(*plan.ideal_weight) << " (Devine)\n";
    o << "  " << pad("Adjusted body weight", 22) << format_kg(*plan.adjusted_weight) << "\n";
  }
  if (plan.creatinine) {
    o << "  " << pad("Creatinine", 22) << format_number(in_umol_per_L(*plan.creatinine), 1)
      << " umol/L (" << format_number(creatinine_in_mg_per_dL(*plan.creatinine), 2) << " mg/dL)\n";
  }
  if (plan.egfr) {
    o << "  " << pad("eGFR", 22) << format_number(in_mL_per_min(*plan.egfr), 0)
      << " mL/min/1.73 m² (CKD-EPI 2021)\n";
    o << "  " << pad("Creatinine clearance", 22) << format_number(in_mL_per_min(*plan.crcl), 0)
      << " mL/min (Cockcroft–Gault)\n";
  }
  o << "  " << pad("First day", 22) << format_date(plan.start) << "\n";
  o << "  " << pad("Last day", 22) << format_date(plan.end) << "\n\n";

  o << "DOSE\n";
  if (plan.chosen) {
    o << "  " << pad("Chosen dose", 22) << format_dose(plan.chosen->value) << tag(plan.chosen->from)
      << "; allowed " << format_number(dose_number(*plan.dose_rule.min)) << "–"
      << format_dose(*plan.dose_rule.max) << tag(plan.dose_rule.range_from) << "\n";
  }
  o << "  " << pad("Product", 22) << plan.product.name.en;
  if (!plan.product.market_names.empty()) {
    o << " (";
    for (std::size_t i = 0; i < plan.product.market_names.size(); ++i)
      o << (i ? ", " : "") << plan.product.market_names[i];
    o << ")";
  }
  o << "\n";
  if (first && !first->dose.administrations.front().cells) {
    const DailyDose& d = first->dose;
    const char* per = first->cycle ? "dose" : "daily dose";
    o << "  " << pad(std::string("Exact ") + per, 22) << format_mg(d.exact_daily) << " ("
      << exact_basis(plan, *first) << ")\n";
    o << "  " << pad(std::string("Rounded ") + per, 22) << format_mg(d.rounded_daily);
    if (!first->cycle) {
      o << ", " << frequency_words(plan.doses_per_day.value) << tag(plan.doses_per_day.from);
    }
    o << "\n";
    for (const Administration& a : d.administrations) {
      o << "    " << pad(first->cycle ? "infusion" : slot_name(a.slot), 20) << format_mg(a.amount)
        << " = " << describe_administration(a) << "\n";
    }
    o << "  " << pad("Actual dose", 22) << actual_text(d) << " (deviation "
      << format_mg(d.rounded_daily - d.exact_daily) << ", " << format_percent(d.deviation_percent)
      << ")\n";
  }
  for (const std::string& a : plan.advisories) o << "  ! " << a << "\n";
  o << "\n";

  o << "PHASES\n";
  for (const PlannedPhase& p : plan.phases) {
    std::string name = p.name.en;
    if (p.steps > 0) name += " " + std::to_string(p.step) + "/" + std::to_string(p.steps);
    o << "  " << pad(name, 16) << format_date(p.first);
    if (p.last != p.first) o << " to " << format_date(p.last);
    o << "  " << format_dose(p.dose.target) << tag(p.dose_from);
    if (!p.dose.administrations.front().cells) {
      o << " -> " << format_mg(p.dose.rounded_daily) << (p.cycle ? "" : "/day");
      const std::string actual = actual_text(p.dose);
      if (!actual.empty()) o << " (" << actual << ")";
    }
    o << ": " << administrations(p.dose);
    if (p.conditional) o << " [only if needed]";
    o << "\n";
    if (!p.note.en.empty() && p.step <= 1) o << "  " << pad("", 16) << p.note.en << "\n";
  }
  o << "\n";

  o << "MONITORING (tests due on each date)\n";
  for (const Visit& v : plan.visits) {
    // The window every item of the visit allows.
    int before = 1000, after = 1000;
    for (const VisitItem& item : v.items) {
      before = std::min(before, item.window_before);
      after = std::min(after, item.window_after);
    }
    o << "  " << format_date(v.date) << (v.baseline ? " (before day 1)" : "");
    if (before > 0 && before == after) {
      o << " \u00b1" << before << " d";
    } else if (before > 0 || after > 0) {
      o << " (" << format_date(v.date - date::days{before}) << " to "
        << format_date(v.date + date::days{after}) << ")";
    }
    o << "  ";
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      o << (i ? "; " : "") << test_names(plan, v.items[i]);
    }
    o << "\n";
  }
  o << "\n  Why and when:\n";
  for (const MonitoringSummary& m : summarize_monitoring(plan)) {
    o << "  - " << m.name << ": " << m.schedule << "\n";
    if (!m.timing.empty()) o << "    " << m.timing << "\n";
  }
  o << "\n";

  if (!plan.lab_rules.empty()) {
    o << "WHAT A RESULT MAY MEAN (educational; always ask your doctor)\n";
    for (const LabRule& rule : plan.lab_rules) {
      std::string name = rule.test;
      for (const LabTest& lab : plan.labs)
        if (lab.id == rule.test) name = lab.name.en;
      o << "  - " << describe_condition(rule, name) << ": " << rule.advice.en << tag(rule.from)
        << "\n";
    }
    o << "\n";
  }
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
  if (explain) {
    o << "HOW EACH NUMBER WAS MADE\n";
    auto steps = [&o](const std::vector<AuditStep>& audit) {
      for (const AuditStep& a : audit) {
        o << "    - " << a.what << ": " << a.how;
        if (!a.result.empty()) o << " = " << a.result;
        if (!a.basis.empty()) o << "  [" << a.basis << "]";
        o << "\n";
      }
    };
    if (!plan.body_audit.empty()) {
      o << "  Body size and kidney function\n";
      steps(plan.body_audit);
    }
    for (const PlannedPhase& p : plan.phases) {
      o << "  " << p.name.en;
      if (p.steps > 0) o << " " << p.step << "/" << p.steps;
      o << " (" << format_date(p.first) << ")\n";
      steps(p.dose.audit);
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
