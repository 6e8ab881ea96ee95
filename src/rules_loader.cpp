// Parsing and checking rules files: regimens, products, labs. See docs/rules.md for the format
// and docs/errors.md for every problem id reported here.
//
// Why this file is long (about 1,390 lines): one reader per section of a regimen file (sources,
// population, patient rules, body size, course, dose, phases, monitoring, lab rules, warnings,
// golden cases) plus products and labs, sharing the RegimenReader's provenance bookkeeping.
// Issue 19 splits the readers by section (src/rules/); each section is one method below.
#include <algorithm>
#include <functional>
#include <numeric>
#include <set>

#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/rules.hpp"
#include "json_reader.hpp"
#include "rules_sources.hpp"

namespace doseplan {
namespace {

using detail::Diagnostics;
using detail::elements;
using detail::json;
using detail::check_format_version;
using detail::Obj;

constexpr int kMaxReadings = 10;  // a lab rule's results in a row (condition.readings)
const std::set<std::string, std::less<>> kEvidenceLevels = {"label", "guideline", "trial",
                                                            "case series", "experimental"};


// Reading one regimen file. Remembers every provenance with its pointer, to check source ids
// once all sources are known.
class RegimenReader {
 public:
  explicit RegimenReader(Diagnostics& diag) : diag_(diag) {}

  Regimen read(const json& root);

 private:
  Provenance provenance(Obj& o) {
    Provenance p = o.provenance();
    refs_.emplace_back(o.pointer(), p);
    return p;
  }
  // {"value": N, "unit": U} inside `o`: a dose of one of the units of regimen.hpp.
  std::optional<DoseValue> dose_value(Obj& o, std::string_view key = "value") {
    const auto unit = o.string("unit");
    const auto v = o.number(key);
    if (!unit || !v) return std::nullopt;
    const auto dose = make_dose(*v, *unit);
    if (!dose) {
      diag_.add(
          "rules.bad_unit", o.at("unit"),
          "\"" + *unit + "\" is not a dose unit; expected mg/kg/d, mg/d, mg, mg/m2 or 10*6 cells");
      return std::nullopt;
    }
    if (*v <= 0) {
      diag_.add("rules.bad_value", o.at(key), "a dose must be greater than 0");
      return std::nullopt;
    }
    return dose;
  }
  // {"value": N, "unit": U, <provenance>} at parent[key].
  std::optional<Sourced<DoseValue>> sourced_dose(Obj& parent, std::string_view key,
                                                 bool required = true) {
    auto o = parent.object(key, required);
    if (!o) return std::nullopt;
    const auto dose = dose_value(*o);
    Sourced<DoseValue> out{dose.value_or(DoseValue{}), provenance(*o)};
    o->finish();
    if (!dose) return std::nullopt;
    return out;
  }
  // {"value": "3 months", <provenance>}
  Sourced<Span> sourced_span(Obj& parent, std::string_view key, bool required = true) {
    Sourced<Span> out;
    auto o = parent.object(key, required);
    if (!o) return out;
    out.value = o->span("value").value_or(Span{});
    out.from = provenance(*o);
    o->finish();
    return out;
  }
  // {"value": N, <provenance>} with a whole number N in [lo, hi].
  Sourced<int> sourced_int(Obj& parent, std::string_view key, int lo, int hi) {
    Sourced<int> out;
    auto o = parent.object(key);
    if (!o) return out;
    const auto v = o->integer("value");
    if (v && (*v < lo || *v > hi)) {
      diag_.add("rules.bad_value", o->at("value"),
                "expected " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    out.value = v.value_or(lo);
    out.from = provenance(*o);
    o->finish();
    return out;
  }
  void read_sources(Obj& root, Regimen& r);
  void read_population(Obj& root, Regimen& r);
  void read_patient_rules(Obj& root, Regimen& r);
  std::optional<PatientCondition> read_condition(Obj& c);
  void read_body_size(Obj& root, Regimen& r);
  void read_course(Obj& root, Regimen& r);
  LimitAction limit_action(Obj& o);
  void read_dose(Obj& root, Regimen& r);
  void read_phases(Obj& root, Regimen& r);
  void read_duration(Obj& p, PhaseRule& ph);
  void read_cycles(Obj& p, PhaseRule& ph);
  void read_monitoring(Obj& root, Regimen& r);
  void read_lab_rules(Obj& root, Regimen& r);
  void read_warnings(Obj& root, Regimen& r);
  void read_test_cases(Obj& root, Regimen& r);
  void check_sources(const Regimen& r);

  Diagnostics& diag_;
  std::vector<std::pair<std::string, Provenance>> refs_;
  bool range_given_ = false;
  bool default_given_ = false;
};

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
    if (!r.drug.name.en.empty() && tall_man(r.drug.name.en) != r.drug.name.en) {
      diag_.add("rules.tall_man", drug->at("name") + "/en",
                "write \"" + tall_man(r.drug.name.en) + "\" (Tall Man letters, FDA/ISMP), not \"" +
                    r.drug.name.en + "\"");
    }
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

// Long (about 150 lines) because the dose section has many small keys, each read and checked in
// the order of docs/rules.md; issue 19 cuts the readers by section.
void RegimenReader::read_dose(Obj& root, Regimen& r) {
  auto dose = root.object("dose");
  if (!dose) return;
  DoseRule& d = r.dose;
  static const std::pair<const char*, const char*> kBases[] = {{"per_kg_per_day", "mg/kg/d"},
                                                               {"per_day", "mg/d"},
                                                               {"per_dose", "mg"},
                                                               {"per_m2_per_dose", "mg/m2"},
                                                               {"cells_per_dose", "10*6 cells"}};
  const auto basis = dose->string("basis");
  const auto unit = dose->string("unit");
  if (basis && unit) {
    bool known = false;
    for (const auto& [b, u] : kBases) {
      if (*basis != b) continue;
      known = true;
      if (*unit != u) {
        diag_.add("rules.bad_unit", dose->at("unit"),
                  "basis " + *basis + " is written in \"" + u + "\", found \"" + *unit + "\"");
      }
    }
    if (!known) {
      diag_.add("rules.bad_value", dose->at("basis"),
                "\"" + *basis +
                    "\" is not a dose basis; expected per_kg_per_day, per_day, per_dose, "
                    "per_m2_per_dose or cells_per_dose");
    }
  }
  const std::string u = unit.value_or("");
  bool range_ok = false;
  range_given_ = dose->has("range");
  default_given_ = dose->has("default");
  if (auto range = dose->object("range", false)) {
    const auto lo = range->number("min");
    const auto hi = range->number("max");
    d.range_from = provenance(*range);
    range->finish();
    if (lo && hi) {
      if (*lo <= 0 || *lo > *hi) {
        diag_.add("rules.range_order", range->pointer(), "expected 0 < min <= max");
      } else if (auto a = make_dose(*lo, u), b = make_dose(*hi, u); a && b) {
        d.min = a;
        d.max = b;
        range_ok = true;
      }
    }
  }
  if (auto def = dose->object("default", false)) {
    const auto v = def->number("value");
    Provenance from = provenance(*def);
    def->finish();
    if (v) {
      if (auto value = make_dose(*v, u)) {
        d.default_dose = Sourced<DoseValue>{*value, from};
        if (range_ok && (dose_less(*value, *d.min) || dose_less(*d.max, *value))) {
          diag_.add("rules.default_outside_range", def->at("value"),
                    "the default dose lies outside the dose range");
        }
      }
    }
  }
  bool dpd_ok = false;
  d.doses_per_day_min = d.doses_per_day_max = 1;
  if (auto dpd = dose->object("doses_per_day", false)) {
    const auto lo = dpd->integer("min");
    const auto hi = dpd->integer("max");
    d.doses_per_day_from = provenance(*dpd);
    dpd->finish();
    if (lo && hi) {
      if (*lo < 1 || *hi > 4 || *lo > *hi) {
        diag_.add(
            "rules.range_order", dpd->pointer(),
            "expected 1 <= min <= max <= 4 (the four slots of the Universal Medication Schedule)");
      } else {
        d.doses_per_day_min = *lo;
        d.doses_per_day_max = *hi;
        dpd_ok = true;
      }
    }
  }
  if (dose->has("default_doses_per_day") && !dose->has("doses_per_day")) {
    diag_.add("rules.missing_field", dose->at("doses_per_day"),
              "a default number of doses a day needs the allowed range \"doses_per_day\"");
  }
  if (auto def = dose->object("default_doses_per_day", dpd_ok)) {
    const auto v = def->integer("value");
    d.default_doses_per_day.from = provenance(*def);
    def->finish();
    if (v) {
      d.default_doses_per_day.value = *v;
      if (dpd_ok && (*v < d.doses_per_day_min || *v > d.doses_per_day_max)) {
        diag_.add("rules.default_outside_range", def->at("value"),
                  "the default number of doses a day lies outside the allowed range");
      }
    }
  }
  if (auto o = dose->object("rounding")) {
    d.rounding_from = provenance(*o);
    if (const auto t = o->number("tolerance_percent", false)) {
      if (*t <= 0 || *t > 50) {
        diag_.add("rules.bad_value", o->at("tolerance_percent"),
                  "expected more than 0 and at most 50");
      }
      d.rounding_tolerance_percent = *t;
    }
    if (const auto policy = o->string("policy", false)) {
      if (*policy == "refuse") {
        d.rounding_policy = DoseRule::RoundingPolicy::refuse;
      } else if (*policy != "advise") {
        diag_.add("rules.bad_value", o->at("policy"), "expected advise or refuse");
      }
    }
    o->finish();
  }
  if (auto o = dose->object("uneven_split")) {
    d.uneven_split_from = provenance(*o);
    o->finish();
  }
  for (auto [key, target] :
       {std::pair{"max_per_dose", &d.max_per_dose}, std::pair{"max_per_day", &d.max_per_day}}) {
    auto o = dose->object(key, false);
    if (!o) continue;
    const auto v = o->number("value");
    const auto mg = o->string("unit");
    if (mg && *mg != "mg")
      diag_.add("rules.bad_unit", o->at("unit"), "expected \"mg\", found \"" + *mg + "\"");
    if (v && *v <= 0)
      diag_.add("rules.bad_value", o->at("value"), "a maximum must be greater than 0");
    Sourced<DrugMass> m{milligrams(v.value_or(0)), provenance(*o)};
    o->finish();
    if (v && *v > 0) *target = m;
  }
  d.maximum = sourced_dose(*dose, "maximum", false);
  if (d.maximum && d.min && !same_kind(d.maximum->value, *d.min)) {
    diag_.add(
        "rules.bad_unit", dose->at("maximum") + "/unit",
        std::string("the maximum must be in the unit of the dose range, ") + dose_unit(*d.min));
  } else if (d.maximum && d.max && dose_less(d.maximum->value, *d.max)) {
    diag_.add("rules.range_order", dose->at("maximum"),
              "the maximum lies below the top of the dose range");
  }
  if (auto bsa = dose->object("bsa_formula", false)) {
    r.bsa_formula = bsa->string("value").value_or("mosteller");
    if (r.bsa_formula != "mosteller" && r.bsa_formula != "dubois") {
      diag_.add("rules.bad_value", bsa->at("value"), "expected mosteller or dubois");
    }
    r.bsa_formula_from = provenance(*bsa);
    bsa->finish();
  }
  dose->finish();
}

void RegimenReader::read_duration(Obj& p, PhaseRule& ph) {
  if (auto dur = p.object("duration")) {
    ph.min_duration = dur->span("min").value_or(Span{});
    ph.max_duration = dur->span("max").value_or(Span{});
    ph.duration_from = provenance(*dur);
    dur->finish();
  }
  ph.default_duration = sourced_span(p, "default_duration");
  const Date anchor = Date{date::year{2001} / 1 / 31};  // a month end: the hardest case
  if (ph.min_duration.count > 0 && ph.max_duration.count > 0) {
    if (span_less(ph.max_duration, ph.min_duration, anchor)) {
      p.diag().add("rules.range_order", p.at("duration"), "expected min <= max");
      return;
    }
    const Span& v = ph.default_duration.value;
    if (v.count > 0 &&
        (span_less(v, ph.min_duration, anchor) || span_less(ph.max_duration, v, anchor))) {
      p.diag().add("rules.default_outside_range", p.at("default_duration") + "/value",
                   "the default duration lies outside the allowed duration");
    }
  }
}

void RegimenReader::read_cycles(Obj& p, PhaseRule& ph) {
  ph.every = sourced_span(p, "every");
  if (auto count = p.object("count")) {
    const auto lo = count->integer("min");
    const auto hi = count->integer("max");
    ph.count_from = provenance(*count);
    count->finish();
    if (lo && hi) {
      if (*lo < 1 || *lo > *hi || *hi > 100) {
        diag_.add("rules.range_order", count->pointer(), "expected 1 <= min <= max <= 100");
      } else {
        ph.min_count = *lo;
        ph.max_count = *hi;
      }
    }
  }
  ph.default_count = sourced_int(p, "default_count", 1, 100);
  if (ph.max_count > 0 &&
      (ph.default_count.value < ph.min_count || ph.default_count.value > ph.max_count)) {
    diag_.add("rules.default_outside_range", p.at("default_count") + "/value",
              "the default count lies outside the allowed count");
  }
  int next = 1;
  for (const auto& [j, ptr] : elements(p.array("doses", false), p.at("doses"))) {
    Obj c(*j, ptr, diag_);
    CycleDose cd;
    cd.from_cycle = c.integer("from_cycle").value_or(0);
    cd.to_cycle = c.integer("to_cycle").value_or(0);
    const auto dose = dose_value(c);
    cd.dose.from = provenance(c);
    c.finish();
    if (cd.from_cycle != next || cd.to_cycle < cd.from_cycle) {
      diag_.add("rules.bad_value", ptr,
                "cycle doses must cover cycles 1, 2, ... in order without gaps; expected "
                "from_cycle " +
                    std::to_string(next));
    }
    next = cd.to_cycle + 1;
    if (dose) {
      cd.dose.value = *dose;
      ph.cycle_doses.push_back(cd);
    }
  }
  if (!ph.cycle_doses.empty() && ph.max_count > 0 && next - 1 > ph.max_count) {
    diag_.add("rules.bad_value", p.at("doses"),
              "the cycle doses go to cycle " + std::to_string(next - 1) + " but at most " +
                  std::to_string(ph.max_count) + " cycles are allowed");
  }
  for (std::size_t k = 0; k < ph.cycle_doses.size(); ++k) {
    const DoseValue& v = ph.cycle_doses[k].dose.value;
    if (std::holds_alternative<DoseRate>(v) || std::holds_alternative<DailyAmount>(v)) {
      diag_.add(
          "rules.bad_unit", p.at("doses") + "/" + std::to_string(k) + "/unit",
          std::string("a cycle dose is given once: expected mg, mg/m2 or 10*6 cells, found ") +
              dose_unit(v));
    }
  }
  if (!ph.cycle_doses.empty() && ph.max_count > 0 && next - 1 < ph.max_count) {
    diag_.add("rules.bad_value", p.at("doses"),
              "the cycle doses stop at cycle " + std::to_string(next - 1) + " but up to " +
                  std::to_string(ph.max_count) + " cycles are allowed");
  }
}

// Long (about 150 lines): the phase list is read, then checked as a course (order, units between
// phases); issue 19 cuts it into reading and checking.
void RegimenReader::read_phases(Obj& root, Regimen& r) {
  const json* phases = root.array("phases");
  if (!phases) return;
  if (phases->empty()) diag_.add("rules.bad_value", root.at("phases"), "list at least one phase");
  std::set<std::string> ids;
  for (const auto& [j, ptr] : elements(phases, root.at("phases"))) {
    Obj p(*j, ptr, diag_);
    PhaseRule ph;
    ph.id = p.string("id").value_or("");
    if (!ph.id.empty() && !ids.insert(ph.id).second) {
      diag_.add("rules.duplicate_id", p.at("id"), "phase id \"" + ph.id + "\" is used twice");
    }
    ph.name = p.text("name");
    const std::string kind = p.string("kind").value_or("");
    static const std::pair<const char*, PhaseRule::Kind> kKinds[] = {
        {"chosen_dose", PhaseRule::Kind::chosen_dose},
        {"fixed_dose", PhaseRule::Kind::fixed_dose},
        {"taper", PhaseRule::Kind::taper},
        {"titration", PhaseRule::Kind::titration},
        {"cycles", PhaseRule::Kind::cycles}};
    bool known = false;
    for (const auto& [name, k] : kKinds) {
      if (kind == name) {
        ph.kind = k;
        known = true;
      }
    }
    if (!known && !kind.empty()) {
      diag_.add("rules.bad_value", p.at("kind"),
                "\"" + kind +
                    "\" is not a phase kind; expected chosen_dose, fixed_dose, taper, titration "
                    "or cycles");
    }
    if (p.has("note")) ph.note = p.text("note");
    switch (ph.kind) {
      case PhaseRule::Kind::chosen_dose:
        read_duration(p, ph);
        break;
      case PhaseRule::Kind::fixed_dose:
        ph.level = sourced_dose(p, "level");
        ph.target_after_titration = p.boolean("target_after_titration", false).value_or(false);
        if (ph.level && (std::holds_alternative<DosePerArea>(ph.level->value) ||
                         std::holds_alternative<CellCount>(ph.level->value))) {
          diag_.add("rules.bad_unit", p.at("level") + "/unit",
                    std::string("a daily level is in mg/kg/d, mg/d or mg (per dose), found ") +
                        dose_unit(ph.level->value));
        }
        read_duration(p, ph);
        break;
      case PhaseRule::Kind::taper:
        if (auto step = p.object("step"); step && step->has("unit") &&
                                          step->get("unit", false)->is_string() &&
                                          step->get("unit", false)->get<std::string>() == "%") {
          // A step in percent of the dose the taper starts from.
          const auto v = step->number("value");
          if (v && (*v <= 0 || *v >= 100)) {
            diag_.add("rules.bad_value", step->at("value"),
                      "a percent step lies between 0 and 100");
          }
          ph.step_percent = Sourced<double>{v.value_or(0), provenance(*step)};
          step->finish();
        } else {
          ph.step = sourced_dose(p, "step");
        }
        ph.every = sourced_span(p, "every");
        break;
      case PhaseRule::Kind::titration:
        ph.step = sourced_dose(p, "step");
        ph.every = sourced_span(p, "every");
        ph.level = sourced_dose(p, "level");
        if (p.has("max_steps")) ph.max_steps = sourced_int(p, "max_steps", 1, 50);
        ph.conditional = p.boolean("conditional", false).value_or(false);
        read_duration(p, ph);
        break;
      case PhaseRule::Kind::cycles:
        read_cycles(p, ph);
        break;
    }
    p.finish();
    r.phases.push_back(std::move(ph));
  }
  // The shape of the course: a taper or titration follows a dosed phase; a taper ends at a
  // fixed_dose phase; steps are of the kind of the dose they change.
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    const PhaseRule& ph = r.phases[i];
    const std::string ptr = root.at("phases") + "/" + std::to_string(i);
    const bool stepping =
        ph.kind == PhaseRule::Kind::taper || ph.kind == PhaseRule::Kind::titration;
    if (stepping && (i == 0 || r.phases[i - 1].kind == PhaseRule::Kind::cycles ||
                     r.phases[i - 1].kind == PhaseRule::Kind::taper)) {
      diag_.add("rules.phase_order", ptr, "a taper or titration must follow a daily dosed phase");
    }
    if (ph.kind == PhaseRule::Kind::taper &&
        (i + 1 >= r.phases.size() || r.phases[i + 1].kind != PhaseRule::Kind::fixed_dose)) {
      diag_.add("rules.phase_order", ptr,
                "a taper must come after a dosed phase and before a fixed_dose phase it tapers to");
    }
  }
  // Units that must agree: a taper works in mg/kg/day from and to doses in mg/kg/day; a titration
  // steps in mg/kg/day from a dose in mg/kg/day, or in mg/day; its maximum is in mg/kg/day.
  std::optional<DoseValue> previous;
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    const PhaseRule& ph = r.phases[i];
    const std::string ptr = root.at("phases") + "/" + std::to_string(i);
    auto need_rate = [&](const std::optional<Sourced<DoseValue>>& v, const std::string& where) {
      if (v && !std::holds_alternative<DoseRate>(v->value)) {
        diag_.add("rules.bad_unit", where,
                  std::string("expected mg/kg/d, found ") + dose_unit(v->value));
      }
    };
    if (ph.kind == PhaseRule::Kind::taper) {
      // mg/kg/d steps work from and to doses in mg/kg/d; mg/d and percent steps from and to any
      // daily dose (compared as mg a day).
      const bool rate_step = ph.step && std::holds_alternative<DoseRate>(ph.step->value);
      if (ph.step && !rate_step && !std::holds_alternative<DailyAmount>(ph.step->value)) {
        diag_.add("rules.bad_unit", ptr + "/step/unit",
                  std::string("expected mg/kg/d, mg/d or %, found ") + dose_unit(ph.step->value));
      }
      if (rate_step) {
        if (previous && !std::holds_alternative<DoseRate>(*previous)) {
          diag_.add("rules.bad_unit", ptr,
                    "a taper in mg/kg/d needs the dose before it in mg/kg/d");
        }
        if (i + 1 < r.phases.size())
          need_rate(r.phases[i + 1].level,
                    root.at("phases") + "/" + std::to_string(i + 1) + "/level/unit");
      }
    } else if (ph.kind == PhaseRule::Kind::titration) {
      need_rate(ph.level, ptr + "/level/unit");
      if (ph.step && std::holds_alternative<DoseRate>(ph.step->value) && previous &&
          !std::holds_alternative<DoseRate>(*previous)) {
        diag_.add("rules.bad_unit", ptr + "/step/unit",
                  "a step in mg/kg/d needs the dose before it in mg/kg/d");
      }
      if (ph.step && !std::holds_alternative<DoseRate>(ph.step->value) &&
          !std::holds_alternative<DailyAmount>(ph.step->value)) {
        diag_.add("rules.bad_unit", ptr + "/step/unit",
                  std::string("expected mg/kg/d or mg/d, found ") + dose_unit(ph.step->value));
      }
      if (ph.level) previous = ph.level->value;
    } else if (ph.kind == PhaseRule::Kind::chosen_dose) {
      previous = r.dose.min;
    } else if (ph.kind == PhaseRule::Kind::fixed_dose && ph.level) {
      previous = ph.level->value;
    }
  }
  if (r.uses_chosen_dose() && (!range_given_ || !default_given_)) {
    diag_.add("rules.missing_field", root.at("dose") + (range_given_ ? "/default" : "/range"),
              "a regimen with a chosen_dose phase (or cycles without doses) needs a dose range "
              "and default");
  }
}

// Slightly over 80 lines: each monitored item's keys in the order of docs/rules.md.
void RegimenReader::read_monitoring(Obj& root, Regimen& r) {
  auto mon = root.object("monitoring");
  if (!mon) return;
  r.baseline_spacing = sourced_span(*mon, "baseline_spacing");
  if (auto w = mon->object("visit_windows", false)) {
    r.visit_windows = provenance(*w);
    w->finish();
  }
  const json* items = mon->array("items");
  std::set<std::string> ids;
  for (const auto& [j, ptr] : elements(items, mon->at("items"))) {
    Obj m(*j, ptr, diag_);
    MonitoringRule rule;
    rule.id = m.string("id").value_or("");
    if (!rule.id.empty() && !ids.insert(rule.id).second) {
      diag_.add("rules.duplicate_id", m.at("id"),
                "monitoring id \"" + rule.id + "\" is used twice");
    }
    rule.name = m.text("name");
    if (const json* tests = m.array("tests")) {
      for (const auto& [t, tptr] : elements(tests, m.at("tests"))) {
        if (t->is_string()) {
          rule.tests.push_back(t->get<std::string>());
        } else {
          diag_.add("rules.wrong_type", tptr, "expected a test id from labs.json");
        }
      }
      if (rule.tests.empty()) diag_.add("rules.bad_value", m.at("tests"), "list at least one test");
    }
    if (m.has("timing")) rule.timing = m.text("timing");
    rule.from = provenance(m);
    if (m.has("baseline_occasions"))
      rule.baseline_occasions = sourced_int(m, "baseline_occasions", 0, 3);
    const auto list = elements(m.array("intervals", false), m.at("intervals"));
    for (std::size_t i = 0; i < list.size(); ++i) {
      Obj iv(*list[i].first, list[i].second, diag_);
      MonitoringInterval interval;
      interval.every = iv.span("every").value_or(Span{});
      interval.length = iv.span("for", false);
      interval.from = provenance(iv);
      iv.finish();
      if (i + 1 < list.size() && !interval.length && iv.valid()) {
        diag_.add("rules.bad_value", iv.at("for"),
                  "only the last interval may run to the end of the course: give \"for\"");
      }
      rule.intervals.push_back(interval);
    }
    for (const auto& [aj, aptr] : elements(m.array("around_doses", false), m.at("around_doses"))) {
      Obj a(*aj, aptr, diag_);
      AroundDose around;
      around.day = a.integer("day").value_or(0);
      around.window_days = a.integer("window_days", false).value_or(0);
      if (around.day < -14 || around.day > 60 || around.window_days < 0 ||
          around.window_days > 14) {
        diag_.add("rules.bad_value", aptr, "expected day -14 to 60 and window_days 0 to 14");
      }
      around.label = a.text("label");
      around.from = provenance(a);
      a.finish();
      rule.around_doses.push_back(around);
    }
    for (const auto& [aj, aptr] : elements(m.array("at", false), m.at("at"))) {
      Obj a(*aj, aptr, diag_);
      Sourced<Span> at{a.span("value").value_or(Span{}), provenance(a)};
      a.finish();
      rule.at.push_back(at);
    }
    if (auto end = m.object("at_end", false)) {
      rule.at_end = provenance(*end);
      end->finish();
    }
    if (m.has("after_dose_change")) rule.after_dose_change = sourced_span(m, "after_dose_change");
    if (rule.baseline_occasions.value == 0 && rule.intervals.empty() && rule.around_doses.empty() &&
        rule.at.empty() && !rule.at_end) {
      diag_.add(
          "rules.bad_value", m.pointer(),
          "a monitoring item needs baseline_occasions, intervals, around_doses, at or at_end");
    }
    m.finish();
    r.monitoring.push_back(std::move(rule));
  }
  mon->finish();
}

void RegimenReader::read_lab_rules(Obj& root, Regimen& r) {
  static const std::pair<const char*, LabRule::Condition> kConditions[] = {
      {"rise_over_baseline_percent", LabRule::Condition::rise_over_baseline_percent},
      {"above_uln_multiple", LabRule::Condition::above_uln_multiple},
      {"above", LabRule::Condition::above},
      {"below", LabRule::Condition::below},
      {"outside_range", LabRule::Condition::outside_range}};
  static const std::pair<const char*, LabRule::Action> kActions[] = {
      {"repeat_test", LabRule::Action::repeat_test},
      {"reduce_dose", LabRule::Action::reduce_dose},
      {"interrupt", LabRule::Action::interrupt},
      {"stop_and_contact", LabRule::Action::stop_and_contact},
      {"contact_doctor", LabRule::Action::contact_doctor}};
  std::set<std::string> ids;
  for (const auto& [j, ptr] : elements(root.array("lab_rules", false), root.at("lab_rules"))) {
    Obj o(*j, ptr, diag_);
    LabRule rule;
    rule.id = o.string("id").value_or("");
    if (!rule.id.empty() && !ids.insert(rule.id).second) {
      diag_.add("rules.duplicate_id", o.at("id"), "lab rule id \"" + rule.id + "\" is used twice");
    }
    rule.test = o.string("test").value_or("");
    if (auto c = o.object("condition")) {
      const std::string kind = c->string("kind").value_or("");
      bool known = false;
      for (const auto& [name, k] : kConditions) {
        if (kind == name) {
          rule.condition = k;
          known = true;
        }
      }
      if (!known) {
        diag_.add("rules.bad_value", c->at("kind"),
                  "\"" + kind +
                      "\" is not a condition; expected rise_over_baseline_percent, "
                      "above_uln_multiple, above, below or outside_range");
      }
      if (rule.condition == LabRule::Condition::outside_range) {
        rule.low = c->number("low").value_or(0);
        rule.high = c->number("high").value_or(0);
        if (rule.low > rule.high)
          diag_.add("rules.range_order", c->pointer(), "expected low <= high");
      } else {
        rule.threshold = c->number("threshold").value_or(0);
        if (rule.threshold <= 0)
          diag_.add("rules.bad_value", c->at("threshold"), "must be greater than 0");
      }
      const bool needs_unit = rule.condition == LabRule::Condition::above ||
                              rule.condition == LabRule::Condition::below ||
                              rule.condition == LabRule::Condition::outside_range;
      rule.unit = c->string("unit", needs_unit).value_or("");
      if (const auto n = c->integer("readings", false)) {
        rule.readings = *n;
        if (*n < 1 || *n > kMaxReadings)
          diag_.add(
              "rules.bad_value", c->at("readings"),
              "expected a whole number of readings from 1 to " + std::to_string(kMaxReadings));
      }
      c->finish();
    }
    const std::string action = o.string("action").value_or("");
    bool known = false;
    for (const auto& [name, a] : kActions) {
      if (action == name) {
        rule.action = a;
        known = true;
      }
    }
    if (!known && !action.empty()) {
      diag_.add("rules.bad_value", o.at("action"),
                "\"" + action +
                    "\" is not an action; expected repeat_test, reduce_dose, interrupt, "
                    "stop_and_contact or contact_doctor");
    }
    rule.advice = o.text("advice");
    rule.from = provenance(o);
    o.finish();
    r.lab_rules.push_back(std::move(rule));
  }
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

[[noreturn]] void fail(Diagnostics& diag) {
  throw Error(std::move(diag.problems()));
}

}  // namespace

Regimen parse_regimen(std::string_view json_text, const std::string& file) {
  Diagnostics diag(file);
  const json root = detail::parse_json(json_text, diag);
  if (!diag.ok()) fail(diag);
  RegimenReader reader(diag);
  Regimen r = reader.read(root);
  r.file = file;
  if (!diag.ok()) fail(diag);
  return r;
}

namespace {

// products.json's `markets`: [{"id": "us", "name": {"en": ..., "zh": ...}}], ids unique.
std::vector<Market> read_markets(Obj& root, Diagnostics& diag) {
  std::vector<Market> out;
  for (const auto& [j, ptr] : elements(root.array("markets", false), root.at("markets"))) {
    Obj m(*j, ptr, diag);
    Market market{m.string("id").value_or(""), m.text("name")};
    for (const Market& other : out) {
      if (!market.id.empty() && other.id == market.id)
        diag.add("rules.duplicate_id", m.at("id"), "market id \"" + market.id + "\" is used twice");
    }
    m.finish();
    out.push_back(std::move(market));
  }
  return out;
}

// A product's `market_limited`: strengths of its `strengths_mg` sold only in some of `markets`.
void read_market_limits(Obj& p, Product& prod, const std::vector<Market>& markets,
                        const std::function<void(const Provenance&, const std::string&)>& source) {
  Diagnostics& diag = p.diag();
  for (const auto& [j, ptr] : elements(p.array("market_limited", false), p.at("market_limited"))) {
    Obj m(*j, ptr, diag);
    MarketLimit limit;
    if (const auto mg = m.number("strength_mg")) {
      limit.strength = milligrams(*mg);
      if (std::find(prod.strengths.begin(), prod.strengths.end(), limit.strength) ==
          prod.strengths.end()) {
        diag.add("rules.bad_value", m.at("strength_mg"),
                 format_number(*mg) + " mg is not one of the product's strengths_mg");
      }
    }
    for (const auto& [id, id_ptr] : elements(m.array("markets"), m.at("markets"))) {
      const std::string market = id->is_string() ? id->get<std::string>() : "";
      const bool known = std::any_of(markets.begin(), markets.end(),
                                     [&](const Market& k) { return k.id == market; });
      if (!known) {
        diag.add("rules.unknown_market", id_ptr, "\"" + market + "\" is not a market of /markets");
      }
      limit.markets.push_back(market);
    }
    if (limit.markets.empty() && m.has("markets"))
      diag.add("rules.bad_value", m.at("markets"), "list at least one market");
    limit.from = m.provenance();
    source(limit.from, m.at("source"));
    m.finish();
    prod.market_limited.push_back(std::move(limit));
  }
}

// The sources the product's provenances name, in the file's order.
void attach_sources(Product& prod, const std::vector<Source>& sources) {
  for (const Source& src : sources) {
    bool named = src.id == prod.from.source_id || src.id == prod.volume_step_from.source_id ||
                 src.id == prod.rounding_step_from.source_id;
    for (const MarketLimit& m : prod.market_limited) named = named || src.id == m.from.source_id;
    if (named && !src.id.empty()) prod.sources.push_back(src);
  }
}

}  // namespace

std::vector<Product> parse_products(std::string_view json_text, const std::string& file) {
  return parse_product_catalog(json_text, file).products;
}

// Long (about 130 lines): markets, then each product's keys and its market limits, checked
// against the markets read first; issue 19 cuts the readers by section.
ProductCatalog parse_product_catalog(std::string_view json_text, const std::string& file) {
  Diagnostics diag(file);
  const json root_json = detail::parse_json(json_text, diag);
  if (!diag.ok()) fail(diag);
  Obj root(root_json, "", diag);
  std::vector<Product> out;
  check_format_version(root);
  std::set<std::string> source_ids;
  std::vector<Source> sources;
  for (const auto& [j, ptr] : elements(root.array("sources"), root.at("sources"))) {
    Obj s(*j, ptr, diag);
    Source src = detail::read_citation(s);
    if (!src.id.empty() && !source_ids.insert(src.id).second) {
      diag.add("rules.duplicate_id", s.at("id"), "source id \"" + src.id + "\" is used twice");
    }
    sources.push_back(std::move(src));
  }
  const std::vector<Market> markets = read_markets(root, diag);
  auto check_source = [&](const Provenance& from, const std::string& where) {
    if (!from.source_id.empty() && !source_ids.count(from.source_id)) {
      diag.add("rules.unknown_source", where,
               "source \"" + from.source_id + "\" is not listed in /sources");
    }
  };
  std::set<std::string> ids;
  for (const auto& [j, ptr] : elements(root.array("products"), root.at("products"))) {
    Obj p(*j, ptr, diag);
    Product prod;
    prod.id = p.string("id").value_or("");
    if (!prod.id.empty() && !ids.insert(prod.id).second) {
      diag.add("rules.duplicate_id", p.at("id"), "product id \"" + prod.id + "\" is used twice");
    }
    prod.drug = p.string("drug").value_or("");
    prod.variant = p.string("variant", false).value_or("");
    if (prod.drug == "cyclosporine" && prod.variant != "modified" &&
        prod.variant != "non-modified") {
      diag.add("rules.bad_value", p.at("variant"),
               "a cycloSPORINE product must say \"modified\" or \"non-modified\"");
    }
    const std::string form = p.string("form").value_or("");
    static const std::pair<const char*, Product::Form> kForms[] = {
        {"capsule", Product::Form::capsule},
        {"tablet", Product::Form::tablet},
        {"oral_solution", Product::Form::oral_solution},
        {"iv_vial", Product::Form::iv_vial},
        {"cells", Product::Form::cells}};
    bool known_form = false;
    for (const auto& [name, f] : kForms) {
      if (form == name) {
        prod.form = f;
        known_form = true;
      }
    }
    if (!known_form && !form.empty()) {
      diag.add("rules.bad_value", p.at("form"),
               "\"" + form +
                   "\" is not a form; expected capsule, tablet, oral_solution, iv_vial or cells");
    }
    prod.name = p.text("name");
    if (!prod.name.en.empty() && tall_man(prod.name.en) != prod.name.en) {
      diag.add("rules.tall_man", p.at("name") + "/en",
               "write \"" + tall_man(prod.name.en) + "\" (Tall Man letters, FDA/ISMP), not \"" +
                   prod.name.en + "\"");
    }
    for (const auto& [m, mptr] : elements(p.array("market_names", false), p.at("market_names"))) {
      if (m->is_string()) {
        prod.market_names.push_back(m->get<std::string>());
      } else {
        diag.add("rules.wrong_type", mptr, "expected a name");
      }
    }
    if (prod.form == Product::Form::cells) {
      // Cells are counted, not weighed: no strengths, no rounding.
    } else if (prod.is_solid() || prod.form == Product::Form::iv_vial) {
      for (const auto& [s, sptr] : elements(p.array("strengths_mg"), p.at("strengths_mg"))) {
        if (!s->is_number() || s->get<double>() <= 0) {
          diag.add("rules.bad_value", sptr, "a strength is a number of mg greater than 0");
          continue;
        }
        prod.strengths.push_back(milligrams(s->get<double>()));
      }
      std::sort(prod.strengths.begin(), prod.strengths.end());
      if (prod.strengths.empty() && p.has("strengths_mg")) {
        diag.add("rules.bad_value", p.at("strengths_mg"), "list at least one strength");
      }
      if (prod.form == Product::Form::iv_vial) {
        if (auto step = p.object("rounding_step_mg")) {
          const auto v = step->number("value");
          if (v && *v > 0) {
            prod.rounding_step = milligrams(*v);
          } else if (v) {
            diag.add("rules.bad_value", step->at("value"), "must be greater than 0");
          }
          prod.rounding_step_from = step->provenance();
          check_source(prod.rounding_step_from, step->at("source"));
          step->finish();
        }
      }
    } else {
      if (const auto c = p.number("concentration_mg_per_mL"); c && *c > 0) {
        prod.concentration = milligrams(*c) / millilitres(1);
      } else if (c) {
        diag.add("rules.bad_value", p.at("concentration_mg_per_mL"), "must be greater than 0");
      }
      if (auto step = p.object("volume_step_mL")) {
        const auto v = step->number("value");
        if (v && *v > 0) {
          prod.volume_step = millilitres(*v);
        } else if (v) {
          diag.add("rules.bad_value", step->at("value"), "must be greater than 0");
        }
        prod.volume_step_from = step->provenance();
        check_source(prod.volume_step_from, step->at("source"));
        step->finish();
      }
    }
    if (prod.is_solid() || prod.form == Product::Form::iv_vial) {
      read_market_limits(p, prod, markets, check_source);
    }
    prod.from = p.provenance();
    check_source(prod.from, p.at("source"));
    p.finish();
    attach_sources(prod, sources);
    out.push_back(std::move(prod));
  }
  root.finish();
  if (!diag.ok()) fail(diag);
  return {std::move(out), markets, std::move(sources)};
}

std::vector<LabTest> parse_labs(std::string_view json_text, const std::string& file) {
  return parse_lab_catalog(json_text, file).tests;
}

LabCatalog parse_lab_catalog(std::string_view json_text, const std::string& file) {
  Diagnostics diag(file);
  const json root_json = detail::parse_json(json_text, diag);
  if (!diag.ok()) fail(diag);
  Obj root(root_json, "", diag);
  check_format_version(root);
  Source source;
  if (auto src = root.object("source")) source = detail::read_citation(*src, false, false);
  std::vector<LabTest> out;
  std::set<std::string> ids;
  for (const auto& [j, ptr] : elements(root.array("tests"), root.at("tests"))) {
    Obj t(*j, ptr, diag);
    LabTest lab;
    lab.id = t.string("id").value_or("");
    if (!lab.id.empty() && !ids.insert(lab.id).second) {
      diag.add("rules.duplicate_id", t.at("id"), "test id \"" + lab.id + "\" is used twice");
    }
    lab.name = t.text("name");
    lab.kind = t.string("kind", false).value_or("lab");
    if (lab.kind != "lab" && lab.kind != "vital" && lab.kind != "assessment") {
      diag.add("rules.bad_value", t.at("kind"), "expected lab, vital or assessment");
    }
    lab.loinc = t.string("loinc", lab.kind != "assessment").value_or("");
    lab.loinc_from_project = t.boolean("loinc_from_project", false).value_or(false);
    lab.loinc_molar = t.string("loinc_molar", false).value_or("");
    for (const auto& [u, uptr] : elements(t.array("units"), t.at("units"))) {
      if (u->is_string()) {
        lab.units.push_back(u->get<std::string>());
      } else {
        diag.add("rules.wrong_type", uptr, "expected a UCUM unit");
      }
    }
    t.finish();
    out.push_back(std::move(lab));
  }
  root.finish();
  if (!diag.ok()) fail(diag);
  return {std::move(out), std::move(source)};
}

std::vector<Problem> check_rule_set(const RuleSet& rules) {
  std::vector<Problem> out;
  for (const Regimen& r : rules.regimens) {
    Diagnostics diag(r.file);
    std::set<std::string> variants;
    for (std::size_t i = 0; i < r.products.size(); ++i) {
      const std::string ptr = "/products/" + std::to_string(i);
      const Product* p = rules.find_product(r.products[i]);
      if (!p) {
        diag.add("rules.unknown_product", ptr,
                 "product \"" + r.products[i] + "\" is not in products.json");
        continue;
      }
      if (p->drug != r.drug.id) {
        diag.add("rules.product_drug_mismatch", ptr,
                 "product \"" + p->id + "\" is " + p->drug + ", not " + r.drug.id);
      }
      if (!p->variant.empty()) variants.insert(p->variant);
      // A plan lists the regimen's citations and the product's under their ids: one id, one
      // citation.
      for (const Source& ps : p->sources) {
        const Source* mine = r.find_source(ps.id);
        if (mine && (mine->document_id != ps.document_id || mine->section != ps.section ||
                     mine->quote != ps.quote)) {
          diag.add("rules.duplicate_id", "/sources",
                   "source id \"" + ps.id + "\" is another citation in products.json (product \"" +
                       p->id + "\"): give one of them another id");
        }
      }
    }
    if (r.drug.id == "cyclosporine" && variants.count("modified") &&
        variants.count("non-modified")) {
      diag.add("rules.mixed_cyclosporine", "/products",
               "modified and non-modified cycloSPORINE are not interchangeable and may not be "
               "listed in one regimen");
    }
    for (std::size_t i = 0; i < r.lab_rules.size(); ++i) {
      const LabRule& rule = r.lab_rules[i];
      const LabTest* lab = rules.find_lab(rule.test);
      if (!lab) {
        diag.add("rules.unknown_test", "/lab_rules/" + std::to_string(i) + "/test",
                 "test \"" + rule.test + "\" is not in labs.json");
      } else if (!rule.unit.empty() && !lab->units.empty() &&
                 std::find(lab->units.begin(), lab->units.end(), rule.unit) == lab->units.end()) {
        std::string known;
        for (const std::string& u : lab->units) known += (known.empty() ? "" : ", ") + u;
        diag.add("rules.bad_unit", "/lab_rules/" + std::to_string(i) + "/condition/unit",
                 "\"" + rule.unit + "\" is not a unit of " + rule.test + " in labs.json (" + known +
                     ")");
      }
    }
    for (std::size_t i = 0; i < r.monitoring.size(); ++i) {
      for (std::size_t k = 0; k < r.monitoring[i].tests.size(); ++k) {
        if (!rules.find_lab(r.monitoring[i].tests[k])) {
          diag.add("rules.unknown_test",
                   "/monitoring/items/" + std::to_string(i) + "/tests/" + std::to_string(k),
                   "test \"" + r.monitoring[i].tests[k] + "\" is not in labs.json");
        }
      }
    }
    for (Problem& p : diag.problems()) out.push_back(std::move(p));
  }
  return out;
}

}  // namespace doseplan
