#include <cmath>
#include <nlohmann/json.hpp>

#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/render.hpp"

namespace doseplan {
namespace {

using json = nlohmann::ordered_json;

// Numbers are written rounded to 6 decimals, so 310 is 310 and not 309.99999999999994.
double clean(double v) {
  return std::round(v * 1e6) / 1e6;
}

// A quantity as {"value", "unit"} with a UCUM unit.
json q(double value, const char* ucum) {
  return {{"value", clean(value)}, {"unit", ucum}};
}

json text(const LocalizedText& t) {
  return {{"en", t.en}, {"zh-CN", t.zh}};
}

json provenance(const Provenance& p) {
  json j = json::object();
  if (p.project_default) {
    j["project_default"] = true;
    j["reason"] = text(p.reason);
  } else {
    j["source"] = p.source_id;
    if (!p.note.en.empty()) j["note"] = text(p.note);
  }
  if (p.overridden) j["overridden_by_user"] = true;
  return j;
}

json dose_json(const DoseValue& v) {
  return q(dose_number(v), dose_unit(v));
}

json audit_json(const std::vector<AuditStep>& audit) {
  json out = json::array();
  for (const AuditStep& a : audit) {
    json step = {{"what", text(a.what)}, {"how", text(a.how)}};
    if (!a.result.en.empty()) step["result"] = text(a.result);
    if (!a.basis.en.empty()) step["basis"] = text(a.basis);
    out.push_back(std::move(step));
  }
  return out;
}

json daily_dose(const DailyDose& d) {
  json admins = json::array();
  for (const Administration& a : d.administrations) {
    json j = {{"slot", slot_name(a.slot)},
              {"amount", q(in_mg(a.amount), "mg")},
              {"text", text({describe_administration(a, Lang::en),
                             describe_administration(a, Lang::zh_CN)})}};
    if (a.cells) {
      j.erase("amount");
      j["cells"] = q(a.cells->millions, "10*6 cells");
    } else if (a.volume) {
      j["volume"] = q(in_mL(*a.volume), "mL");
    } else if (a.intravenous) {
      j["route"] = "IV";
      json vials = json::array();
      for (const UnitCount& u : a.vials)
        vials.push_back({{"count", u.count}, {"size", q(in_mg(u.strength), "mg")}});
      j["vials"] = vials;
    } else {
      json units = json::array();
      for (const UnitCount& u : a.units)
        units.push_back({{"count", u.count}, {"strength", q(in_mg(u.strength), "mg")}});
      j["units"] = units;
    }
    admins.push_back(j);
  }
  json j = {{"target", dose_json(d.target)}};
  if (!std::holds_alternative<CellCount>(d.target)) {
    j["exact_daily"] = q(in_mg(d.exact_daily), "mg");
    j["rounded_daily"] = q(in_mg(d.rounded_daily), "mg");
    if (d.actual_rate) j["actual_rate"] = q(in_mg_per_kg_per_day(*d.actual_rate), "mg/kg/d");
    if (d.actual_per_area) j["actual_per_area"] = q(in_mg_per_m2(*d.actual_per_area), "mg/m2");
    j["deviation"] = q(in_mg(d.rounded_daily - d.exact_daily), "mg");
    j["deviation_percent"] = clean(d.deviation_percent);
  }
  j["administrations"] = admins;
  j["audit"] = audit_json(d.audit);
  return j;
}

}  // namespace

std::string render_json(const Plan& plan, int indent) {
  json j;
  j["format"] = "doseplan-plan";
  j["format_version"] = plan.format_version;
  j["disclaimer"] = text(plan.disclaimer);
  j["regimen"] = {{"id", plan.regimen.id},
                  {"drug", {{"id", plan.regimen.drug.id}, {"name", text(plan.regimen.drug.name)}}},
                  {"indication", text(plan.regimen.indication)},
                  {"evidence", plan.regimen.evidence}};
  j["patient"] = {{"weight", q(in_kg(plan.weight), "kg")}};
  if (plan.height) j["patient"]["height"] = q(in_cm(*plan.height), "cm");
  if (plan.bsa) {
    j["patient"]["bsa"] = q(in_m2(*plan.bsa), "m2");
    j["patient"]["bsa_formula"] = plan.bsa_formula;
  }
  if (plan.age_years) j["patient"]["age"] = q(*plan.age_years, "a");
  if (plan.sex) j["patient"]["sex"] = to_string(*plan.sex);
  if (plan.creatinine) j["patient"]["creatinine"] = q(in_umol_per_L(*plan.creatinine), "umol/L");
  if (plan.ideal_weight) {
    j["patient"]["ideal_body_weight"] = q(in_kg(*plan.ideal_weight), "kg");
    j["patient"]["adjusted_body_weight"] = q(in_kg(*plan.adjusted_weight), "kg");
  }
  if (plan.egfr) {
    j["patient"]["egfr_ckd_epi_2021"] = q(in_mL_per_min(*plan.egfr), "mL/min/{1.73_m2}");
    j["patient"]["crcl_cockcroft_gault"] = q(in_mL_per_min(*plan.crcl), "mL/min");
  }
  j["patient"]["audit"] = audit_json(plan.body_audit);
  j["start"] = format_date(plan.start);
  j["end"] = format_date(plan.end);
  j["dose"] = {
      {"doses_per_day", plan.doses_per_day.value},
      {"doses_per_day_words", text({frequency_words(plan.doses_per_day.value),
                                    tr(Lang::zh_CN, frequency_words(plan.doses_per_day.value))})},
  };
  if (plan.dose_rule.doses_per_day_max > 1 || !plan.doses_per_day.from.source_id.empty() ||
      plan.doses_per_day.from.project_default) {
    j["dose"]["doses_per_day_from"] = provenance(plan.doses_per_day.from);
  }
  if (plan.chosen) {
    j["dose"]["chosen"] = dose_json(plan.chosen->value);
    j["dose"]["chosen_from"] = provenance(plan.chosen->from);
    j["dose"]["allowed_range"] = {{"min", dose_json(*plan.dose_rule.min)},
                                  {"max", dose_json(*plan.dose_rule.max)},
                                  {"from", provenance(plan.dose_rule.range_from)}};
  }
  json strengths = json::array();
  for (DrugMass s : plan.product.strengths) strengths.push_back(q(in_mg(s), "mg"));
  j["product"] = {{"id", plan.product.id},
                  {"name", text(plan.product.name)},
                  {"variant", plan.product.variant},
                  {"market_names", plan.product.market_names},
                  {"strengths", strengths},
                  {"smallest_step", q(in_mg(plan.product.smallest_step()), "mg")}};
  json phases = json::array();
  for (const PlannedPhase& p : plan.phases) {
    json ph = {{"id", p.phase_id},
               {"name", text(p.name)},
               {"first", format_date(p.first)},
               {"last", format_date(p.last)},
               {"days", (p.last - p.first).count() + 1}};
    if (p.steps > 0) {
      ph[p.cycle ? "cycle" : "step"] = p.step;
      ph[p.cycle ? "cycles" : "steps"] = p.steps;
    }
    if (p.conditional) ph["only_if_needed"] = true;
    ph["dose"] = daily_dose(p.dose);
    ph["dose_from"] = provenance(p.dose_from);
    ph["duration_from"] = provenance(p.duration_from);
    if (!p.note.en.empty()) ph["note"] = text(p.note);
    phases.push_back(ph);
  }
  j["phases"] = phases;
  json visits = json::array();
  for (const Visit& v : plan.visits) {
    json items = json::array();
    for (const VisitItem& item : v.items) {
      json it = {{"id", item.monitoring_id},
                 {"name", text(item.name)},
                 {"tests", item.tests},
                 {"reason", text(item.reason)},
                 {"from", provenance(item.from)}};
      if (!item.timing.en.empty()) it["timing"] = text(item.timing);
      it["window_before_days"] = item.window_before;
      it["window_after_days"] = item.window_after;
      items.push_back(it);
    }
    visits.push_back({{"date", format_date(v.date)}, {"baseline", v.baseline}, {"items", items}});
  }
  j["visits"] = visits;
  json labs = json::array();
  for (const LabTest& l : plan.labs)
    labs.push_back({{"id", l.id}, {"name", text(l.name)}, {"kind", l.kind}, {"loinc", l.loinc}});
  j["tests"] = labs;
  json advisories = json::array();
  for (const LocalizedText& a : plan.advisories) advisories.push_back(text(a));
  j["advisories"] = advisories;
  json lab_rules = json::array();
  for (const LabRule& rule : plan.lab_rules) {
    LocalizedText name{rule.test, rule.test};
    for (const LabTest& lab : plan.labs)
      if (lab.id == rule.test) name = lab.name;
    const LocalizedText condition{describe_condition(rule, name.en, Lang::en),
                                  describe_condition(rule, name.zh, Lang::zh_CN)};
    lab_rules.push_back({{"id", rule.id},
                         {"test", rule.test},
                         {"condition", text(condition)},
                         {"advice", text(rule.advice)},
                         {"from", provenance(rule.from)}});
  }
  j["lab_rules"] = lab_rules;
  json warnings = json::array();
  for (const auto& w : plan.warnings)
    warnings.push_back({{"text", text(w.value)}, {"from", provenance(w.from)}});
  j["warnings"] = warnings;
  json disagreements = json::array();
  for (const Disagreement& d : plan.disagreements) {
    json positions = json::array();
    for (const auto& p : d.positions)
      positions.push_back({{"text", text(p.value)}, {"from", provenance(p.from)}});
    disagreements.push_back({{"topic", text(d.topic)}, {"positions", positions}});
  }
  j["disagreements"] = disagreements;
  json defaults = json::array();
  for (const ProjectDefaultUse& d : plan.project_defaults) {
    defaults.push_back({{"what", text(d.what)},
                        {"value", text(d.value)},
                        {"reason", text(d.reason)},
                        {"overridden_by_user", d.overridden}});
  }
  j["project_defaults"] = defaults;
  json sources = json::array();
  for (const Source& s : plan.sources) {
    sources.push_back(
        {{"id", s.id}, {"citation", s.citation}, {"location", s.location}, {"quote", s.quote}});
  }
  j["sources"] = sources;
  return j.dump(indent) + "\n";
}

}  // namespace doseplan
