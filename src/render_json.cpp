// The JSON plan renderer (docs/plan-json.md, docs/plan.schema.json). Why this file is long (about
// 890 lines): every member of the plan is written here, twice-used blocks included for `batch`;
// issue 19 retires batch's kept blocks, which is the cut that brings it under 800 lines.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/render.hpp"
#include "json_writer.hpp"
#include "plan_json.hpp"

namespace doseplan {
namespace {

using detail::JsonWriter;

// Numbers are written rounded to 6 decimals, so 310 is 310 and not 309.99999999999994.
double clean(double v) {
  return std::round(v * 1e6) / 1e6;
}

// A quantity as {"value", "unit"} with a UCUM unit: a literal, or one chosen when running.
void q(JsonWriter& w, double value, detail::JsonKey ucum) {
  w.begin_object();
  w.member_number("value", clean(value));
  w.key("unit");
  w.literal(ucum);
  w.end_object();
}
void q_unit_of_dose(JsonWriter& w, double value, const char* ucum) {
  w.begin_object();
  w.member_number("value", clean(value));
  w.member("unit", ucum);
  w.end_object();
}

void text(JsonWriter& w, const LocalizedText& t) {
  w.begin_object();
  w.member("en", t.en);
  w.member("zh-CN", t.zh);
  w.end_object();
}

void write_provenance(JsonWriter& w, const Provenance& p) {
  w.begin_object();
  if (p.project_default) {
    w.member_bool("project_default", true);
    w.key("reason");
    text(w, p.reason);
  } else {
    w.member("source", p.source_id);
    if (!p.note.en.empty()) {
      w.key("note");
      text(w, p.note);
    }
  }
  if (p.overridden) w.member_bool("overridden_by_user", true);
  w.end_object();
}

// The bytes kept for a value, or the value written by `write` and then kept by `keep`.
template <class Write, class Keep>
void write_once(JsonWriter& w, const std::string* kept, Write write, Keep keep) {
  if (kept) {
    w.raw(*kept);
    return;
  }
  std::string json;
  JsonWriter b(json, 0, w.indent(), w.depth());
  write(b);
  json.resize(b.end());
  w.raw(json);
  keep(std::move(json));
}

// A text of a phase or a visit; with a cache (and on one line), written once and then copied.
void kept_text(JsonWriter& w, const LocalizedText& t, detail::PlanJsonCache::Entry* cache) {
  if (!cache || w.indent() >= 0) return text(w, t);
  write_once(
      w, cache->find(t), [&t](JsonWriter& b) { text(b, t); },
      [&](std::string json) { cache->keep(t, std::move(json)); });
}

// A provenance; with a cache, its text is written once and then copied (plan_json.hpp).
void provenance(JsonWriter& w, const Provenance& p, detail::PlanJsonCache::Entry* cache = nullptr) {
  if (!cache) return write_provenance(w, p);
  write_once(
      w, cache->find(p, w.depth(), w.indent()), [&p](JsonWriter& b) { write_provenance(b, p); },
      [&](std::string json) { cache->keep(p, w.depth(), w.indent(), std::move(json)); });
}

void dose_json(JsonWriter& w, const DoseValue& v) {
  q_unit_of_dose(w, dose_number(v), dose_unit(v));
}

void audit_json(JsonWriter& w, const std::vector<AuditStep>& audit) {
  w.begin_array();
  for (const AuditStep& a : audit) {
    w.begin_object();
    w.key("what");
    text(w, a.what);
    w.key("how");
    text(w, a.how);
    if (!a.result.en.empty()) {
      w.key("result");
      text(w, a.result);
    }
    if (!a.basis.en.empty()) {
      w.key("basis");
      text(w, a.basis);
    }
    w.end_object();
  }
  w.end_array();
}

void unit_counts(JsonWriter& w, const std::vector<UnitCount>& units, detail::JsonKey size_key) {
  w.begin_array();
  for (const UnitCount& u : units) {
    w.begin_object();
    w.member_int("count", u.count);
    w.key(size_key);
    q(w, in_mg(u.strength), "mg");
    w.end_object();
  }
  w.end_array();
}

void administration(JsonWriter& w, const Administration& a) {
  w.begin_object();
  w.member("slot", slot_name(a.slot));
  if (!a.cells) {  // a cell infusion has no mass: its count comes after the text
    w.key("amount");
    q(w, in_mg(a.amount), "mg");
  }
  w.key("text");
  if (!a.cells && !a.volume && !a.intravenous) {  // "1 × 100 mg + 1 × 50 mg" in any language
    const std::string units = describe_administration(a, Lang::en);
    w.begin_object();
    w.member("en", units);
    w.member("zh-CN", units);
    w.end_object();
  } else {
    text(w, LocalizedText{describe_administration(a, Lang::en),
                          describe_administration(a, Lang::zh_CN)});
  }
  if (a.cells) {
    w.key("cells");
    q(w, a.cells->millions, "10*6 cells");
  } else if (a.volume) {
    w.key("volume");
    q(w, in_mL(*a.volume), "mL");
  } else if (a.intravenous) {
    w.member("route", "IV");
    w.key("vials");
    unit_counts(w, a.vials, "size");
  } else {
    w.key("units");
    unit_counts(w, a.units, "strength");
  }
  w.end_object();
}

void daily_dose(JsonWriter& w, const DailyDose& d, bool explained,
                detail::PlanJsonCache::Entry* cache) {
  w.begin_object();
  w.key("target");
  dose_json(w, d.target);
  if (!std::holds_alternative<CellCount>(d.target)) {
    w.key("exact_daily");
    q(w, in_mg(d.exact_daily), "mg");
    w.key("rounded_daily");
    q(w, in_mg(d.rounded_daily), "mg");
    if (d.actual_rate) {
      w.key("actual_rate");
      q(w, in_mg_per_kg_per_day(*d.actual_rate), "mg/kg/d");
    }
    if (d.actual_per_area) {
      w.key("actual_per_area");
      q(w, in_mg_per_m2(*d.actual_per_area), "mg/m2");
    }
    w.key("deviation");
    q(w, in_mg(d.rounded_daily - d.exact_daily), "mg");
    w.member_number("deviation_percent", clean(d.deviation_percent));
  }
  w.key("administrations");
  w.begin_array();
  for (const Administration& a : d.administrations) {
    if (!cache || w.indent() >= 0) {
      administration(w, a);
      continue;
    }
    write_once(
        w, cache->find(a), [&a](JsonWriter& b) { administration(b, a); },
        [&](std::string json) { cache->keep(a, std::move(json)); });
  }
  w.end_array();
  if (explained) {
    w.key("audit");
    audit_json(w, d.audit);
  }
  w.end_object();
}

void patient(JsonWriter& w, const Plan& plan) {
  w.begin_object();
  w.key("weight");
  q(w, in_kg(plan.weight), "kg");
  if (plan.height) {
    w.key("height");
    q(w, in_cm(*plan.height), "cm");
  }
  if (plan.bsa) {
    w.key("bsa");
    q(w, in_m2(*plan.bsa), "m2");
    w.member("bsa_formula", plan.bsa_formula);
  }
  if (plan.age_years) {
    w.key("age");
    q(w, *plan.age_years, "a");
  }
  if (plan.sex) w.member("sex", to_string(*plan.sex));
  if (plan.creatinine) {
    w.key("creatinine");
    q(w, in_umol_per_L(*plan.creatinine), "umol/L");
  }
  if (plan.ideal_weight) {
    w.key("ideal_body_weight");
    q(w, in_kg(*plan.ideal_weight), "kg");
    w.key("adjusted_body_weight");
    q(w, in_kg(*plan.adjusted_weight), "kg");
  }
  if (plan.egfr) {
    w.key("egfr_ckd_epi_2021");
    q(w, in_mL_per_min(*plan.egfr), "mL/min/{1.73_m2}");
  }
  if (plan.crcl) {
    w.key("crcl_cockcroft_gault");
    q(w, in_mL_per_min(*plan.crcl), "mL/min");
  }
  if (plan.egfr_schwartz) {
    w.key("egfr_bedside_schwartz");
    q(w, in_mL_per_min(*plan.egfr_schwartz), "mL/min/{1.73_m2}");
  }
  if (plan.explained) {
    w.key("audit");
    audit_json(w, plan.body_audit);
  }
  w.end_object();
}

void dose(JsonWriter& w, const Plan& plan, detail::PlanJsonCache::Entry* cache) {
  w.begin_object();
  w.member_int("doses_per_day", plan.doses_per_day.value);
  w.key("doses_per_day_words");
  const std::string words = frequency_words(plan.doses_per_day.value);
  kept_text(w, LocalizedText{words, tr(Lang::zh_CN, words)}, cache);
  if (plan.dose_rule.doses_per_day_max > 1 || !plan.doses_per_day.from.source_id.empty() ||
      plan.doses_per_day.from.project_default) {
    w.key("doses_per_day_from");
    provenance(w, plan.doses_per_day.from, cache);
  }
  if (plan.chosen) {
    w.key("chosen");
    dose_json(w, plan.chosen->value);
    w.key("chosen_from");
    provenance(w, plan.chosen->from, cache);
    w.key("allowed_range");
    w.begin_object();
    w.key("min");
    dose_json(w, *plan.dose_rule.min);
    w.key("max");
    dose_json(w, *plan.dose_rule.max);
    w.key("from");
    provenance(w, plan.dose_rule.range_from, cache);
    w.end_object();
  }
  w.end_object();
}

void sources(JsonWriter& w, const std::vector<Source>& sources,
             const std::vector<Source>& numbering);

// The product as the plan uses it: its strengths (only those of `market`, when one is chosen),
// where they come from, those sold only in some markets, and the plan's notes on them.
// `cited`: the plan's citations (numbering the product's documents as the bibliography does).
void product(JsonWriter& w, const Plan& plan, const std::vector<Source>& cited,
             detail::PlanJsonCache::Entry* cache) {
  const Product& p = plan.product;
  w.begin_object();
  w.member("id", p.id);
  w.key("name");
  kept_text(w, p.name, cache);
  w.member("variant", p.variant);
  w.key("market_names");
  w.begin_array();
  for (const std::string& m : p.market_names) w.string(m);
  w.end_array();
  w.key("strengths");
  w.begin_array();
  for (DrugMass s : p.strengths) q(w, in_mg(s), "mg");
  w.end_array();
  w.key("smallest_step");
  q(w, in_mg(p.smallest_step()), "mg");
  w.key("from");
  provenance(w, p.from, cache);
  w.key("market_limited");
  w.begin_array();
  for (const MarketLimit& m : p.market_limited) {
    w.begin_object();
    w.key("strength");
    q(w, in_mg(m.strength), "mg");
    w.key("markets");
    w.begin_array();
    for (const std::string& id : m.markets) w.string(id);
    w.end_array();
    w.key("from");
    provenance(w, m.from, cache);
    w.end_object();
  }
  w.end_array();
  if (plan.market) {
    w.key("market");
    w.begin_object();
    w.member("id", plan.market->id);
    w.key("name");
    text(w, plan.market->name);
    w.end_object();
  }
  w.key("notes");
  w.begin_array();
  for (const LocalizedText& n : plan.product_notes) text(w, n);
  w.end_array();
  w.key("sources");
  sources(w, p.sources, cited);
  w.end_object();
}

void phases(JsonWriter& w, const std::vector<PlannedPhase>& phases, bool explained,
            detail::PlanJsonCache::Entry* cache) {
  w.begin_array();
  for (const PlannedPhase& p : phases) {
    w.begin_object();
    w.member("id", p.phase_id);
    w.key("name");
    kept_text(w, p.name, cache);
    w.member("first", format_date(p.first));
    w.member("last", format_date(p.last));
    w.member_int("days", (p.last - p.first).count() + 1);
    if (p.steps > 0) {
      if (p.cycle) {
        w.member_int("cycle", p.step);
        w.member_int("cycles", p.steps);
      } else {
        w.member_int("step", p.step);
        w.member_int("steps", p.steps);
      }
    }
    if (p.conditional) w.member_bool("only_if_needed", true);
    if (!p.dose_note.en.empty()) {
      w.member_bool("target_after_titration", true);
      w.key("dose_note");
      kept_text(w, p.dose_note, cache);
    }
    w.key("dose");
    daily_dose(w, p.dose, explained, cache);
    w.key("dose_from");
    provenance(w, p.dose_from, cache);
    w.key("duration_from");
    provenance(w, p.duration_from, cache);
    if (!p.note.en.empty()) {
      w.key("note");
      kept_text(w, p.note, cache);
    }
    w.end_object();
  }
  w.end_array();
}

// The first members of a visit item: "id", "name", "tests".
void item_head(JsonWriter& w, const std::string& id, const LocalizedText& name,
               const std::vector<std::string>& tests, detail::PlanJsonCache::Entry* cache) {
  w.member("id", id);
  w.key("name");
  kept_text(w, name, cache);
  w.key("tests");
  w.begin_array();
  for (const std::string& t : tests) w.string(t);
  w.end_array();
}

// With `shared_from` (a shared plan: plan_internal.hpp), the items' name, tests and timing are
// those of their monitoring rule in that regimen.
void visits(JsonWriter& w, const std::vector<Visit>& visits, const Regimen* shared_from,
            detail::PlanJsonCache::Entry* cache) {
  w.begin_array();
  for (const Visit& v : visits) {
    w.begin_object();
    w.member("date", format_date(v.date));
    w.member_bool("baseline", v.baseline);
    w.key("items");
    w.begin_array();
    for (const VisitItem& item : v.items) {
      const MonitoringRule* rule = nullptr;
      if (shared_from) {
        for (const MonitoringRule& m : shared_from->monitoring) {
          if (m.id == item.monitoring_id) {
            rule = &m;
            break;
          }
        }
        if (!rule) throw std::logic_error("no monitoring rule " + item.monitoring_id);
      }
      // A shared plan on one line: the rule's members as written for its first item.
      const detail::PlanJsonCache::Entry::KeptItem* kept =
          rule && cache && w.indent() < 0 ? &cache->item_of(*rule) : nullptr;
      const LocalizedText& timing = rule ? rule->timing : item.timing;
      w.begin_object();
      if (kept) {
        w.raw_members(kept->head);
      } else {
        item_head(w, item.monitoring_id, rule ? rule->name : item.name,
                  rule ? rule->tests : item.tests, cache);
      }
      w.key("reason");
      kept_text(w, item.reason, cache);
      w.key("from");
      provenance(w, item.from, cache);
      if (kept) {
        if (!kept->timing.empty()) w.raw_members(kept->timing);
      } else if (!timing.en.empty()) {
        w.key("timing");
        kept_text(w, timing, cache);
      }
      w.member_int("window_before_days", item.window_before);
      w.member_int("window_after_days", item.window_after);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
}

// The advisories, then the checks about the patient and the acknowledgements: written the same
// way by every path (a plan alone, or a batch's plans through a cache).
void advisories_and_checks(JsonWriter& w, const Plan& plan) {
  w.key("advisories");
  w.begin_array();
  for (const LocalizedText& a : plan.advisories) text(w, a);
  w.end_array();
  w.key("checks");
  w.begin_array();
  for (const PatientCheck& c : plan.checks) {
    w.begin_object();
    w.member("id", c.id);
    if (!c.rule_id.empty()) w.member("rule", c.rule_id);
    w.member("action", to_string(c.action));
    w.member("en", c.text.en);
    w.member("zh-CN", c.text.zh);
    w.key("from");
    write_provenance(w, c.from);
    w.end_object();
  }
  w.end_array();
  w.key("acknowledgements");
  w.begin_array();
  for (const LocalizedText& a : plan.acknowledgements) text(w, a);
  w.end_array();
}

void labs(JsonWriter& w, const std::vector<LabTest>& labs) {
  w.begin_array();
  for (const LabTest& l : labs) {
    w.begin_object();
    w.member("id", l.id);
    w.key("name");
    text(w, l.name);
    w.member("kind", l.kind);
    w.member("loinc", l.loinc);
    if (!l.loinc_molar.empty()) w.member("loinc_molar", l.loinc_molar);
    w.end_object();
  }
  w.end_array();
}

void lab_rules(JsonWriter& w, const std::vector<LabRule>& rules, const std::vector<LabTest>& labs) {
  w.begin_array();
  for (const LabRule& rule : rules) {
    LocalizedText name{rule.test, rule.test};
    for (const LabTest& lab : labs)
      if (lab.id == rule.test) name = lab.name;
    w.begin_object();
    w.member("id", rule.id);
    w.member("test", rule.test);
    w.key("condition");
    text(w, LocalizedText{describe_condition(rule, name.en, Lang::en),
                          describe_condition(rule, name.zh, Lang::zh_CN)});
    w.key("advice");
    text(w, rule.advice);
    w.key("from");
    provenance(w, rule.from);
    w.end_object();
  }
  w.end_array();
}

void warnings(JsonWriter& w, const std::vector<Sourced<LocalizedText>>& warnings) {
  w.begin_array();
  for (const auto& x : warnings) {
    w.begin_object();
    w.key("text");
    text(w, x.value);
    w.key("from");
    provenance(w, x.from);
    w.end_object();
  }
  w.end_array();
}

void disagreements(JsonWriter& w, const std::vector<Disagreement>& disagreements) {
  w.begin_array();
  for (const Disagreement& d : disagreements) {
    w.begin_object();
    w.key("topic");
    text(w, d.topic);
    w.key("positions");
    warnings(w, d.positions);  // the same shape: {"text", "from"}
    w.end_object();
  }
  w.end_array();
}

void project_defaults(JsonWriter& w, const std::vector<ProjectDefaultUse>& defaults) {
  w.begin_array();
  for (const ProjectDefaultUse& d : defaults) {
    w.begin_object();
    w.key("what");
    text(w, d.what);
    w.key("value");
    text(w, d.value);
    w.key("reason");
    text(w, d.reason);
    w.member_bool("overridden_by_user", d.overridden);
    w.end_object();
  }
  w.end_array();
}

// The citations, each naming its document by id and number; then the bibliography: every
// document cited, numbered as in the printouts.
// `numbering`: the plan's whole list, whose bibliography numbers the documents.
void sources(JsonWriter& w, const std::vector<Source>& sources,
             const std::vector<Source>& numbering) {
  const std::vector<BibEntry> bib = bibliography(numbering);
  w.begin_array();
  for (const Source& s : sources) {
    w.begin_object();
    w.member("id", s.id);
    w.member("document", s.document_id);
    for (const BibEntry& e : bib)
      if (e.document.id == s.document.id) w.member_int("document_number", e.number);
    w.member("section", s.section);
    w.member("quote", s.quote);
    w.member_bool("secondary", s.secondary());
    if (!s.note.en.empty() || !s.note.zh.empty()) {
      w.key("note");
      text(w, s.note);
    }
    w.end_object();
  }
  w.end_array();
}

void documents(JsonWriter& w, const std::vector<Source>& sources) {
  w.begin_array();
  for (const BibEntry& e : bibliography(sources)) {
    const Document& d = e.document;
    w.begin_object();
    w.member_int("number", e.number);
    w.member("id", d.id);
    w.member("kind", to_string(d.kind));
    w.member("title", d.title);
    w.member("author", d.author);
    if (!d.version.empty()) w.member("version", d.version);
    if (!d.date.empty()) w.member("date", d.date);
    if (!d.accessed.empty()) w.member("accessed", d.accessed);
    w.key("identifiers");
    w.begin_array();
    for (const Document::Identifier& i : d.identifiers) {
      w.begin_object();
      w.member("scheme", i.scheme);
      w.member("value", i.value);
      w.end_object();
    }
    w.end_array();
    if (!d.url.empty()) w.member("url", d.url);
    if (!d.location.empty()) w.member("location", d.location);
    if (!d.read_on.empty()) w.member("read_on", d.read_on);
    if (!d.note.empty()) w.member("note", d.note);
    w.end_object();
  }
  w.end_array();
}

void stamp(JsonWriter& w, const RulesStamp& s) {
  w.begin_object();
  w.member("doseplan_version", s.doseplan_version);
  w.member("rules_version", s.rules_version);
  w.member("rules_sha256", s.rules_hash);
  w.end_object();
}

// A block kept from an earlier plan when `same`, else written now (and kept).
template <class Write>
void kept_block(JsonWriter& w, std::string& kept, bool same, Write write) {
  if (!same) {
    kept.clear();
    JsonWriter block(kept, 0, w.indent(), w.depth());
    write(block);
    kept.resize(block.end());
  }
  w.raw(kept);
}

// `kept` = `value`, reporting whether they were equal already.
template <class T>
bool keep(T& kept, const T& value) {
  if (kept == value) return true;
  kept = value;
  return false;
}

}  // namespace

namespace detail {

namespace {
std::size_t fingerprint(const Provenance& p, int depth, int indent) {
  return ((p.source_id.size() * 131 + p.reason.en.size()) * 131 + p.reason.zh.size()) * 131 +
         p.note.en.size() * 8 + (p.project_default ? 4 : 0) + (p.overridden ? 2 : 0) +
         static_cast<std::size_t>(depth) * 1000003 + static_cast<std::size_t>(indent + 1) * 7919;
}
// Lengths and the last bytes of both languages: cheap, and different for most different texts
// (a date or a number is often near the end); equal texts are then compared whole.
std::size_t fingerprint(const LocalizedText& t) {
  const auto tail = [](const std::string& s) {
    std::uint64_t x = 0;
    const std::size_t n = std::min<std::size_t>(8, s.size());
    std::memcpy(&x, s.data() + s.size() - n, n);
    return x;
  };
  return (t.en.size() * 1000003 + t.zh.size()) ^ (tail(t.en) * 0x9E3779B97F4A7C15ULL) ^
         (tail(t.zh) * 0xC2B2AE3D27D4EB4FULL);
}

}  // namespace

const std::string* PlanJsonCache::Entry::find(const LocalizedText& text) const {
  if (texts.empty()) return nullptr;
  const std::size_t fp = fingerprint(text);
  const KeptText& k = texts[fp % kTextSlots];
  return k.fingerprint == fp && k.text == text ? &k.json : nullptr;
}

void PlanJsonCache::Entry::keep(const LocalizedText& text, std::string json) {
  if (texts.empty()) texts.resize(kTextSlots);
  const std::size_t fp = fingerprint(text);
  texts[fp % kTextSlots] = {fp, text, std::move(json)};
}

namespace {
std::uint64_t bits(double d) {
  std::uint64_t x = 0;
  std::memcpy(&x, &d, sizeof x);
  return x;
}

std::size_t fingerprint(const Administration& a) {
  std::size_t h = static_cast<std::size_t>(a.slot) * 31 + a.units.size() * 7 + a.vials.size();
  h = h * 0x9E3779B97F4A7C15ULL ^ bits(in_mg(a.amount));
  for (const UnitCount& u : a.units) {
    h = (h ^ static_cast<std::size_t>(u.count)) * 0x100000001B3ULL ^ bits(in_mg(u.strength));
  }
  return h ^ (h >> 29);
}

bool same_units(const std::vector<UnitCount>& a, const std::vector<UnitCount>& b) {
  return std::equal(
      a.begin(), a.end(), b.begin(), b.end(), [](const UnitCount& x, const UnitCount& y) {
        return x.count == y.count && bits(in_mg(x.strength)) == bits(in_mg(y.strength));
      });
}

// Equal in every member the JSON shows, numbers bit for bit (0 and -0 are written differently).
bool same_administration(const Administration& a, const Administration& b) {
  return a.slot == b.slot && bits(in_mg(a.amount)) == bits(in_mg(b.amount)) &&
         a.intravenous == b.intravenous && a.volume.has_value() == b.volume.has_value() &&
         (!a.volume || bits(in_mL(*a.volume)) == bits(in_mL(*b.volume))) &&
         a.cells.has_value() == b.cells.has_value() &&
         (!a.cells || bits(a.cells->millions) == bits(b.cells->millions)) &&
         same_units(a.units, b.units) && same_units(a.vials, b.vials);
}
}  // namespace

const std::string* PlanJsonCache::Entry::find(const Administration& a) const {
  if (administrations.empty()) return nullptr;
  const std::size_t fp = fingerprint(a);
  const KeptAdministration& k = administrations[fp % kAdministrationSlots];
  return k.fingerprint == fp && same_administration(k.administration, a) ? &k.json : nullptr;
}

void PlanJsonCache::Entry::keep(const Administration& a, std::string json) {
  if (administrations.empty()) administrations.resize(kAdministrationSlots);
  const std::size_t fp = fingerprint(a);
  administrations[fp % kAdministrationSlots] = {fp, a, std::move(json)};
}

const PlanJsonCache::Entry::KeptItem& PlanJsonCache::Entry::item_of(const MonitoringRule& rule) {
  for (const KeptItem& k : items) {
    if (k.rule == &rule) return k;
  }
  // The members are written inside an object of their own, then taken out of its braces.
  const auto members = [](auto write) {
    std::string json;
    JsonWriter w(json, 0);
    w.begin_object();
    write(w);
    w.end_object();
    json.resize(w.end());
    return json.substr(1, json.size() - 2);
  };
  KeptItem k;
  k.rule = &rule;
  k.head =
      members([&rule](JsonWriter& w) { item_head(w, rule.id, rule.name, rule.tests, nullptr); });
  if (!rule.timing.en.empty()) {
    k.timing = members([&rule](JsonWriter& w) {
      w.key("timing");
      text(w, rule.timing);
    });
  }
  items.push_back(std::move(k));
  return items.back();
}

const std::string* PlanJsonCache::Entry::find(const Provenance& from, int at_depth,
                                              int with_indent) const {
  const std::size_t fp = fingerprint(from, at_depth, with_indent);
  for (const KeptProvenance& k : provenances) {
    if (k.fingerprint == fp && k.from == from) return &k.json;
  }
  return nullptr;
}

void PlanJsonCache::Entry::keep(const Provenance& from, int at_depth, int with_indent,
                                std::string json) {
  if (provenances.size() >= kMaxProvenances) provenances.clear();
  provenances.push_back({fingerprint(from, at_depth, with_indent), from, std::move(json)});
}

std::size_t write_plan_json(std::string& buf, std::size_t at, const Plan& plan, int indent,
                            PlanJsonCache* cache, const Regimen* shared_from) {
  PlanJsonCache::Entry* const kept = cache ? &cache->entry(plan.regimen.id) : nullptr;
  // The blocks every plan of the regimen shares: the plan's own copies, or the regimen's.
  const std::vector<LabRule>& plan_lab_rules =
      shared_from ? shared_from->lab_rules : plan.lab_rules;
  const std::vector<Sourced<LocalizedText>>& plan_warnings =
      shared_from ? shared_from->warnings : plan.warnings;
  const std::vector<Disagreement>& plan_disagreements =
      shared_from ? shared_from->disagreements : plan.disagreements;
  const std::vector<Source> shared_sources =
      shared_from ? cited_sources(*shared_from, plan.product) : std::vector<Source>{};
  const std::vector<Source>& plan_sources = shared_from ? shared_sources : plan.sources;
  JsonWriter w(buf, at, indent);
  w.begin_object();
  w.member("format", "doseplan-plan");
  w.member_int("format_version", plan.format_version);
  w.key("made_by");
  stamp(w, plan.stamp);
  w.key("disclaimer");
  kept_text(w, plan.disclaimer, kept);
  w.key("regimen");
  w.begin_object();
  w.member("id", plan.regimen.id);
  w.key("drug");
  w.begin_object();
  w.member("id", plan.regimen.drug.id);
  w.key("name");
  kept_text(w, plan.regimen.drug.name, kept);
  w.end_object();
  w.key("indication");
  kept_text(w, plan.regimen.indication, kept);
  w.member("evidence", plan.regimen.evidence);
  w.end_object();
  w.key("patient");
  patient(w, plan);
  w.member("start", format_date(plan.start));
  w.member("end", format_date(plan.end));
  w.key("dose");
  dose(w, plan, kept);
  w.key("product");
  product(w, plan, plan_sources, kept);
  w.key("phases");
  phases(w, plan.phases, plan.explained, kept);
  w.key("visits");
  visits(w, plan.visits, shared_from, kept);
  if (!kept) {
    w.key("tests");
    labs(w, plan.labs);
    advisories_and_checks(w, plan);
    w.key("lab_rules");
    lab_rules(w, plan_lab_rules, plan.labs);
    w.key("warnings");
    warnings(w, plan_warnings);
    w.key("disagreements");
    disagreements(w, plan_disagreements);
    w.key("project_defaults");
    project_defaults(w, plan.project_defaults);
    w.key("sources");
    sources(w, plan_sources, plan_sources);
    w.key("documents");
    documents(w, plan_sources);
  } else {
    PlanJsonCache::Entry& e = *kept;
    // Every comparison runs (and copies what changed): `valid` only says whether the kept bytes
    // were finished, with this indent.
    bool valid = e.valid && e.indent == indent;
    e.indent = indent;
    e.valid = false;  // until every block below is written (an exception leaves it invalid)
    const bool labs_same = keep(e.labs, plan.labs);
    w.key("tests");
    kept_block(w, e.labs_json, valid && labs_same, [&](JsonWriter& b) { labs(b, plan.labs); });
    advisories_and_checks(w, plan);
    // The kept values are always those the blocks were written from. A shared plan's blocks are
    // its regimen's: after a plan of the same regimen (the cache's rules outlive it:
    // plan_json.hpp) they are the same without comparing them.
    const bool same_regimen = shared_from && e.shared_from == shared_from;
    e.shared_from = nullptr;  // until the blocks are written
    const auto same = [same_regimen](auto& old, const auto& value) {
      return same_regimen || keep(old, value);
    };
    // The conditions name the tests: the block depends on the labs too.
    const bool rules_same = same(e.lab_rules, plan_lab_rules) && labs_same;
    w.key("lab_rules");
    kept_block(w, e.lab_rules_json, valid && rules_same,
               [&](JsonWriter& b) { lab_rules(b, plan_lab_rules, plan.labs); });
    w.key("warnings");
    kept_block(w, e.warnings_json, same(e.warnings, plan_warnings) && valid,
               [&](JsonWriter& b) { warnings(b, plan_warnings); });
    w.key("disagreements");
    kept_block(w, e.disagreements_json, same(e.disagreements, plan_disagreements) && valid,
               [&](JsonWriter& b) { disagreements(b, plan_disagreements); });
    w.key("project_defaults");
    kept_block(w, e.project_defaults_json, keep(e.project_defaults, plan.project_defaults) && valid,
               [&](JsonWriter& b) { project_defaults(b, plan.project_defaults); });
    w.key("sources");
    // Compared always: the product's citations join the regimen's (cited_sources), and two plans
    // of one regimen may use different products.
    kept_block(w, e.sources_json, keep(e.sources, plan_sources) && valid,
               [&](JsonWriter& b) { sources(b, plan_sources, plan_sources); });
    w.key("documents");
    documents(w, plan_sources);
    e.shared_from = shared_from;
    e.valid = true;
  }
  w.end_object();
  return w.end();
}

}  // namespace detail

std::string render_json(const Plan& plan, int indent) {
  std::string out;
  out.resize(detail::write_plan_json(out, 0, plan, indent));
  out += '\n';
  return out;
}

}  // namespace doseplan
