// Parsing and checking rules files: regimens, products, labs. See docs/rules.md for the format
// and docs/errors.md for every problem id reported here.
#include <algorithm>
#include <numeric>
#include <set>

#include "doseplan/rules.hpp"
#include "json_reader.hpp"

namespace doseplan {
namespace {

using detail::Diagnostics;
using detail::elements;
using detail::json;
using detail::Obj;

constexpr int kFormatVersion = 1;
const std::set<std::string, std::less<>> kEvidenceLevels = {"label", "guideline", "trial",
                                                            "case series", "experimental"};

void check_format_version(Obj& root) {
  if (const auto v = root.integer("format_version"); v && *v != kFormatVersion) {
    root.diag().add("rules.format_version", root.at("format_version"),
                    "this doseplan reads format version " + std::to_string(kFormatVersion) +
                        ", found " + std::to_string(*v));
  }
}

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
  std::optional<DoseRate> dose_rate(Obj& o, std::string_view key) {
    const auto unit = o.string("unit");
    if (unit && *unit != "mg/kg/d") {
      diag_.add("rules.bad_unit", o.at("unit"), "expected \"mg/kg/d\", found \"" + *unit + "\"");
    }
    const auto v = o.number(key);
    if (!v) return std::nullopt;
    if (*v <= 0) {
      diag_.add("rules.bad_value", o.at(key), "a dose must be greater than 0");
      return std::nullopt;
    }
    return mg_per_kg_per_day(*v);
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
  void read_sources(Obj& root, Regimen& r);
  void read_dose(Obj& root, Regimen& r);
  void read_phases(Obj& root, Regimen& r);
  void read_monitoring(Obj& root, Regimen& r);
  void read_warnings(Obj& root, Regimen& r);
  void check_sources(const Regimen& r);

  Diagnostics& diag_;
  std::vector<std::pair<std::string, Provenance>> refs_;
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
        } catch (const Error& e) {
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
  read_monitoring(root, r);
  read_warnings(root, r);
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
    Source src;
    src.id = s.string("id").value_or("");
    src.citation = s.string("citation").value_or("");
    src.location = s.string("location").value_or("");
    src.quote = s.string("quote").value_or("");
    s.finish();
    if (!src.id.empty() && !ids.insert(src.id).second) {
      diag_.add("rules.duplicate_id", s.at("id"), "source id \"" + src.id + "\" is used twice");
    }
    r.sources.push_back(std::move(src));
  }
}

void RegimenReader::read_dose(Obj& root, Regimen& r) {
  auto dose = root.object("dose");
  if (!dose) return;
  DoseRule& d = r.dose;
  if (const auto basis = dose->string("basis"); basis && *basis != "per_kg_per_day") {
    diag_.add(
        "rules.bad_value", dose->at("basis"),
        "\"" + *basis + "\" is not a dose basis this version supports; expected per_kg_per_day");
  }
  if (const auto unit = dose->string("unit"); unit && *unit != "mg/kg/d") {
    diag_.add("rules.bad_unit", dose->at("unit"), "expected \"mg/kg/d\", found \"" + *unit + "\"");
  }
  bool range_ok = false;
  if (auto range = dose->object("range")) {
    const auto lo = range->number("min");
    const auto hi = range->number("max");
    d.range_from = provenance(*range);
    range->finish();
    if (lo && hi) {
      if (*lo <= 0 || *lo > *hi) {
        diag_.add("rules.range_order", range->pointer(), "expected 0 < min <= max");
      } else {
        d.min = mg_per_kg_per_day(*lo);
        d.max = mg_per_kg_per_day(*hi);
        range_ok = true;
      }
    }
  }
  if (auto def = dose->object("default")) {
    const auto v = def->number("value");
    d.default_dose.from = provenance(*def);
    def->finish();
    if (v) {
      d.default_dose.value = mg_per_kg_per_day(*v);
      if (range_ok && (d.default_dose.value < d.min || d.default_dose.value > d.max)) {
        diag_.add("rules.default_outside_range", def->at("value"),
                  "the default dose lies outside the dose range");
      }
    }
  }
  bool dpd_ok = false;
  if (auto dpd = dose->object("doses_per_day")) {
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
  if (auto def = dose->object("default_doses_per_day")) {
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
  for (auto [key, target] :
       {std::pair{"rounding", &d.rounding_from}, std::pair{"uneven_split", &d.uneven_split_from}}) {
    if (auto o = dose->object(key)) {
      *target = provenance(*o);
      o->finish();
    }
  }
  dose->finish();
}

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
    if (kind == "chosen_dose") {
      ph.kind = PhaseRule::Kind::chosen_dose;
    } else if (kind == "taper") {
      ph.kind = PhaseRule::Kind::taper;
    } else if (kind == "fixed_dose") {
      ph.kind = PhaseRule::Kind::fixed_dose;
    } else if (!kind.empty()) {
      diag_.add("rules.bad_value", p.at("kind"),
                "\"" + kind + "\" is not a phase kind; expected chosen_dose, taper or fixed_dose");
    }
    if (p.has("note")) ph.note = p.text("note");
    if (ph.kind == PhaseRule::Kind::taper) {
      if (auto step = p.object("step")) {
        ph.step.value = dose_rate(*step, "value").value_or(DoseRate{});
        ph.step.from = provenance(*step);
        step->finish();
      }
      ph.every = sourced_span(p, "every");
    } else {
      if (ph.kind == PhaseRule::Kind::fixed_dose) {
        if (auto level = p.object("level")) {
          ph.level.value = dose_rate(*level, "value").value_or(DoseRate{});
          ph.level.from = provenance(*level);
          level->finish();
        }
      }
      if (auto dur = p.object("duration")) {
        ph.min_duration = dur->span("min").value_or(Span{});
        ph.max_duration = dur->span("max").value_or(Span{});
        ph.duration_from = provenance(*dur);
        dur->finish();
      }
      ph.default_duration = sourced_span(p, "default_duration");
      const Date anchor = Date{date::year{2001} / 1 / 31};  // a month end: the hardest case
      const Span& v = ph.default_duration.value;
      if (ph.min_duration.count > 0 && ph.max_duration.count > 0 && v.count > 0) {
        if (span_less(ph.max_duration, ph.min_duration, anchor)) {
          diag_.add("rules.range_order", p.at("duration"), "expected min <= max");
        } else if (span_less(v, ph.min_duration, anchor) || span_less(ph.max_duration, v, anchor)) {
          diag_.add("rules.default_outside_range", p.at("default_duration") + "/value",
                    "the default duration lies outside the allowed duration");
        }
      }
    }
    p.finish();
    r.phases.push_back(std::move(ph));
  }
  // The shape of the course: a chosen-dose phase first; a taper only between two dosed phases,
  // ending at a fixed_dose phase.
  if (!r.phases.empty() && r.phases.front().kind != PhaseRule::Kind::chosen_dose) {
    diag_.add("rules.phase_order", root.at("phases") + "/0/kind",
              "the first phase must be the chosen_dose phase");
  }
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    if (r.phases[i].kind != PhaseRule::Kind::taper) continue;
    if (i == 0 || i + 1 >= r.phases.size() || r.phases[i + 1].kind != PhaseRule::Kind::fixed_dose) {
      diag_.add("rules.phase_order", root.at("phases") + "/" + std::to_string(i),
                "a taper must come after a dosed phase and before a fixed_dose phase it tapers to");
    }
  }
}

void RegimenReader::read_monitoring(Obj& root, Regimen& r) {
  auto mon = root.object("monitoring");
  if (!mon) return;
  r.baseline_spacing = sourced_span(*mon, "baseline_spacing");
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
    if (auto base = m.object("baseline_occasions")) {
      const auto n = base->integer("value");
      if (n && (*n < 0 || *n > 3)) {
        diag_.add("rules.bad_value", base->at("value"), "expected 0 to 3 baseline occasions");
      }
      rule.baseline_occasions.value = n.value_or(0);
      rule.baseline_occasions.from = provenance(*base);
      base->finish();
    }
    const json* intervals = m.array("intervals");
    const auto list = elements(intervals, m.at("intervals"));
    if (intervals && list.empty())
      diag_.add("rules.bad_value", m.at("intervals"), "list at least one interval");
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
    m.finish();
    r.monitoring.push_back(std::move(rule));
  }
  mon->finish();
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

std::vector<Product> parse_products(std::string_view json_text, const std::string& file) {
  Diagnostics diag(file);
  const json root_json = detail::parse_json(json_text, diag);
  if (!diag.ok()) fail(diag);
  Obj root(root_json, "", diag);
  std::vector<Product> out;
  check_format_version(root);
  std::set<std::string> source_ids;
  for (const auto& [j, ptr] : elements(root.array("sources"), root.at("sources"))) {
    Obj s(*j, ptr, diag);
    if (auto id = s.string("id"); id && !source_ids.insert(*id).second) {
      diag.add("rules.duplicate_id", s.at("id"), "source id \"" + *id + "\" is used twice");
    }
    s.string("citation");
    s.string("location");
    s.string("quote");
    s.finish();
  }
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
               "a cyclosporine product must say \"modified\" or \"non-modified\"");
    }
    const std::string form = p.string("form").value_or("");
    if (form == "capsule") {
      prod.form = Product::Form::capsule;
    } else if (form == "tablet") {
      prod.form = Product::Form::tablet;
    } else if (form == "oral_solution") {
      prod.form = Product::Form::oral_solution;
    } else if (!form.empty()) {
      diag.add("rules.bad_value", p.at("form"),
               "\"" + form + "\" is not a form; expected capsule, tablet or oral_solution");
    }
    prod.name = p.text("name");
    for (const auto& [m, mptr] : elements(p.array("market_names", false), p.at("market_names"))) {
      if (m->is_string()) prod.market_names.push_back(m->get<std::string>());
    }
    if (prod.is_solid()) {
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
    prod.from = p.provenance();
    check_source(prod.from, p.at("source"));
    p.finish();
    out.push_back(std::move(prod));
  }
  root.finish();
  if (!diag.ok()) fail(diag);
  return out;
}

std::vector<LabTest> parse_labs(std::string_view json_text, const std::string& file) {
  Diagnostics diag(file);
  const json root_json = detail::parse_json(json_text, diag);
  if (!diag.ok()) fail(diag);
  Obj root(root_json, "", diag);
  check_format_version(root);
  if (auto src = root.object("source")) {
    src->string("citation");
    src->string("location");
    src->finish();
  }
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
    lab.loinc = t.string("loinc").value_or("");
    for (const auto& [u, uptr] : elements(t.array("units"), t.at("units"))) {
      if (u->is_string()) lab.units.push_back(u->get<std::string>());
    }
    t.finish();
    out.push_back(std::move(lab));
  }
  root.finish();
  if (!diag.ok()) fail(diag);
  return out;
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
    }
    if (r.drug.id == "cyclosporine" && variants.count("modified") &&
        variants.count("non-modified")) {
      diag.add("rules.mixed_cyclosporine", "/products",
               "modified and non-modified cycloSPORINE are not interchangeable and may not be "
               "listed in one regimen");
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
