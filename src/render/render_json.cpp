// The JSON plan renderer (docs/plan-json.md, docs/plan.schema.json): every member of the plan,
// written with JsonWriter (json_writer.hpp) in the order of the schema.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/json_writer.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/render.hpp"
#include "doseplan/request.hpp"
#include "doseplan/wording.hpp"

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

void provenance(JsonWriter& w, const Provenance& p) {
  write_provenance(w, p);
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

void daily_dose(JsonWriter& w, const DailyDose& d, bool explained) {
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
  for (const Administration& a : d.administrations) administration(w, a);
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

void dose(JsonWriter& w, const Plan& plan) {
  w.begin_object();
  w.member_int("doses_per_day", plan.doses_per_day.value);
  w.key("doses_per_day_words");
  const std::string words = frequency_words(plan.doses_per_day.value);
  text(w, LocalizedText{words, tr(Lang::zh_CN, words)});
  if (plan.dose_rule.doses_per_day_max > 1 || !plan.doses_per_day.from.source_id.empty() ||
      plan.doses_per_day.from.project_default) {
    w.key("doses_per_day_from");
    provenance(w, plan.doses_per_day.from);
  }
  if (plan.chosen) {
    w.key("chosen");
    dose_json(w, plan.chosen->value);
    w.key("chosen_from");
    provenance(w, plan.chosen->from);
    w.key("allowed_range");
    w.begin_object();
    w.key("min");
    dose_json(w, *plan.dose_rule.min);
    w.key("max");
    dose_json(w, *plan.dose_rule.max);
    w.key("from");
    provenance(w, plan.dose_rule.range_from);
    w.end_object();
  }
  w.end_object();
}

void sources(JsonWriter& w, const std::vector<Source>& sources,
             const std::vector<Source>& numbering);

// The product as the plan uses it: its strengths (only those of `market`, when one is chosen),
// where they come from, those sold only in some markets, and the plan's notes on them.
// `cited`: the plan's citations (numbering the product's documents as the bibliography does).
void product(JsonWriter& w, const Plan& plan, const std::vector<Source>& cited) {
  const Product& p = plan.product;
  w.begin_object();
  w.member("id", p.id);
  w.key("name");
  text(w, p.name);
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
  provenance(w, p.from);
  if (p.has_pack()) {
    w.key("pack");
    w.begin_object();
    if (p.pack_count) w.member_int("count", *p.pack_count);
    if (p.pack_volume) {
      w.key("volume");
      q(w, in_mL(*p.pack_volume), "mL");
    }
    w.key("from");
    provenance(w, p.pack_from);
    w.end_object();
  }
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
    provenance(w, m.from);
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

// A phase's supply and the running total (plan.hpp PhaseSupply, docs/supply.md).
void supply(JsonWriter& w, const PhaseSupply& s) {
  w.begin_object();
  w.member_int("days", s.days);
  w.member_int("administrations", s.administrations);
  if (s.total_cells) {
    w.key("total_cells");
    q(w, s.total_cells->millions, "10*6 cells");
  } else {
    w.key("total");
    q(w, in_mg(s.total), "mg");
  }
  if (!s.units.empty()) {
    w.key("units");
    unit_counts(w, s.units, "strength");
  }
  if (s.volume) {
    w.key("volume");
    q(w, in_mL(*s.volume), "mL");
  }
  if (!s.vials.empty()) {
    w.key("vials");
    unit_counts(w, s.vials, "size");
  }
  if (!s.packs.empty()) {
    w.key("packs");
    w.begin_array();
    for (int n : s.packs) w.integer(n);
    w.end_array();
  }
  w.member("lasts_until", format_date(s.lasts_until));
  if (s.visit_before) w.member("visit_before", format_date(*s.visit_before));
  if (s.cumulative_cells) {
    w.key("cumulative_cells");
    q(w, s.cumulative_cells->millions, "10*6 cells");
  } else {
    w.key("cumulative");
    q(w, in_mg(s.cumulative), "mg");
  }
  if (s.cumulative_per_area) {
    w.key("cumulative_per_area");
    // To the whole mg/m2, as the text says it (a ratio: its exact digits mean nothing).
    q(w, std::round(in_mg_per_m2(*s.cumulative_per_area)), "mg/m2");
  }
  w.end_object();
}

void phases(JsonWriter& w, const Plan& plan) {
  const bool explained = plan.explained;
  w.begin_array();
  for (std::size_t i = 0; i < plan.phases.size(); ++i) {
    const PlannedPhase& p = plan.phases[i];
    w.begin_object();
    w.member("id", p.phase_id);
    w.key("name");
    text(w, p.name);
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
      text(w, p.dose_note);
    }
    w.key("dose");
    daily_dose(w, p.dose, explained);
    w.key("dose_from");
    provenance(w, p.dose_from);
    w.key("duration_from");
    provenance(w, p.duration_from);
    if (!p.note.en.empty()) {
      w.key("note");
      text(w, p.note);
    }
    if (i < plan.supply.size()) {
      w.key("supply");
      supply(w, plan.supply[i]);
    }
    w.end_object();
  }
  w.end_array();
}

void visits(JsonWriter& w, const std::vector<Visit>& visits) {
  w.begin_array();
  for (const Visit& v : visits) {
    w.begin_object();
    w.member("date", format_date(v.date));
    w.member_bool("baseline", v.baseline);
    w.key("items");
    w.begin_array();
    for (const VisitItem& item : v.items) {
      w.begin_object();
      w.member("id", item.monitoring_id);
      w.key("name");
      text(w, item.name);
      w.key("tests");
      w.begin_array();
      for (const std::string& t : item.tests) w.string(t);
      w.end_array();
      w.key("reason");
      text(w, item.reason);
      w.key("from");
      provenance(w, item.from);
      if (!item.timing.en.empty()) {
        w.key("timing");
        text(w, item.timing);
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

// The advisories, then the checks about the patient and the acknowledgements.
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

// The request the plan was made from, as write_plan_request writes it (request.hpp): on one line
// (indent < 0) its very bytes; indented, the same members and numbers laid out as the rest of
// the plan (dump() indents from the left margin: each line break gains the member's depth).
void request(JsonWriter& w, const PlanRequest& q) {
  const std::string text = write_plan_request(q);
  if (w.indent() < 0) return w.raw(text);
  const std::string dumped = nlohmann::json::parse(text).dump(w.indent());
  const std::string margin(static_cast<std::size_t>(w.depth() * w.indent()), ' ');
  std::string laid_out;
  laid_out.reserve(dumped.size() * 2);
  for (const char c : dumped) {  // a line break inside a string is written as \n, never as is
    laid_out += c;
    if (c == '\n') laid_out += margin;
  }
  w.raw(laid_out);
}

void stamp(JsonWriter& w, const RulesStamp& s) {
  w.begin_object();
  w.member("doseplan_version", s.doseplan_version);
  w.member("rules_version", s.rules_version);
  w.member("rules_sha256", s.rules_hash);
  w.end_object();
}

}  // namespace

std::string render_json(const Plan& plan, int indent) {
  std::string out;
  JsonWriter w(out, 0, indent);
  w.begin_object();
  w.member("format", "doseplan-plan");
  w.member_int("format_version", plan.format_version);
  w.key("made_by");
  stamp(w, plan.stamp);
  w.key("disclaimer");
  text(w, plan.disclaimer);
  w.key("request");
  request(w, plan.request);
  w.key("regimen");
  w.begin_object();
  w.member("id", plan.regimen.id);
  w.key("drug");
  w.begin_object();
  w.member("id", plan.regimen.drug.id);
  w.key("name");
  text(w, plan.regimen.drug.name);
  w.end_object();
  w.key("indication");
  text(w, plan.regimen.indication);
  w.member("evidence", plan.regimen.evidence);
  w.end_object();
  w.key("patient");
  patient(w, plan);
  w.member("start", format_date(plan.start));
  w.member("end", format_date(plan.end));
  w.key("dose");
  dose(w, plan);
  w.key("product");
  product(w, plan, plan.sources);
  w.key("phases");
  phases(w, plan);
  w.key("supply_notes");
  w.begin_object();
  w.key("packs");
  text(w, supply_note(plan.product));
  w.key("totals");
  text(w, cumulative_note());
  w.end_object();
  w.key("visits");
  visits(w, plan.visits);
  w.key("tests");
  labs(w, plan.labs);
  advisories_and_checks(w, plan);
  w.key("lab_rules");
  lab_rules(w, plan.lab_rules, plan.labs);
  w.key("warnings");
  warnings(w, plan.warnings);
  w.key("disagreements");
  disagreements(w, plan.disagreements);
  w.key("project_defaults");
  project_defaults(w, plan.project_defaults);
  w.key("sources");
  sources(w, plan.sources, plan.sources);
  w.key("documents");
  documents(w, plan.sources);
  w.end_object();
  out.resize(w.end());
  out += '\n';
  return out;
}

}  // namespace doseplan
