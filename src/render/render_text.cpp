// The plain-text plan (doseplan plan --format text): one TextWriter per render, which carries the
// plan and the output language; a method per section, in the order they are printed.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/render.hpp"
#include "doseplan/wording.hpp"

namespace doseplan {
namespace {

// " [source label-schedule]", " [secondary source mpr-gengraf]", " [project default]", or "".
std::string tag(const std::vector<Source>& sources, const Provenance& p, Lang lang) {
  const std::string words = provenance_words(sources, p, lang);
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
std::string administrations(const DailyDose& d, Product::Form form, Lang lang) {
  if (d.administrations.size() == 1 && d.administrations.front().intravenous) {
    return patient_units(d.administrations.front(), form, lang);
  }
  std::string out;
  for (const Administration& a : d.administrations) {
    if (!out.empty()) out += tr(lang, "; ");
    out += tr(lang, slot_name(a.slot)) + " " + format_mg(a.amount, lang) +
           fill(tr(lang, " ({text})"), {{"text", patient_units(a, form, lang)}});
  }
  return out;
}

// How the exact dose was made: "5 mg/kg/day × 62 kg", "500 mg/m² × 1.8 m²", "1,500 mg × 2".
std::string exact_basis(const Plan& plan, const PlannedPhase& p, Lang lang) {
  const DoseValue& t = p.dose.target;
  if (std::holds_alternative<DoseRate>(t))
    return format_dose(t, lang) + " \u00d7 " + format_kg(plan.weight);
  if (std::holds_alternative<DosePerArea>(t) && plan.bsa) {
    return format_dose(t, lang) + " \u00d7 " + format_number(in_m2(*plan.bsa)) + " m\u00b2";
  }
  if (std::holds_alternative<DrugMass>(t) && !p.cycle) {
    return format_dose(t, lang) + " \u00d7 " + std::to_string(p.dose.administrations.size());
  }
  return format_dose(t, lang);
}

// The dose actually given, per kg a day or per m2.
std::string actual_text(const DailyDose& d, Lang lang) {
  if (std::holds_alternative<DosePerArea>(d.target) && d.actual_per_area) {
    return format_dose(*d.actual_per_area, lang);
  }
  if (d.actual_rate) return format_dose_rate(*d.actual_rate, lang);
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
std::vector<MonitoringSummary> summarize_monitoring(const Plan& plan, Lang lang) {
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
        out.push_back({pick(item.name, lang), "", pick(item.timing, lang), is_trough(item)});
      }
      // Each kind of reason once ("before day 1, 2 occasions", "... each administration").
      auto& seen = reasons[k];
      for (const LocalizedText& summary : item.summaries) {
        const std::string reason = pick(summary, lang) + tag(plan.sources, item.from, lang);
        if (std::find(seen.begin(), seen.end(), reason) == seen.end()) seen.push_back(reason);
      }
    }
  }
  for (std::size_t k = 0; k < out.size(); ++k) {
    for (const std::string& r : reasons[k])
      out[k].schedule += (out[k].schedule.empty() ? "" : tr(lang, "; ")) + r;
  }
  return out;
}

std::string test_names(const Plan& plan, const VisitItem& item, Lang lang) {
  std::string out;
  for (const std::string& id : item.tests) {
    std::string name = id;
    for (const LabTest& lab : plan.labs)
      if (lab.id == id) name = pick(lab.name, lang);
    out += (out.empty() ? "" : tr(lang, ", ")) + name;
  }
  return out;
}

// One plan in one language, section by section.
class TextWriter {
 public:
  TextWriter(const Plan& plan, Lang lang) : plan_(plan), lang_(lang) {}

  std::string text(bool explain) {
    header();
    patient();
    dose();
    phases();
    supply();
    monitoring();
    notes();
    if (explain) audit();
    footer();
    return o_.str();
  }

 private:
  std::string label(std::string_view english) const { return tr(lang_, english); }
  // " (text)" in English, "（text）" in Chinese.
  std::string paren(const std::string& text) const {
    return fill(label(" ({text})"), {{"text", text}});
  }
  std::string source_tag(const Provenance& p) const { return tag(plan_.sources, p, lang_); }

  // The title, then the patient judged against the regimen's limits and what the user
  // acknowledged: first.
  void header() {
    o_ << label("DOSEPLAN — EDUCATIONAL AID, NOT A PRESCRIPTION") << "\n";
    o_ << drug_heading(plan_.regimen.drug, lang_) << " — " << pick(plan_.regimen.indication, lang_)
       << "\n";
    o_ << fill(label("Regimen {id}, evidence: {evidence}"),
               {{"id", plan_.regimen.id}, {"evidence", label(plan_.regimen.evidence)}})
       << "\n\n";

    // The patient judged against the regimen's limits, and what the user acknowledged: first.
    o_ << render_checks_text(plan_.checks, plan_.acknowledgements, lang_, plan_.sources);
  }

  void patient() {
    o_ << label("PATIENT") << "\n";
    o_ << "  " << pad(label("Weight"), 22) << format_kg(plan_.weight) << "\n";
    if (plan_.height)
      o_ << "  " << pad(label("Height"), 22) << format_number(in_cm(*plan_.height)) << " cm\n";
    if (plan_.bsa) {
      o_ << "  " << pad(label("Body-surface area"), 22) << format_number(in_m2(*plan_.bsa))
         << " m\u00b2" << paren(plan_.bsa_formula == "dubois" ? "DuBois" : "Mosteller") << "\n";
    }
    if (plan_.age_years)
      o_ << "  " << pad(label("Age"), 22) << format_number(*plan_.age_years) << " "
         << label("years") << "\n";
    if (plan_.sex) o_ << "  " << pad(label("Sex"), 22) << label(to_string(*plan_.sex)) << "\n";
    if (plan_.ideal_weight) {
      o_ << "  " << pad(label("Ideal body weight"), 22) << format_kg(*plan_.ideal_weight)
         << paren(label("Devine, adults")) << "\n";
    }
    if (plan_.adjusted_weight) {
      o_ << "  " << pad(label("Adjusted body weight"), 22) << format_kg(*plan_.adjusted_weight)
         << "\n";
    }
    if (plan_.creatinine) {
      o_ << "  " << pad(label("Creatinine"), 22)
         << format_number(in_umol_per_L(*plan_.creatinine), 1) << " " << label("umol/L")
         << paren(format_number(creatinine_in_mg_per_dL(*plan_.creatinine), 2) + " mg/dL") << "\n";
    }
    if (plan_.egfr) {
      o_ << "  " << pad("eGFR", 22) << format_number(in_mL_per_min(*plan_.egfr), 0)
         << " mL/min/1.73 m²" << paren(label("CKD-EPI 2021, adults")) << "\n";
    }
    if (plan_.crcl) {
      o_ << "  " << pad(label("Creatinine clearance"), 22)
         << format_number(in_mL_per_min(*plan_.crcl), 0) << " mL/min"
         << paren(label("Cockcroft\u2013Gault, adults")) << "\n";
    }
    if (plan_.egfr_schwartz) {
      o_ << "  " << pad("eGFR", 22) << format_number(in_mL_per_min(*plan_.egfr_schwartz), 0)
         << " mL/min/1.73 m²" << paren(label("bedside Schwartz, children")) << "\n";
    }
    o_ << "  " << pad(label("First day"), 22) << format_date(plan_.start) << "\n";
    o_ << "  " << pad(label("Last day"), 22) << format_date(plan_.end) << "\n\n";
  }

  void dose() {
    const PlannedPhase* first = plan_.phases.empty() ? nullptr : &plan_.phases.front();
    o_ << label("DOSE") << "\n";
    if (plan_.chosen) {
      o_ << "  " << pad(label("Chosen dose"), 22) << format_dose(plan_.chosen->value, lang_)
         << source_tag(plan_.chosen->from) << label("; ") << label("allowed") << " "
         << format_number(dose_number(*plan_.dose_rule.min)) << "–"
         << format_dose(*plan_.dose_rule.max, lang_) << source_tag(plan_.dose_rule.range_from)
         << "\n";
    }
    o_ << "  " << pad(label("Product"), 22) << pick(plan_.product.name, lang_);
    if (!plan_.product.market_names.empty()) {
      std::string names;
      for (std::size_t i = 0; i < plan_.product.market_names.size(); ++i)
        names += (i ? label(", ") : "") + plan_.product.market_names[i];
      o_ << paren(names);
    }
    o_ << "\n";
    for (const LocalizedText& n : plan_.product_notes)
      o_ << "  " << pad("", 22) << pick(n, lang_) << "\n";
    if (first && !first->dose_note.en.empty())
      o_ << "  " << pad("", 22) << "* " << pick(first->dose_note, lang_) << "\n";
    if (first && !first->dose.administrations.front().cells) {
      const DailyDose& d = first->dose;
      const char* per = first->cycle ? "dose" : "daily dose";
      o_ << "  " << pad(label(std::string("Exact ") + per), 22) << format_mg(d.exact_daily, lang_)
         << paren(exact_basis(plan_, *first, lang_)) << "\n";
      o_ << "  " << pad(label(std::string("Rounded ") + per), 22)
         << format_mg(d.rounded_daily, lang_);
      if (!first->cycle) {
        o_ << label("; ") << label(frequency_words(plan_.doses_per_day.value))
           << source_tag(plan_.doses_per_day.from);
      }
      o_ << "\n";
      for (const Administration& a : d.administrations) {
        o_ << "    " << pad(label(first->cycle ? "infusion" : slot_name(a.slot)), 20)
           << format_mg(a.amount, lang_) << " = " << patient_units(a, plan_.product.form, lang_)
           << "\n";
      }
      actual_dose(d);
      const std::string twice = twice_daily_text(plan_, lang_);
      if (!twice.empty())
        o_ << "  " << pad("", 22) << twice << " [" << label("project default") << "]\n";
    }
    for (const LocalizedText& a : plan_.advisories) o_ << "  ! " << pick(a, lang_) << "\n";
    o_ << "\n";
  }

  // "Actual dose": the rounded dose per kg or m² and how far rounding moved it. A fixed dose in mg
  // has no dose per kg or m² to show (issue 16, N31); when rounding did not move it either
  // (riTUXimab 1,000 mg) the line would only repeat the rounded dose: left out (issue 20, 12).
  void actual_dose(const DailyDose& d) {
    const std::string actual = actual_text(d, lang_);
    const bool moved = std::abs(in_mg(d.rounded_daily - d.exact_daily)) > 1e-6;
    if (actual.empty() && !moved) return;
    o_ << "  " << pad(label("Actual dose"), 22)
       << (actual.empty() ? format_mg(d.rounded_daily, lang_) : actual);
    if (moved) {
      o_ << paren(
          fill(label("{a}, {b}"),
               {{"a", label("deviation") + " " + format_mg(d.rounded_daily - d.exact_daily, lang_)},
                {"b", format_percent(d.deviation_percent)}}));
    }
    o_ << "\n";
  }

  void phases() {
    o_ << label("PHASES") << "\n";
    for (const PlannedPhase& p : plan_.phases) {
      std::string name = pick(p.name, lang_);
      name = phase_step_name(name, p.cycle, p.step, p.step, p.steps, lang_);
      o_ << "  " << pad(name, 16) << format_date(p.first);
      if (p.last != p.first) o_ << " " << label("to") << " " << format_date(p.last);
      o_ << "  " << format_dose(p.dose.target, lang_) << source_tag(p.dose_from);
      if (!p.dose.administrations.front().cells) {
        o_ << " -> " << format_mg(p.dose.rounded_daily, lang_) << (p.cycle ? "" : label("/day"));
        const std::string actual = actual_text(p.dose, lang_);
        if (!actual.empty()) o_ << paren(actual);
      }
      o_ << label(": ") << administrations(p.dose, plan_.product.form, lang_);
      if (p.conditional) o_ << " [" << label("the doctor decides whether to increase") << "]";
      if (!p.dose_note.en.empty()) o_ << " [" << pick(p.dose_note, lang_) << "]";
      o_ << "\n";
      if (!p.note.en.empty() && p.step <= 1)
        o_ << "  " << pad("", 16) << pick(p.note, lang_) << "\n";
    }
    o_ << "\n";
  }

  // What each phase needs of the product, until when it lasts, and the running total (issue 20).
  void supply() {
    o_ << label("SUPPLY AND TOTAL DOSE") << "\n";
    const bool oral = plan_.product.is_oral();
    for (std::size_t i = 0; i < plan_.phases.size() && i < plan_.supply.size(); ++i) {
      const PlannedPhase& p = plan_.phases[i];
      const PhaseSupply& s = plan_.supply[i];
      o_ << "  "
         << pad(phase_step_name(pick(p.name, lang_), p.cycle, p.step, p.step, p.steps, lang_), 16)
         << format_date(p.first);
      if (p.last != p.first) {
        o_ << " " << label("to") << " " << format_date(p.last)
           << paren(fill(label("{n} days"), {{"n", std::to_string(s.days)}}));
      }
      o_ << label(": ") << supply_units(s, plan_.product, lang_);
      if (p.conditional) o_ << " [" << label("if needed") << "]";
      o_ << "\n";
      if (oral) {
        o_ << "  " << pad("", 16)
           << fill(label("lasts until {date}"), {{"date", format_date(s.lasts_until)}});
        if (s.visit_before) {
          o_ << label("; ")
             << fill(label("last visit before then: {date}"),
                     {{"date", format_date(*s.visit_before)}});
        }
        o_ << "\n";
      }
      o_ << "  " << pad("", 16)
         << fill(label("total so far: {total}"), {{"total", cumulative_text(s, lang_)}}) << "\n";
    }
    o_ << "  " << pick(supply_note(plan_.product), lang_);
    if (plan_.product.has_pack()) o_ << source_tag(plan_.product.pack_from);
    o_ << "\n  " << pick(cumulative_note(), lang_) << "\n\n";
  }

  void monitoring() {
    o_ << label("MONITORING (tests due on each date)") << "\n";
    for (const Visit& v : plan_.visits) {
      // The window every item of the visit allows.
      int before = 1000, after = 1000;
      for (const VisitItem& item : v.items) {
        before = std::min(before, item.window_before);
        after = std::min(after, item.window_after);
      }
      o_ << "  " << format_date(v.date) << (v.baseline ? paren(label("before day 1")) : "");
      if (before > 0 && before == after) {
        o_ << " \u00b1" << before << " " << label("d");
      } else if (before > 0 || after > 0) {
        o_ << (lang_ == Lang::en ? " " : "")
           << window_words(v.date - date::days{before}, v.date + date::days{after}, lang_);
      }
      o_ << "  ";
      // On a drug-level day, first: draw blood, then take the morning dose (issue 16, finding 3).
      if (has_trough(v)) o_ << trough_day_text(plan_, lang_) << " ";
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        o_ << (i ? label("; ") : "") << test_names(plan_, v.items[i], lang_);
      }
      o_ << "\n";
    }
    o_ << "\n  " << label("Why and when") << label(": ") << "\n";
    for (const MonitoringSummary& m : summarize_monitoring(plan_, lang_)) {
      o_ << "  - " << m.name << label(": ") << m.schedule << "\n";
      if (m.trough) {
        // "About 12 hours after the evening dose" is the project's (no cited source gives it).
        o_ << "    " << trough_footnote(plan_, lang_)
           << (plan_.doses_per_day.value == 2 ? " [" + label("project default") + "]" : "") << "\n";
      } else if (!m.timing.empty()) {
        o_ << "    " << m.timing << "\n";
      }
    }
    o_ << "\n";
  }

  // What a result may mean, warnings, disagreements and project defaults.
  void notes() {
    if (!plan_.lab_rules.empty()) {
      o_ << label("WHAT A RESULT MAY MEAN (educational; always ask your doctor)") << "\n";
      for (const LabRule& rule : plan_.lab_rules) {
        std::string name = rule.test;
        for (const LabTest& lab : plan_.labs)
          if (lab.id == rule.test) name = pick(lab.name, lang_);
        o_ << "  - " << describe_condition(rule, name, lang_) << label(": ")
           << pick(rule.advice, lang_) << source_tag(rule.from) << "\n";
      }
      o_ << "\n";
    }
    if (!plan_.warnings.empty()) {
      o_ << label("WARNINGS") << "\n";
      for (const auto& w : plan_.warnings)
        o_ << "  - " << pick(w.value, lang_) << source_tag(w.from) << "\n";
      o_ << "\n";
    }
    if (!plan_.disagreements.empty()) {
      o_ << label("WHERE SOURCES DISAGREE (both shown; doseplan does not choose)") << "\n";
      for (const Disagreement& d : plan_.disagreements) {
        o_ << "  " << pick(d.topic, lang_) << label(": ") << "\n";
        for (const auto& p : d.positions)
          o_ << "    - " << pick(p.value, lang_) << source_tag(p.from) << "\n";
      }
      o_ << "\n";
    }
    if (!plan_.project_defaults.empty()) {
      o_ << label("PROJECT DEFAULTS (values no source gives; each can be overridden)") << "\n";
      for (const ProjectDefaultUse& d : plan_.project_defaults) {
        o_ << "  - " << pick(d.what, lang_) << label(": ") << pick(d.value, lang_)
           << (d.overridden ? paren(label("overridden by the user")) : "") << label(". ")
           << pick(d.reason, lang_) << "\n";
      }
      o_ << "\n";
    }
  }

  void audit() {
    o_ << label("HOW EACH NUMBER WAS MADE") << "\n";
    auto steps = [this](const std::vector<AuditStep>& audit) {
      for (const AuditStep& a : audit) {
        o_ << "    - " << pick(a.what, lang_) << label(": ") << pick(a.how, lang_);
        if (!a.result.en.empty()) o_ << " = " << pick(a.result, lang_);
        if (!a.basis.en.empty()) o_ << "  [" << pick(a.basis, lang_) << "]";
        o_ << "\n";
      }
    };
    if (!plan_.body_audit.empty()) {
      o_ << "  " << label("Body size and kidney function") << "\n";
      steps(plan_.body_audit);
    }
    for (const PlannedPhase& p : plan_.phases) {
      o_ << "  " << pick(p.name, lang_);
      if (p.steps > 0) o_ << " " << p.step << "/" << p.steps;
      o_ << paren(format_date(p.first)) << "\n";
      steps(p.dose.audit);
    }
    o_ << "\n";
  }

  void footer() {
    o_ << label("SOURCES") << "\n";
    o_ << sources_text(plan_.sources, lang_, "  ");
    o_ << "\n";
    o_ << label("DISCLAIMER") << "\n  " << plan_.disclaimer.en << "\n  " << plan_.disclaimer.zh
       << "\n";
    o_ << "\n" << label("MADE BY") << "\n  " << stamp_text(plan_.stamp, lang_) << "\n";
  }

  const Plan& plan_;
  Lang lang_;
  std::ostringstream o_;
};

}  // namespace

std::string render_checks_text(const std::vector<PatientCheck>& checks,
                               const std::vector<LocalizedText>& acknowledgements, Lang lang,
                               const std::vector<Source>& sources) {
  std::ostringstream o;
  if (!checks.empty()) {
    o << tr(lang, "CHECKS ABOUT THE PATIENT (the regimen's limits; doseplan changes no dose)")
      << "\n";
    for (const PatientCheck& c : checks) {
      o << "  ! [" << check_mark(c.action, lang) << "] " << pick(c.text, lang)
        << tag(sources, c.from, lang) << "\n";
    }
    o << "\n";
  }
  if (!acknowledgements.empty()) {
    o << tr(lang, "ACKNOWLEDGED BY THE USER (--acknowledge-off-label)") << "\n";
    for (const LocalizedText& a : acknowledgements) o << "  ! " << pick(a, lang) << "\n";
    o << "\n";
  }
  return o.str();
}

std::string render_text(const Plan& plan, bool explain, Lang lang) {
  return TextWriter(plan, lang).text(explain);
}

}  // namespace doseplan
