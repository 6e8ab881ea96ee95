// Reading a regimen file: RegimenReader::read and the sections that are not the dose, the phases
// or the monitoring (sources, population, patient rules, body size, course, warnings, golden
// cases). See src/rules/rules_readers.hpp for where the other readers are, docs/rules.md for the
// format.
#include <algorithm>
#include <set>

#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/rules.hpp"
#include "rules/json_reader.hpp"
#include "rules/rules_readers.hpp"
#include "rules/rules_sources.hpp"

namespace doseplan::detail {

const std::set<std::string, std::less<>> kEvidenceLevels = {"label", "guideline", "trial",
                                                            "case series", "experimental"};

Regimen RegimenReader::read(const json& root_json) {
  Regimen r;
  Obj root(root_json, "", diag_);
  if (!root.valid()) return r;
  check_format_version(root);
  r.id = root.string("id").value_or("");
  if (const json* revs = root.array("revisions")) {
    if (revs->empty())
      diag_.add("rules.bad_value", root.at("revisions"), "list at least one revision");
    for (const auto& [j, ptr] : elements(revs, root.at("revisions"))) {
      Obj rev(*j, ptr, diag_);
      if (const auto d = rev.string("date")) {
        try {
          parse_date(*d, rev.at("date"));
        } catch (const Error&) {
          diag_.add("rules.bad_value", rev.at("date"), "\"" + *d + "\" is not a YYYY-MM-DD date");
        }
      }
      rev.string("change");
      rev.finish();
    }
  }
  if (auto drug = root.object("drug")) {
    r.drug.id = drug->string("id").value_or("");
    r.drug.name = drug->text("name");
    check_tall_man(diag_, drug->at("name") + "/en", r.drug.name.en);
    r.drug.also_known_as = drug->text("also_known_as", false);
    drug->finish();
  }
  r.indication = root.text("indication");
  if (const auto ev = root.string("evidence")) {
    if (!kEvidenceLevels.count(*ev)) {
      diag_.add("rules.bad_value", root.at("evidence"),
                "\"" + *ev +
                    "\" is not an evidence level; expected label, guideline, trial, "
                    "case series or experimental");
    }
    r.evidence = *ev;
  }
  read_sources(root, r);
  read_population(root, r);
  read_patient_rules(root, r);
  read_body_size(root, r);
  read_dose(root, r);
  if (const json* products = root.array("products")) {
    for (const auto& [j, ptr] : elements(products, root.at("products"))) {
      if (!j->is_string()) {
        diag_.add("rules.wrong_type", ptr, "expected a product id");
        continue;
      }
      r.products.push_back(j->get<std::string>());
    }
    if (r.products.empty())
      diag_.add("rules.bad_value", root.at("products"), "list at least one product");
  }
  read_phases(root, r);
  read_course(root, r);
  read_monitoring(root, r);
  read_lab_rules(root, r);
  read_warnings(root, r);
  read_test_cases(root, r);
  root.finish();
  check_sources(r);
  return r;
}

void RegimenReader::read_sources(Obj& root, Regimen& r) {
  const json* sources = root.array("sources");
  if (!sources) return;
  if (sources->empty())
    diag_.add("rules.bad_value", root.at("sources"), "list at least one source");
  std::set<std::string> ids;
  for (const auto& [j, ptr] : elements(sources, root.at("sources"))) {
    Obj s(*j, ptr, diag_);
    Source src = detail::read_citation(s);
    if (!src.id.empty() && !ids.insert(src.id).second) {
      diag_.add("rules.duplicate_id", s.at("id"), "source id \"" + src.id + "\" is used twice");
    }
    r.sources.push_back(std::move(src));
  }
}

void RegimenReader::read_population(Obj& root, Regimen& r) {
  auto pop = root.object("population", false);
  if (!pop) return;
  for (auto [key, target] : {std::pair{"age_years", &r.population.age_years},
                             std::pair{"weight_kg", &r.population.weight_kg}}) {
    auto o = pop->object(key, false);
    if (!o) continue;
    PopulationLimit limit;
    limit.min = o->number("min", false);
    limit.max = o->number("max", false);
    if (!limit.min && !limit.max)
      diag_.add("rules.missing_field", o->pointer(), "give min, max or both");
    if (limit.min && limit.max && *limit.min > *limit.max) {
      diag_.add("rules.range_order", o->pointer(), "expected min <= max");
    }
    limit.message = o->text("message");
    limit.from = provenance(*o);
    limit.action = limit_action(*o);
    limit.acknowledgeable = o->boolean("acknowledge", false).value_or(false);
    if (limit.acknowledgeable && limit.action != LimitAction::refuse) {
      diag_.add("rules.bad_value", o->at("acknowledge"),
                "only a limit whose action is refuse can be passed with an acknowledgement");
    }
    o->finish();
    *target = limit;
  }
  pop->finish();
}

LimitAction RegimenReader::limit_action(Obj& o) {
  const auto action = o.string("action", false);
  if (!action || *action == "warn") return LimitAction::warn;
  if (*action == "refuse") return LimitAction::refuse;
  diag_.add("rules.bad_value", o.at("action"), "expected warn or refuse");
  return LimitAction::warn;
}

// {"measure": "egfr", "below": 25, "unit": "mL/min/1.73m2"}: exactly one comparison, the unit
// of the measure, the limit converted to the measure's type here.
std::optional<PatientCondition> RegimenReader::read_condition(Obj& c) {
  using M = PatientCondition::Measure;
  using C = PatientCondition::Compare;
  static const std::pair<const char*, M> kMeasures[] = {
      {"egfr", M::egfr}, {"crcl", M::crcl}, {"creatinine", M::creatinine}, {"age", M::age}};
  static const std::pair<const char*, C> kCompares[] = {
      {"below", C::below}, {"at_most", C::at_most}, {"above", C::above}, {"at_least", C::at_least}};
  PatientCondition out;
  const auto measure = c.string("measure");
  bool known = false;
  for (const auto& [name, m] : kMeasures)
    if (measure && *measure == name) known = true, out.measure = m;
  if (measure && !known) {
    diag_.add("rules.bad_value", c.at("measure"),
              "\"" + *measure + "\" is not a measure; expected egfr, crcl, creatinine or age");
  }
  std::optional<double> value;
  int comparisons = 0;
  for (const auto& [name, cmp] : kCompares) {
    if (!c.has(name)) continue;
    ++comparisons;
    out.compare = cmp;
    value = c.number(name);
  }
  if (comparisons != 1) {
    diag_.add("rules.bad_value", c.pointer(),
              "give exactly one of below, at_most, above, at_least");
  }
  const auto unit = c.string("unit");
  if (!known || !value || !unit) return std::nullopt;
  if (*value < 0) {
    diag_.add("rules.bad_value", c.at(std::string(kCompares[static_cast<int>(out.compare)].first)),
              "a limit can not be negative");
    return std::nullopt;
  }
  const auto bad_unit = [&](const char* expected) {
    diag_.add("rules.bad_unit", c.at("unit"),
              "\"" + *unit + "\" is not a unit of " + *measure + "; expected " + expected);
    return std::nullopt;
  };
  std::string shown = format_number(*value);
  switch (out.measure) {
    case M::egfr:
      if (*unit != "mL/min/1.73m2") return bad_unit("mL/min/1.73m2");
      out.clearance = mL_per_min(*value);
      shown += " mL/min/1.73 m²";
      break;
    case M::crcl:
      if (*unit != "mL/min") return bad_unit("mL/min");
      out.clearance = mL_per_min(*value);
      shown += " mL/min";
      break;
    case M::creatinine:
      if (*unit == "umol/L") {
        out.creatinine = umol_per_L(*value);
        shown += " umol/L";
      } else if (*unit == "mg/dL") {
        out.creatinine = umol_per_L(*value * 88.4);
        shown += " mg/dL";
      } else {
        return bad_unit("umol/L or mg/dL");
      }
      break;
    case M::age:
      if (*unit != "years") return bad_unit("years");
      out.age_years = *value;
      shown += " years";
      break;
  }
  static const char* const kMeasureNames[] = {"eGFR", "creatinine clearance", "creatinine", "age"};
  static const char* const kCompareNames[] = {"below", "at most", "above", "at least"};
  out.written = tr_both("{measure} {compare} {limit}",
                        {{"measure", tr_both(kMeasureNames[static_cast<int>(out.measure)])},
                         {"compare", tr_both(kCompareNames[static_cast<int>(out.compare)])},
                         {"limit", same_text(shown)}});
  return out;
}

// "patient_rules": [{"id", "when": [conditions], "action": warn|refuse|reduce, "message",
// <provenance>}]
void RegimenReader::read_patient_rules(Obj& root, Regimen& r) {
  std::set<std::string> ids;
  for (const auto& [j, ptr] :
       elements(root.array("patient_rules", false), root.at("patient_rules"))) {
    Obj o(*j, ptr, diag_);
    PatientRule rule;
    rule.id = o.string("id").value_or("");
    if (!rule.id.empty() && !ids.insert(rule.id).second)
      diag_.add("rules.duplicate_id", o.at("id"),
                "patient rule id \"" + rule.id + "\" is used twice");
    const json* when = o.array("when");
    if (when && when->empty())
      diag_.add("rules.bad_value", o.at("when"), "list at least one condition");
    for (const auto& [cj, cptr] : elements(when, o.at("when"))) {
      Obj c(*cj, cptr, diag_);
      if (auto cond = read_condition(c)) rule.when.push_back(*cond);
      c.finish();
    }
    if (const auto action = o.string("action")) {
      if (*action == "warn") {
        rule.action = PatientRule::Action::warn;
      } else if (*action == "refuse") {
        rule.action = PatientRule::Action::refuse;
      } else if (*action == "reduce") {
        rule.action = PatientRule::Action::reduce;
      } else {
        diag_.add("rules.bad_value", o.at("action"), "expected warn, refuse or reduce");
      }
    }
    rule.message = o.text("message");
    rule.from = provenance(o);
    o.finish();
    r.patient_rules.push_back(std::move(rule));
  }
}

// "body_size": {"above_ideal_percent": {"value": 120, <provenance>}}
void RegimenReader::read_body_size(Obj& root, Regimen& r) {
  auto o = root.object("body_size", false);
  if (!o) return;
  BodySizeRule rule;
  if (auto t = o->object("above_ideal_percent")) {
    const auto v = t->number("value");
    if (v && (*v <= 100 || *v > 300))
      diag_.add("rules.bad_value", t->at("value"), "expected more than 100 and at most 300 (%)");
    rule.above_ideal_percent = {v.value_or(0), provenance(*t)};
    t->finish();
  }
  o->finish();
  r.body_size = rule;
}

// "course": {"max_length": {"value": "12 months", "action", "message", <provenance>},
//            "taper_every": {"min": "1 week", "max": "4 weeks", <provenance>}}
void RegimenReader::read_course(Obj& root, Regimen& r) {
  auto o = root.object("course", false);
  if (!o) return;
  CourseRule& c = r.course;
  if (auto m = o->object("max_length", false)) {
    const auto span = m->span("value");
    c.max_length_action = limit_action(*m);
    c.max_length_message = m->text("message");
    Sourced<Span> v{span.value_or(Span{}), provenance(*m)};
    m->finish();
    if (span && span->count <= 0)
      diag_.add("rules.bad_value", o->at("max_length") + "/value", "a course lasts at least 1 day");
    else if (span)
      c.max_length = v;
  }
  if (auto t = o->object("taper_every", false)) {
    c.taper_every_min = t->span("min");
    c.taper_every_max = t->span("max");
    c.taper_every_from = provenance(*t);
    const Date anchor = Date{date::year{2001} / 1 / 31};
    if (c.taper_every_min && c.taper_every_max &&
        (c.taper_every_min->count <= 0 ||
         span_less(*c.taper_every_max, *c.taper_every_min, anchor))) {
      diag_.add("rules.range_order", t->pointer(), "expected 0 < min <= max");
    }
    t->finish();
    const bool has_taper = std::any_of(r.phases.begin(), r.phases.end(), [](const PhaseRule& p) {
      return p.kind == PhaseRule::Kind::taper;
    });
    if (!has_taper)
      diag_.add("rules.bad_value", o->at("taper_every"), "the regimen has no taper phase");
  }
  o->finish();
}

void RegimenReader::read_warnings(Obj& root, Regimen& r) {
  for (const auto& [j, ptr] : elements(root.array("warnings", false), root.at("warnings"))) {
    Obj w(*j, ptr, diag_);
    Sourced<LocalizedText> t;
    t.value = w.own_text();
    t.from = provenance(w);
    w.finish();
    r.warnings.push_back(std::move(t));
  }
  for (const auto& [j, ptr] :
       elements(root.array("disagreements", false), root.at("disagreements"))) {
    Obj d(*j, ptr, diag_);
    Disagreement dis;
    dis.topic = d.text("topic");
    for (const auto& [pj, pptr] : elements(d.array("positions"), d.at("positions"))) {
      Obj p(*pj, pptr, diag_);
      Sourced<LocalizedText> pos;
      pos.value = p.own_text();
      pos.from = provenance(p);
      p.finish();
      dis.positions.push_back(std::move(pos));
    }
    if (dis.positions.size() < 2) {
      diag_.add("rules.bad_value", d.at("positions"), "a disagreement has at least two positions");
    }
    d.finish();
    r.disagreements.push_back(std::move(dis));
  }
}

void RegimenReader::read_test_cases(Obj& root, Regimen& r) {
  for (const auto& [j, ptr] : elements(root.array("test_cases", false), root.at("test_cases"))) {
    Obj t(*j, ptr, diag_);
    GoldenCase g;
    g.pointer = ptr;
    g.name = t.string("name").value_or("");
    g.worked = t.string("worked").value_or("");
    if (const json* req = t.get("request", true)) g.request_json = req->dump();
    if (auto expect = t.object("expect")) {
      for (const auto& [pj, pptr] :
           elements(expect->array("phases", false), expect->at("phases"))) {
        Obj p(*pj, pptr, diag_);
        GoldenCase::PhaseExpect e;
        e.id = p.string("id").value_or("");
        e.first = p.string("first").value_or("");
        e.last = p.string("last").value_or("");
        e.daily_mg = p.number("daily_mg", false);
        e.administration = p.string("administration", false).value_or("");
        p.finish();
        g.phases.push_back(e);
      }
      g.has_phases = expect->has("phases");
      g.egfr = expect->number("egfr", false);
      g.has_checks = expect->has("checks");
      for (const auto& [cj, cptr] :
           elements(expect->array("checks", false), expect->at("checks"))) {
        if (cj->is_string()) {
          g.checks.push_back(cj->get<std::string>());
        } else {
          diag_.add("rules.wrong_type", cptr, "expected a check id");
        }
      }
      g.error = expect->string("error", false).value_or("");
      for (const auto& [vj, vptr] :
           elements(expect->array("visits", false), expect->at("visits"))) {
        if (vj->is_string()) {
          g.visits.push_back(vj->get<std::string>());
        } else {
          diag_.add("rules.wrong_type", vptr, "expected a date YYYY-MM-DD");
        }
      }
      g.has_visits = expect->has("visits");
      expect->finish();
    }
    t.finish();
    r.test_cases.push_back(std::move(g));
  }
}

void RegimenReader::check_sources(const Regimen& r) {
  for (const auto& [ptr, p] : refs_) {
    if (!p.source_id.empty() && !r.find_source(p.source_id)) {
      diag_.add("rules.unknown_source", ptr + "/source",
                "source \"" + p.source_id + "\" is not listed in /sources");
    }
  }
}

}  // namespace doseplan::detail
