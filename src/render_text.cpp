#include <algorithm>
#include <sstream>

#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/render.hpp"

namespace doseplan {
namespace {

thread_local Lang g_lang = Lang::en;  // the language of this thread's render (set by render_text)

std::string L(std::string_view english);
// " (text)" in English, "（text）" in Chinese.
std::string P(const std::string& text) {
  return fill(L(" ({text})"), {{"text", text}});
}

std::string L(std::string_view english) {
  return tr(g_lang, english);
}

// " [source label-schedule]", " [secondary source mpr-gengraf]", " [project default]", or "".
std::string tag(const std::vector<Source>& sources, const Provenance& p) {
  const std::string words = provenance_words(sources, p, g_lang);
  return words.empty() ? "" : " [" + words + "]";
}

// Columns on a terminal: East Asian wide characters take two.
std::size_t display_width(const std::string& s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = c;
    std::size_t n = 1;
    if (c >= 0xF0) {
      n = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      n = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      n = 2;
      cp = c & 0x1F;
    }
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6);
    width += wide ? 2 : 1;
    i += n;
  }
  return width;
}

std::string pad(std::string s, std::size_t width) {
  const std::size_t w = display_width(s);
  s.append(w < width ? width - w : 1, ' ');  // always at least one space
  return s;
}

// "早上 150 mg（100 mg胶囊1粒 + 50 mg胶囊1粒）；晚上 …": what to take at each slot, counted as a
// patient counts it (issue 16, finding 6).
std::string administrations(const DailyDose& d, Product::Form form) {
  if (d.administrations.size() == 1 && d.administrations.front().intravenous) {
    return patient_units(d.administrations.front(), form, g_lang);
  }
  std::string out;
  for (const Administration& a : d.administrations) {
    if (!out.empty()) out += L("; ");
    out += L(slot_name(a.slot)) + " " + format_mg(a.amount, g_lang) +
           fill(L(" ({text})"), {{"text", patient_units(a, form, g_lang)}});
  }
  return out;
}

// How the exact dose was made: "5 mg/kg/day × 62 kg", "500 mg/m² × 1.8 m²", "1,500 mg × 2".
std::string exact_basis(const Plan& plan, const PlannedPhase& p) {
  const DoseValue& t = p.dose.target;
  if (std::holds_alternative<DoseRate>(t))
    return format_dose(t, g_lang) + " \u00d7 " + format_kg(plan.weight);
  if (std::holds_alternative<DosePerArea>(t) && plan.bsa) {
    return format_dose(t, g_lang) + " \u00d7 " + format_number(in_m2(*plan.bsa)) + " m\u00b2";
  }
  if (std::holds_alternative<DrugMass>(t) && !p.cycle) {
    return format_dose(t, g_lang) + " \u00d7 " + std::to_string(p.dose.administrations.size());
  }
  return format_dose(t, g_lang);
}

// The dose actually given, per kg a day or per m2.
std::string actual_text(const DailyDose& d) {
  if (std::holds_alternative<DosePerArea>(d.target) && d.actual_per_area) {
    return format_dose(*d.actual_per_area, g_lang);
  }
  if (d.actual_rate) return format_dose_rate(*d.actual_rate, g_lang);
  return "";
}

struct MonitoringSummary {
  std::string name;
  std::string
      schedule;  // "baseline x2 [source]; every 2 weeks for the first 3 months [source]; ..."
  std::string timing;
  bool trough = false;  // a drug-level test: its footnote says when to draw and to take the dose
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
        out.push_back({pick(item.name, g_lang), "", pick(item.timing, g_lang), is_trough(item)});
      }
      // Each kind of reason once ("before day 1, 2 occasions", "... each administration").
      auto& seen = reasons[k];
      for (const LocalizedText& summary : item.summaries) {
        const std::string reason = pick(summary, g_lang) + tag(plan.sources, item.from);
        if (std::find(seen.begin(), seen.end(), reason) == seen.end()) seen.push_back(reason);
      }
    }
  }
  for (std::size_t k = 0; k < out.size(); ++k) {
    for (const std::string& r : reasons[k])
      out[k].schedule += (out[k].schedule.empty() ? "" : L("; ")) + r;
  }
  return out;
}

std::string test_names(const Plan& plan, const VisitItem& item) {
  std::string out;
  for (const std::string& id : item.tests) {
    std::string name = id;
    for (const LabTest& lab : plan.labs)
      if (lab.id == id) name = pick(lab.name, g_lang);
    out += (out.empty() ? "" : L(", ")) + name;
  }
  return out;
}

}  // namespace

std::string render_checks_text(const std::vector<PatientCheck>& checks,
                               const std::vector<LocalizedText>& acknowledgements, Lang lang,
                               const std::vector<Source>& sources) {
  g_lang = lang;
  std::ostringstream o;
  if (!checks.empty()) {
    o << L("CHECKS ABOUT THE PATIENT (the regimen's limits; doseplan changes no dose)") << "\n";
    for (const PatientCheck& c : checks) {
      o << "  ! [" << check_mark(c.action, lang) << "] " << pick(c.text, lang)
        << tag(sources, c.from) << "\n";
    }
    o << "\n";
  }
  if (!acknowledgements.empty()) {
    o << L("ACKNOWLEDGED BY THE USER (--acknowledge-off-label)") << "\n";
    for (const LocalizedText& a : acknowledgements) o << "  ! " << pick(a, lang) << "\n";
    o << "\n";
  }
  return o.str();
}

std::string render_text(const Plan& plan, bool explain, Lang lang) {
  g_lang = lang;
  std::ostringstream o;
  const PlannedPhase* first = plan.phases.empty() ? nullptr : &plan.phases.front();
  o << L("DOSEPLAN — EDUCATIONAL AID, NOT A PRESCRIPTION") << "\n";
  o << drug_heading(plan.regimen.drug, lang) << " — " << pick(plan.regimen.indication, lang)
    << "\n";
  o << fill(L("Regimen {id}, evidence: {evidence}"),
            {{"id", plan.regimen.id}, {"evidence", L(plan.regimen.evidence)}})
    << "\n\n";

  // The patient judged against the regimen's limits, and what the user acknowledged: first.
  o << render_checks_text(plan.checks, plan.acknowledgements, lang, plan.sources);

  o << L("PATIENT") << "\n";
  o << "  " << pad(L("Weight"), 22) << format_kg(plan.weight) << "\n";
  if (plan.height)
    o << "  " << pad(L("Height"), 22) << format_number(in_cm(*plan.height)) << " cm\n";
  if (plan.bsa) {
    o << "  " << pad(L("Body-surface area"), 22) << format_number(in_m2(*plan.bsa)) << " m\u00b2"
      << P(plan.bsa_formula == "dubois" ? "DuBois" : "Mosteller") << "\n";
  }
  if (plan.age_years)
    o << "  " << pad(L("Age"), 22) << format_number(*plan.age_years) << " " << L("years") << "\n";
  if (plan.sex) o << "  " << pad(L("Sex"), 22) << L(to_string(*plan.sex)) << "\n";
  if (plan.ideal_weight) {
    o << "  " << pad(L("Ideal body weight"), 22) << format_kg(*plan.ideal_weight)
      << P(L("Devine, adults")) << "\n";
  }
  if (plan.adjusted_weight) {
    o << "  " << pad(L("Adjusted body weight"), 22) << format_kg(*plan.adjusted_weight) << "\n";
  }
  if (plan.creatinine) {
    o << "  " << pad(L("Creatinine"), 22) << format_number(in_umol_per_L(*plan.creatinine), 1)
      << " " << L("umol/L")
      << P(format_number(creatinine_in_mg_per_dL(*plan.creatinine), 2) + " mg/dL") << "\n";
  }
  if (plan.egfr) {
    o << "  " << pad("eGFR", 22) << format_number(in_mL_per_min(*plan.egfr), 0) << " mL/min/1.73 m²"
      << P(L("CKD-EPI 2021, adults")) << "\n";
  }
  if (plan.crcl) {
    o << "  " << pad(L("Creatinine clearance"), 22) << format_number(in_mL_per_min(*plan.crcl), 0)
      << " mL/min" << P(L("Cockcroft\u2013Gault, adults")) << "\n";
  }
  if (plan.egfr_schwartz) {
    o << "  " << pad("eGFR", 22) << format_number(in_mL_per_min(*plan.egfr_schwartz), 0)
      << " mL/min/1.73 m²" << P(L("bedside Schwartz, children")) << "\n";
  }
  o << "  " << pad(L("First day"), 22) << format_date(plan.start) << "\n";
  o << "  " << pad(L("Last day"), 22) << format_date(plan.end) << "\n\n";

  o << L("DOSE") << "\n";
  if (plan.chosen) {
    o << "  " << pad(L("Chosen dose"), 22) << format_dose(plan.chosen->value, g_lang)
      << tag(plan.sources, plan.chosen->from) << L("; ") << L("allowed") << " "
      << format_number(dose_number(*plan.dose_rule.min)) << "–"
      << format_dose(*plan.dose_rule.max, g_lang) << tag(plan.sources, plan.dose_rule.range_from)
      << "\n";
  }
  o << "  " << pad(L("Product"), 22) << pick(plan.product.name, lang);
  if (!plan.product.market_names.empty()) {
    std::string names;
    for (std::size_t i = 0; i < plan.product.market_names.size(); ++i)
      names += (i ? L(", ") : "") + plan.product.market_names[i];
    o << P(names);
  }
  o << "\n";
  for (const LocalizedText& n : plan.product_notes)
    o << "  " << pad("", 22) << pick(n, lang) << "\n";
  if (first && !first->dose_note.en.empty())
    o << "  " << pad("", 22) << "* " << pick(first->dose_note, lang) << "\n";
  if (first && !first->dose.administrations.front().cells) {
    const DailyDose& d = first->dose;
    const char* per = first->cycle ? "dose" : "daily dose";
    o << "  " << pad(L(std::string("Exact ") + per), 22) << format_mg(d.exact_daily, g_lang)
      << P(exact_basis(plan, *first)) << "\n";
    o << "  " << pad(L(std::string("Rounded ") + per), 22) << format_mg(d.rounded_daily, g_lang);
    if (!first->cycle) {
      o << L("; ") << L(frequency_words(plan.doses_per_day.value))
        << tag(plan.sources, plan.doses_per_day.from);
    }
    o << "\n";
    for (const Administration& a : d.administrations) {
      o << "    " << pad(L(first->cycle ? "infusion" : slot_name(a.slot)), 20)
        << format_mg(a.amount, g_lang) << " = " << patient_units(a, plan.product.form, g_lang)
        << "\n";
    }
    // A fixed dose in mg has no dose per kg or m² to show: the amount itself (issue 16, N31).
    const std::string actual = actual_text(d);
    o << "  " << pad(L("Actual dose"), 22)
      << (actual.empty() ? format_mg(d.rounded_daily, g_lang) : actual)
      << P(fill(L("{a}, {b}"),
                {{"a", L("deviation") + " " + format_mg(d.rounded_daily - d.exact_daily, g_lang)},
                 {"b", format_percent(d.deviation_percent)}}))
      << "\n";
    const std::string twice = twice_daily_text(plan, lang);
    if (!twice.empty()) o << "  " << pad("", 22) << twice << " [" << L("project default") << "]\n";
  }
  for (const LocalizedText& a : plan.advisories) o << "  ! " << pick(a, lang) << "\n";
  o << "\n";

  o << L("PHASES") << "\n";
  for (const PlannedPhase& p : plan.phases) {
    std::string name = pick(p.name, lang);
    name = phase_step_name(name, p.cycle, p.step, p.step, p.steps, lang);
    o << "  " << pad(name, 16) << format_date(p.first);
    if (p.last != p.first) o << " " << L("to") << " " << format_date(p.last);
    o << "  " << format_dose(p.dose.target, g_lang) << tag(plan.sources, p.dose_from);
    if (!p.dose.administrations.front().cells) {
      o << " -> " << format_mg(p.dose.rounded_daily, g_lang) << (p.cycle ? "" : L("/day"));
      const std::string actual = actual_text(p.dose);
      if (!actual.empty()) o << P(actual);
    }
    o << L(": ") << administrations(p.dose, plan.product.form);
    if (p.conditional) o << " [" << L("the doctor decides whether to increase") << "]";
    if (!p.dose_note.en.empty()) o << " [" << pick(p.dose_note, lang) << "]";
    o << "\n";
    if (!p.note.en.empty() && p.step <= 1) o << "  " << pad("", 16) << pick(p.note, lang) << "\n";
  }
  o << "\n";

  o << L("MONITORING (tests due on each date)") << "\n";
  for (const Visit& v : plan.visits) {
    // The window every item of the visit allows.
    int before = 1000, after = 1000;
    for (const VisitItem& item : v.items) {
      before = std::min(before, item.window_before);
      after = std::min(after, item.window_after);
    }
    o << "  " << format_date(v.date) << (v.baseline ? P(L("before day 1")) : "");
    if (before > 0 && before == after) {
      o << " \u00b1" << before << " " << L("d");
    } else if (before > 0 || after > 0) {
      o << (lang == Lang::en ? " " : "")
        << window_words(v.date - date::days{before}, v.date + date::days{after}, lang);
    }
    o << "  ";
    // On a drug-level day, first: draw blood, then take the morning dose (issue 16, finding 3).
    if (has_trough(v)) o << trough_day_text(plan, lang) << " ";
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      o << (i ? L("; ") : "") << test_names(plan, v.items[i]);
    }
    o << "\n";
  }
  o << "\n  " << L("Why and when") << L(": ") << "\n";
  for (const MonitoringSummary& m : summarize_monitoring(plan)) {
    o << "  - " << m.name << L(": ") << m.schedule << "\n";
    if (m.trough) {
      // "About 12 hours after the evening dose" is the project's (no cited source gives it).
      o << "    " << trough_footnote(plan, lang)
        << (plan.doses_per_day.value == 2 ? " [" + L("project default") + "]" : "") << "\n";
    } else if (!m.timing.empty()) {
      o << "    " << m.timing << "\n";
    }
  }
  o << "\n";

  if (!plan.lab_rules.empty()) {
    o << L("WHAT A RESULT MAY MEAN (educational; always ask your doctor)") << "\n";
    for (const LabRule& rule : plan.lab_rules) {
      std::string name = rule.test;
      for (const LabTest& lab : plan.labs)
        if (lab.id == rule.test) name = pick(lab.name, lang);
      o << "  - " << describe_condition(rule, name, lang) << L(": ") << pick(rule.advice, lang)
        << tag(plan.sources, rule.from) << "\n";
    }
    o << "\n";
  }
  if (!plan.warnings.empty()) {
    o << L("WARNINGS") << "\n";
    for (const auto& w : plan.warnings)
      o << "  - " << pick(w.value, lang) << tag(plan.sources, w.from) << "\n";
    o << "\n";
  }
  if (!plan.disagreements.empty()) {
    o << L("WHERE SOURCES DISAGREE (both shown; doseplan does not choose)") << "\n";
    for (const Disagreement& d : plan.disagreements) {
      o << "  " << pick(d.topic, lang) << L(": ") << "\n";
      for (const auto& p : d.positions)
        o << "    - " << pick(p.value, lang) << tag(plan.sources, p.from) << "\n";
    }
    o << "\n";
  }
  if (!plan.project_defaults.empty()) {
    o << L("PROJECT DEFAULTS (values no source gives; each can be overridden)") << "\n";
    for (const ProjectDefaultUse& d : plan.project_defaults) {
      o << "  - " << pick(d.what, lang) << L(": ") << pick(d.value, lang)
        << (d.overridden ? P(L("overridden by the user")) : "") << L(". ") << pick(d.reason, lang)
        << "\n";
    }
    o << "\n";
  }
  if (explain) {
    o << L("HOW EACH NUMBER WAS MADE") << "\n";
    auto steps = [&o](const std::vector<AuditStep>& audit) {
      for (const AuditStep& a : audit) {
        o << "    - " << pick(a.what, g_lang) << L(": ") << pick(a.how, g_lang);
        if (!a.result.en.empty()) o << " = " << pick(a.result, g_lang);
        if (!a.basis.en.empty()) o << "  [" << pick(a.basis, g_lang) << "]";
        o << "\n";
      }
    };
    if (!plan.body_audit.empty()) {
      o << "  " << L("Body size and kidney function") << "\n";
      steps(plan.body_audit);
    }
    for (const PlannedPhase& p : plan.phases) {
      o << "  " << pick(p.name, lang);
      if (p.steps > 0) o << " " << p.step << "/" << p.steps;
      o << P(format_date(p.first)) << "\n";
      steps(p.dose.audit);
    }
    o << "\n";
  }
  o << L("SOURCES") << "\n";
  o << sources_text(plan.sources, lang, "  ");
  o << "\n";
  o << L("DISCLAIMER") << "\n  " << plan.disclaimer.en << "\n  " << plan.disclaimer.zh << "\n";
  o << "\n" << L("MADE BY") << "\n  " << stamp_text(plan.stamp, lang) << "\n";
  return o.str();
}

}  // namespace doseplan
