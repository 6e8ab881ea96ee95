// `doseplan regimens` and `doseplan show`: the rules as a pharmacist reads them.
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "doseplan/format.hpp"
#include "doseplan/plan.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/render.hpp"

namespace doseplan {
namespace {

using json = nlohmann::ordered_json;

// " [source x; note]", " [secondary source x]", " [project default: reason]", or "".
std::string tag(const std::vector<Source>& sources, const Provenance& p, Lang lang) {
  if (p.project_default) {
    return " [" + tr(lang, "project default") + tr(lang, ": ") + pick(p.reason, lang) + "]";
  }
  if (!p.source_id.empty()) {
    return " [" + provenance_words(sources, p, lang) +
           (p.note.en.empty() ? "" : tr(lang, "; ") + pick(p.note, lang)) + "]";
  }
  return "";
}

json prov(const Provenance& p) {
  if (p.project_default) {
    return {{"project_default", true}, {"reason", {{"en", p.reason.en}, {"zh-CN", p.reason.zh}}}};
  }
  json j = {{"source", p.source_id}};
  if (!p.note.en.empty()) j["note"] = {{"en", p.note.en}, {"zh-CN", p.note.zh}};
  return j;
}

json stamp_json(const RulesStamp& s) {
  return {{"doseplan_version", s.doseplan_version},
          {"rules_version", s.rules_version},
          {"rules_sha256", s.rules_hash}};
}

json text(const LocalizedText& t) {
  return {{"en", t.en}, {"zh-CN", t.zh}};
}
json dose(const DoseValue& v) {
  return {{"value", dose_number(v)}, {"unit", dose_unit(v)}};
}

const char* kind_name(PhaseRule::Kind k) {
  switch (k) {
    case PhaseRule::Kind::chosen_dose:
      return "chosen_dose";
    case PhaseRule::Kind::fixed_dose:
      return "fixed_dose";
    case PhaseRule::Kind::taper:
      return "taper";
    case PhaseRule::Kind::titration:
      return "titration";
    case PhaseRule::Kind::cycles:
      return "cycles";
  }
  return "";
}

}  // namespace

// "mmHg" for "mm[Hg]", "×10⁹/L" for "10*9/L" and for "10*3/uL" (the same number: 10³/µL is
// 10⁹/L, and Chinese lab reports print ×10⁹/L), "µmol/L" for "umol/L": no UCUM code reaches a
// reader (issue 16, finding 8).
std::string display_unit(std::string_view unit) {
  if (unit == "mm[Hg]") return "mmHg";
  if (unit == "10*9/L" || unit == "10*3/uL") return "\u00d710\u2079/L";
  if (unit == "umol/L") return "\u00b5mol/L";
  return std::string(unit);
}

// "140 mmHg", "1.3×10⁹/L": a power of ten follows its number without a space.
std::string measure_text(const std::string& number, std::string_view unit) {
  const std::string shown = display_unit(unit);
  if (shown.empty()) return number;
  return number + (shown.rfind("\u00d7", 0) == 0 ? "" : " ") + shown;
}

namespace {

std::string condition_alone(const LabRule& r, const std::string& test_name, Lang lang) {
  switch (r.condition) {
    case LabRule::Condition::rise_over_baseline_percent:
      return fill(tr(lang, "{test} \u2265 {n}% above baseline"),
                  {{"test", test_name}, {"n", format_number(r.threshold)}});
    case LabRule::Condition::above_uln_multiple:
      return fill(tr(lang, "{test} > {n} \u00d7 upper limit of normal"),
                  {{"test", test_name}, {"n", format_number(r.threshold)}});
    case LabRule::Condition::above:
      return fill(
          tr(lang, "{test} > {amount}"),
          {{"test", test_name}, {"amount", measure_text(format_number(r.threshold), r.unit)}});
    case LabRule::Condition::below:
      return fill(
          tr(lang, "{test} < {amount}"),
          {{"test", test_name}, {"amount", measure_text(format_number(r.threshold), r.unit)}});
    case LabRule::Condition::outside_range:
      return fill(tr(lang, "{test} outside {range}"),
                  {{"test", test_name},
                   {"range", measure_text(format_number(r.low) + "\u2013" + format_number(r.high),
                                          r.unit)}});
  }
  return test_name;
}

}  // namespace

std::string check_mark(PatientCheck::Action action, Lang lang) {
  switch (action) {
    case PatientCheck::Action::warn:
      return tr(lang, "warning");
    case PatientCheck::Action::reduce:
      return tr(lang, "the source's reduction, not applied");
    case PatientCheck::Action::acknowledged:
      return tr(lang, "acknowledged by the user");
  }
  return tr(lang, "warning");
}

// "Systolic blood pressure > 140 mmHg on 2 readings in a row" when the rule needs more than one.
std::string describe_condition(const LabRule& r, const std::string& test_name, Lang lang) {
  const std::string alone = condition_alone(r, test_name, lang);
  if (r.readings <= 1) return alone;
  return fill(tr(lang, "{condition} on {n} readings in a row"),
              {{"condition", alone}, {"n", std::to_string(r.readings)}});
}

namespace {

const char* condition_name(LabRule::Condition c) {
  switch (c) {
    case LabRule::Condition::rise_over_baseline_percent:
      return "rise_over_baseline_percent";
    case LabRule::Condition::above_uln_multiple:
      return "above_uln_multiple";
    case LabRule::Condition::above:
      return "above";
    case LabRule::Condition::below:
      return "below";
    case LabRule::Condition::outside_range:
      return "outside_range";
  }
  return "";
}

const char* action_name(LabRule::Action a) {
  switch (a) {
    case LabRule::Action::repeat_test:
      return "repeat_test";
    case LabRule::Action::reduce_dose:
      return "reduce_dose";
    case LabRule::Action::interrupt:
      return "interrupt";
    case LabRule::Action::stop_and_contact:
      return "stop_and_contact";
    case LabRule::Action::contact_doctor:
      return "contact_doctor";
  }
  return "";
}

// What an action or a phase kind means, in words: "repeat_test" -> "repeat the test".
std::string in_words(std::string_view id, Lang lang) {
  std::string words(id);
  for (char& c : words) c = c == '_' ? ' ' : c;
  return tr(lang, words);
}

// What a lab rule's action asks of the patient, in words. The change of dose is the doctor's
// (issue 16): a bare "reduce dose" or "interrupt" would read as an order to do it alone.
std::string action_words(LabRule::Action a, Lang lang) {
  switch (a) {
    case LabRule::Action::reduce_dose:
      return tr(lang, "contact the doctor (the dose may need reducing)");
    case LabRule::Action::interrupt:
      return tr(lang, "contact the doctor (the drug may need interrupting)");
    default:
      return in_words(action_name(a), lang);
  }
}

std::string condition_text(const LabRule& r, const RuleSet& rules, Lang lang) {
  const LabTest* lab = rules.find_lab(r.test);
  return describe_condition(r, lab ? pick(lab->name, lang) : r.test, lang);
}

std::string test_names(const MonitoringRule& m, const RuleSet& rules, Lang lang) {
  std::string out;
  for (const std::string& id : m.tests) {
    const LabTest* lab = rules.find_lab(id);
    out += (out.empty() ? "" : tr(lang, ", ")) + (lab ? pick(lab->name, lang) : id);
  }
  return out;
}

// The punctuation of the reader's language: "：", "；", "、" and "（…）" in Chinese.
struct Punct {
  explicit Punct(Lang lang)
      : colon(tr(lang, ": ")), semicolon(tr(lang, "; ")), comma(tr(lang, ", ")), lang_(lang) {}
  std::string paren(const std::string& text) const {
    return fill(tr(lang_, " ({text})"), {{"text", text}});
  }
  std::string colon, semicolon, comma;

 private:
  Lang lang_;
};

// A range as a reader says it (issue 16, N29): "2–3", "12 (fixed)" when both ends are equal,
// "18 or more" and "up to 65" when one end is open.
std::string range_words(const std::string& low, const std::string& high, Lang lang) {
  if (high.empty()) return fill(tr(lang, "{n} or more"), {{"n", low}});
  if (low.empty()) return fill(tr(lang, "up to {n}"), {{"n", high}});
  if (low == high) return fill(tr(lang, "{n} (fixed)"), {{"n", low}});
  return low + "\u2013" + high;
}

}  // namespace

std::string render_regimen_list_text(const RuleSet& rules, Lang lang) {
  std::ostringstream o;
  for (const Regimen& r : rules.regimens) {
    o << r.id << "\n    " << pick(r.drug.name, lang) << " — " << pick(r.indication, lang)
      << Punct(lang).paren(tr(lang, r.evidence)) << "\n";
  }
  o << "\n" << pick(disclaimer(), lang) << "\n";
  o << tr(lang, "Made by") << tr(lang, ": ") << stamp_text(rules.stamp, lang) << "\n";
  return o.str();
}

std::string render_regimen_list_json(const RuleSet& rules) {
  json list = json::array();
  for (const Regimen& r : rules.regimens) {
    list.push_back({{"id", r.id},
                    {"drug", {{"id", r.drug.id}, {"name", text(r.drug.name)}}},
                    {"indication", text(r.indication)},
                    {"evidence", r.evidence}});
  }
  json j = {{"format", "doseplan-regimens"},
            {"format_version", 1},
            {"disclaimer", text(disclaimer())},
            {"made_by", stamp_json(rules.stamp)},
            {"regimens", list}};
  return j.dump(2) + "\n";
}

namespace {

// `doseplan show`: the regimen as its rules give it, in the reader's language: one page read top
// to bottom, one method per section.
class RegimenTextWriter {
 public:
  RegimenTextWriter(const Regimen& regimen, const RuleSet& rule_set, Lang language)
      : r_(regimen), rules_(rule_set), lang_(language), pu_(language) {}

  std::string write() {
    header();
    dose_rule();
    products();
    o_ << "\n" << tr(lang_, "Phases") << "\n";
    for (const PhaseRule& p : r_.phases) phase(p);
    o_ << "\n" << tr(lang_, "Monitoring") << "\n";
    for (const MonitoringRule& m : r_.monitoring) monitoring(m);
    rules_and_warnings();
    closing();
    return o_.str();
  }

 private:
  // The drug, indication, id and evidence; the population's limits.
  void header() {
    o_ << pick(r_.drug.name, lang_) << " — " << pick(r_.indication, lang_) << "\n";
    o_ << tr(lang_, "Regimen") << pu_.colon << r_.id << "    " << tr(lang_, "Evidence") << pu_.colon
       << tr(lang_, r_.evidence) << "\n\n";
    if (r_.population.age_years || r_.population.weight_kg) {
      o_ << tr(lang_, "Population") << "\n";
      for (auto [name, unit, limit] :
           {std::tuple{"age", "{range} years", &r_.population.age_years},
            std::tuple{"weight", "{range} kg", &r_.population.weight_kg}}) {
        if (!*limit) continue;
        const std::string range =
            range_words((*limit)->min ? format_number(*(*limit)->min) : "",
                        (*limit)->max ? format_number(*(*limit)->max) : "", lang_);
        o_ << "  " << tr(lang_, name) << pu_.colon << fill(tr(lang_, unit), {{"range", range}})
           << tr(lang_, ". ") << pick((*limit)->message, lang_)
           << tag(r_.sources, (*limit)->from, lang_) << "\n";
      }
      o_ << "\n";
    }
  }

  // The allowed range, the default and the doses a day.
  void dose_rule() {
    o_ << tr(lang_, "Dose") << "\n";
    if (r_.dose.min) {
      o_ << "  " << tr(lang_, "Allowed range") << pu_.colon
         << format_number(dose_number(*r_.dose.min)) << "\u2013" << format_dose(*r_.dose.max, lang_)
         << tag(r_.sources, r_.dose.range_from, lang_) << "\n";
    }
    if (r_.dose.default_dose) {
      o_ << "  " << tr(lang_, "Default") << pu_.colon
         << format_dose(r_.dose.default_dose->value, lang_)
         << tag(r_.sources, r_.dose.default_dose->from, lang_) << "\n";
    }
    if (r_.dose.doses_per_day_max > 1) {
      o_ << "  " << tr(lang_, "Doses a day") << pu_.colon
         << range_words(std::to_string(r_.dose.doses_per_day_min),
                        std::to_string(r_.dose.doses_per_day_max), lang_)
         << tag(r_.sources, r_.dose.doses_per_day_from, lang_) << pu_.semicolon
         << tr(lang_, "Default") << " " << r_.dose.default_doses_per_day.value
         << tag(r_.sources, r_.dose.default_doses_per_day.from, lang_) << "\n";
    }
  }

  void products() {
    o_ << "\n" << tr(lang_, "Products") << "\n";
    for (const std::string& id : r_.products) {
      const Product* p = rules_.find_product(id);
      o_ << "  " << id;
      if (p) {
        o_ << pu_.colon << pick(p->name, lang_);
        if (!p->strengths.empty()) o_ << pu_.paren(pick(strengths_text(p->strengths), lang_));
      }
      o_ << "\n";
    }
  }

  // A phase: its level or maximum, its step, cycles, duration, condition and note.
  void phase(const PhaseRule& p) {
    o_ << "  " << p.id << " — " << pick(p.name, lang_)
       << pu_.paren(in_words(kind_name(p.kind), lang_)) << "\n";
    if (p.level) {
      o_ << "    " << tr(lang_, p.kind == PhaseRule::Kind::titration ? "maximum" : "level")
         << pu_.colon << format_dose(p.level->value, lang_) << tag(r_.sources, p.level->from, lang_)
         << "\n";
    }
    if (p.step) {
      o_ << "    " << tr(lang_, "step") << pu_.colon << format_dose(p.step->value, lang_)
         << tag(r_.sources, p.step->from, lang_) << pu_.semicolon
         << pick(every_text(p.every.value), lang_) << tag(r_.sources, p.every.from, lang_) << "\n";
    }
    if (p.max_count > 0) {
      o_ << "    " << tr(lang_, "cycles") << pu_.colon
         << range_words(std::to_string(p.min_count), std::to_string(p.max_count), lang_)
         << tag(r_.sources, p.count_from, lang_) << pu_.semicolon << tr(lang_, "Default") << " "
         << p.default_count.value << tag(r_.sources, p.default_count.from, lang_) << pu_.semicolon
         << pick(every_text(p.every.value), lang_) << tag(r_.sources, p.every.from, lang_) << "\n";
      for (const CycleDose& cd : p.cycle_doses) {
        o_ << "    " << cd.from_cycle
           << (cd.to_cycle > cd.from_cycle ? "\u2013" + std::to_string(cd.to_cycle) : "")
           << pu_.colon << format_dose(cd.dose.value, lang_) << tag(r_.sources, cd.dose.from, lang_)
           << "\n";
      }
    }
    if (p.max_duration.count > 0) {
      const std::string shortest = pick(span_text(p.min_duration), lang_);
      const std::string longest = pick(span_text(p.max_duration), lang_);
      o_ << "    " << tr(lang_, "duration") << pu_.colon
         << (shortest == longest ? range_words(shortest, longest, lang_)
                                 : shortest + " \u2013 " + longest)
         << tag(r_.sources, p.duration_from, lang_) << pu_.semicolon << tr(lang_, "Default") << " "
         << pick(span_text(p.default_duration.value), lang_)
         << tag(r_.sources, p.default_duration.from, lang_) << "\n";
    }
    if (p.conditional) o_ << "    " << tr(lang_, "the doctor decides whether to increase") << "\n";
    if (!pick(p.note, lang_).empty()) o_ << "    " << pick(p.note, lang_) << "\n";
  }

  // A monitored item: its tests, baseline, intervals, tests around doses, at, end and timing.
  void monitoring(const MonitoringRule& m) {
    o_ << "  " << pick(m.name, lang_) << pu_.colon << test_names(m, rules_, lang_)
       << tag(r_.sources, m.from, lang_) << "\n";
    if (m.baseline_occasions.value > 0) {
      const int n = m.baseline_occasions.value;
      o_ << "    "
         << pick(tr_both(n == 1 ? "before day 1, {n} occasion" : "before day 1, {n} occasions",
                         {{"n", same_text(std::to_string(n))}}),
                 lang_)
         << tag(r_.sources, m.baseline_occasions.from, lang_) << "\n";
    }
    for (const MonitoringInterval& iv : m.intervals) {
      const LocalizedText every = every_text(iv.every);
      o_ << "    "
         << pick(iv.length ? tr_both("{every} for {span}",
                                     {{"every", every}, {"span", span_text(*iv.length)}})
                           : every,
                 lang_);
      o_ << tag(r_.sources, iv.from, lang_) << "\n";
    }
    for (const AroundDose& a : m.around_doses) {
      // "冲击前：每次给药前1天（最晚在给药当天）", never "day -1–0" (issue 16, N27).
      const int last = a.day + a.window_days;
      std::string latest;
      if (a.day < 0 && a.window_days > 0) {
        latest = last >= 0 ? tr(lang_, "at the latest on the day of the administration")
                           : fill(tr(lang_, "at the latest {n} days before"),
                                  {{"n", std::to_string(-last)}});
      }
      o_ << "    " << pick(describe_around_each(a), lang_)
         << (latest.empty() ? "" : pu_.paren(latest)) << tag(r_.sources, a.from, lang_) << "\n";
    }
    for (const Sourced<Span>& at : m.at) {
      o_ << "    "
         << pick(tr_both("{span} after the start", {{"span", span_text(at.value)}}), lang_)
         << tag(r_.sources, at.from, lang_) << "\n";
    }
    if (m.at_end)
      o_ << "    " << tr(lang_, "at the end of treatment") << tag(r_.sources, *m.at_end, lang_)
         << "\n";
    if (!pick(m.timing, lang_).empty()) o_ << "    " << pick(m.timing, lang_) << "\n";
  }

  // The lab rules, the warnings and where the sources disagree.
  void rules_and_warnings() {
    if (!r_.lab_rules.empty()) {
      o_ << "\n" << tr(lang_, "Lab rules") << "\n";
      for (const LabRule& l : r_.lab_rules) {
        o_ << "  " << condition_text(l, rules_, lang_) << " → " << action_words(l.action, lang_)
           << pu_.colon << pick(l.advice, lang_) << tag(r_.sources, l.from, lang_) << "\n";
      }
    }
    if (!r_.warnings.empty()) {
      o_ << "\n" << tr(lang_, "Warnings") << "\n";
      for (const auto& w : r_.warnings)
        o_ << "  - " << pick(w.value, lang_) << tag(r_.sources, w.from, lang_) << "\n";
    }
    if (!r_.disagreements.empty()) {
      o_ << "\n" << tr(lang_, "Where sources disagree") << "\n";
      for (const Disagreement& d : r_.disagreements) {
        o_ << "  " << pick(d.topic, lang_) << "\n";
        for (const auto& p : d.positions)
          o_ << "    - " << pick(p.value, lang_) << tag(r_.sources, p.from, lang_) << "\n";
      }
    }
  }

  // The sources, the golden cases, the disclaimer and the rules stamp.
  void closing() {
    o_ << "\n" << tr(lang_, "Sources") << "\n" << sources_text(r_.sources, lang_, "  ", true);
    o_ << "\n" << tr(lang_, "Golden cases") << pu_.colon << r_.test_cases.size() << "\n";
    o_ << "\n" << tr(lang_, "Disclaimer") << "\n  " << pick(disclaimer(), lang_) << "\n";
    o_ << "\n" << tr(lang_, "Made by") << "\n  " << stamp_text(r_.stamp, lang_) << "\n";
  }

  const Regimen& r_;
  const RuleSet& rules_;
  const Lang lang_;
  const Punct pu_;
  std::ostringstream o_;
};

}  // namespace

std::string render_regimen_text(const Regimen& r, const RuleSet& rules, Lang lang) {
  return RegimenTextWriter(r, rules, lang).write();
}

namespace {

// `show --format json`, one function per member that is more than a value.

// The population's limits: {"age_years": {min, max, message, from}, "weight_kg": ...}.
json population_json(const Regimen& r) {
  json pop = json::object();
  for (auto [name, limit] : {std::pair{"age_years", &r.population.age_years},
                             std::pair{"weight_kg", &r.population.weight_kg}}) {
    if (!*limit) continue;
    json l = {{"message", text((*limit)->message)}, {"from", prov((*limit)->from)}};
    if ((*limit)->min) l["min"] = *(*limit)->min;
    if ((*limit)->max) l["max"] = *(*limit)->max;
    pop[name] = l;
  }
  return pop;
}

// The dose's range, default and doses a day.
json dose_rule_json(const Regimen& r) {
  json d = json::object();
  if (r.dose.min) {
    d["range"] = {
        {"min", dose(*r.dose.min)}, {"max", dose(*r.dose.max)}, {"from", prov(r.dose.range_from)}};
  }
  if (r.dose.default_dose) {
    d["default"] = {{"dose", dose(r.dose.default_dose->value)},
                    {"from", prov(r.dose.default_dose->from)}};
  }
  d["doses_per_day"] = {{"min", r.dose.doses_per_day_min},
                        {"max", r.dose.doses_per_day_max},
                        {"default", r.dose.default_doses_per_day.value}};
  return d;
}

json phase_json(const PhaseRule& p) {
  json ph = {{"id", p.id}, {"name", text(p.name)}, {"kind", kind_name(p.kind)}};
  if (p.level) ph["level"] = {{"dose", dose(p.level->value)}, {"from", prov(p.level->from)}};
  if (p.step) {
    ph["step"] = {{"dose", dose(p.step->value)}, {"from", prov(p.step->from)}};
    ph["every"] = {{"value", to_string(p.every.value)}, {"from", prov(p.every.from)}};
  }
  if (p.max_count > 0) {
    ph["count"] = {{"min", p.min_count}, {"max", p.max_count}, {"default", p.default_count.value}};
    ph["every"] = {{"value", to_string(p.every.value)}, {"from", prov(p.every.from)}};
    json doses = json::array();
    for (const CycleDose& cd : p.cycle_doses) {
      doses.push_back({{"from_cycle", cd.from_cycle},
                       {"to_cycle", cd.to_cycle},
                       {"dose", dose(cd.dose.value)},
                       {"from", prov(cd.dose.from)}});
    }
    ph["doses"] = doses;
  }
  if (p.max_duration.count > 0) {
    ph["duration"] = {{"min", to_string(p.min_duration)},
                      {"max", to_string(p.max_duration)},
                      {"default", to_string(p.default_duration.value)},
                      {"from", prov(p.duration_from)}};
  }
  if (p.conditional) ph["only_if_needed"] = true;
  return ph;
}

json monitoring_json(const MonitoringRule& m) {
  json item = {{"id", m.id},
               {"name", text(m.name)},
               {"tests", m.tests},
               {"baseline_occasions", m.baseline_occasions.value}};
  json ivs = json::array();
  for (const MonitoringInterval& iv : m.intervals) {
    json x = {{"every", to_string(iv.every)}, {"from", prov(iv.from)}};
    if (iv.length) x["for"] = to_string(*iv.length);
    ivs.push_back(x);
  }
  item["intervals"] = ivs;
  return item;
}

json lab_rules_json(const Regimen& r, const RuleSet& rules) {
  json labs = json::array();
  for (const LabRule& l : r.lab_rules) {
    labs.push_back({{"id", l.id},
                    {"test", l.test},
                    {"condition", condition_name(l.condition)},
                    {"readings", l.readings},
                    {"text", condition_text(l, rules, Lang::en)},
                    {"action", action_name(l.action)},
                    {"advice", text(l.advice)},
                    {"from", prov(l.from)}});
  }
  return labs;
}

json disagreements_json(const Regimen& r) {
  json disagreements = json::array();
  for (const Disagreement& dis : r.disagreements) {
    json positions = json::array();
    for (const auto& p : dis.positions)
      positions.push_back({{"text", text(p.value)}, {"from", prov(p.from)}});
    disagreements.push_back({{"topic", text(dis.topic)}, {"positions", positions}});
  }
  return disagreements;
}

// The citations, each naming its document.
json sources_json(const Regimen& r) {
  json sources = json::array();
  for (const Source& s : r.sources) {
    json c = {{"id", s.id},
              {"document", s.document_id},
              {"section", s.section},
              {"quote", s.quote},
              {"secondary", s.secondary()}};
    if (!s.note.en.empty()) c["note"] = text(s.note);
    sources.push_back(c);
  }
  return sources;
}

// The documents the citations name, numbered as the bibliography numbers them.
json documents_json(const Regimen& r) {
  const std::vector<BibEntry> bib = bibliography(r.sources);
  json documents = json::array();
  for (const BibEntry& e : bib) {
    json ids = json::array();
    for (const Document::Identifier& i : e.document.identifiers)
      ids.push_back({{"scheme", i.scheme}, {"value", i.value}});
    json doc = {{"number", e.number},
                {"id", e.document.id},
                {"kind", to_string(e.document.kind)},
                {"title", e.document.title},
                {"author", e.document.author},
                {"identifiers", ids}};
    for (auto [key, value] :
         {std::pair{"version", &e.document.version}, std::pair{"date", &e.document.date},
          std::pair{"accessed", &e.document.accessed}, std::pair{"url", &e.document.url},
          std::pair{"location", &e.document.location}, std::pair{"read_on", &e.document.read_on},
          std::pair{"note", &e.document.note}}) {
      if (!value->empty()) doc[key] = *value;
    }
    documents.push_back(doc);
  }
  return documents;
}

}  // namespace

std::string render_regimen_json(const Regimen& r, const RuleSet& rules) {
  json j;
  j["format"] = "doseplan-regimen";
  j["format_version"] = 1;
  j["disclaimer"] = text(disclaimer());
  j["made_by"] = stamp_json(r.stamp);
  j["id"] = r.id;
  j["drug"] = {{"id", r.drug.id}, {"name", text(r.drug.name)}};
  j["indication"] = text(r.indication);
  j["evidence"] = r.evidence;
  j["population"] = population_json(r);
  j["dose"] = dose_rule_json(r);
  j["products"] = r.products;
  json phases = json::array();
  for (const PhaseRule& p : r.phases) phases.push_back(phase_json(p));
  j["phases"] = phases;
  json mon = json::array();
  for (const MonitoringRule& m : r.monitoring) mon.push_back(monitoring_json(m));
  j["monitoring"] = mon;
  j["lab_rules"] = lab_rules_json(r, rules);
  j["disagreements"] = disagreements_json(r);
  j["sources"] = sources_json(r);
  j["documents"] = documents_json(r);
  j["test_cases"] = r.test_cases.size();
  return j.dump(2) + "\n";
}

}  // namespace doseplan
