// Reading products.json (markets, products with their strengths, steps and market limits) and
// labs.json. See src/rules/rules_readers.hpp for the other readers, docs/rules.md for the format.
#include <algorithm>
#include <functional>
#include <set>

#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/rules.hpp"
#include "rules/json_reader.hpp"
#include "rules/rules_readers.hpp"
#include "rules/rules_sources.hpp"

namespace doseplan {

using detail::check_format_version;
using detail::check_tall_man;
using detail::Diagnostics;
using detail::elements;
using detail::fail;
using detail::json;
using detail::Obj;

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
                 src.id == prod.rounding_step_from.source_id || src.id == prod.pack_from.source_id;
    for (const MarketLimit& m : prod.market_limited) named = named || src.id == m.from.source_id;
    if (named && !src.id.empty()) prod.sources.push_back(src);
  }
}

// Reports a provenance whose source the file's `sources` do not list; `where` is its pointer.
using SourceCheck = std::function<void(const Provenance&, const std::string&)>;

// The file's `sources`, their ids unique (added to `source_ids`).
std::vector<Source> read_product_sources(Obj& root, std::set<std::string>& source_ids) {
  Diagnostics& diag = root.diag();
  std::vector<Source> sources;
  for (const auto& [j, ptr] : elements(root.array("sources"), root.at("sources"))) {
    Obj s(*j, ptr, diag);
    Source src = detail::read_citation(s);
    if (!src.id.empty() && !source_ids.insert(src.id).second) {
      diag.add("rules.duplicate_id", s.at("id"), "source id \"" + src.id + "\" is used twice");
    }
    sources.push_back(std::move(src));
  }
  return sources;
}

// A product's `form`: capsule, tablet, oral_solution, iv_vial or cells.
void read_form(Obj& p, Product& prod) {
  Diagnostics& diag = p.diag();
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
}

// The pack as sold, when the rules give one: "pack_count" (solids: units of each strength in a
// pack) or "pack_mL" (solutions: mL in a bottle), each {value, source | project_default}.
void read_pack(Obj& p, Product& prod, const SourceCheck& check_source) {
  Diagnostics& diag = p.diag();
  const char* key = prod.is_solid() ? "pack_count" : "pack_mL";
  if (!prod.is_oral()) return;
  auto pack = p.object(key, false);
  if (!pack) return;
  const auto v = pack->number("value");
  if (v && *v > 0 && (!prod.is_solid() || *v == static_cast<int>(*v))) {
    if (prod.is_solid()) {
      prod.pack_count = static_cast<int>(*v);
    } else {
      prod.pack_volume = millilitres(*v);
    }
  } else if (v) {
    diag.add("rules.bad_value", pack->at("value"),
             prod.is_solid() ? "must be a whole number greater than 0" : "must be greater than 0");
  }
  prod.pack_from = pack->provenance();
  check_source(prod.pack_from, pack->at("source"));
  pack->finish();
}

// A product's amounts: the strengths of a solid or a vial (and a vial's rounding step), or the
// concentration and measurable volume of a solution; none for cells.
void read_amounts(Obj& p, Product& prod, const SourceCheck& check_source) {
  Diagnostics& diag = p.diag();
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
  read_pack(p, prod, check_source);
}

// One product: its id (unique among `ids`), drug and variant, form, name and market names, its
// amounts, its market limits (checked against `markets`) and provenance.
Product read_product(Obj& p, std::set<std::string>& ids, const std::vector<Market>& markets,
                     const SourceCheck& check_source) {
  Diagnostics& diag = p.diag();
  Product prod;
  prod.id = p.string("id").value_or("");
  if (!prod.id.empty() && !ids.insert(prod.id).second) {
    diag.add("rules.duplicate_id", p.at("id"), "product id \"" + prod.id + "\" is used twice");
  }
  prod.drug = p.string("drug").value_or("");
  prod.variant = p.string("variant", false).value_or("");
  if (prod.drug == "cyclosporine" && prod.variant != "modified" && prod.variant != "non-modified") {
    diag.add("rules.bad_value", p.at("variant"),
             "a cycloSPORINE product must say \"modified\" or \"non-modified\"");
  }
  read_form(p, prod);
  prod.name = p.text("name");
  check_tall_man(diag, p.at("name") + "/en", prod.name.en);
  for (const auto& [m, mptr] : elements(p.array("market_names", false), p.at("market_names"))) {
    if (m->is_string()) {
      prod.market_names.push_back(m->get<std::string>());
    } else {
      diag.add("rules.wrong_type", mptr, "expected a name");
    }
  }
  read_amounts(p, prod, check_source);
  if (prod.is_solid() || prod.form == Product::Form::iv_vial) {
    read_market_limits(p, prod, markets, check_source);
  }
  prod.from = p.provenance();
  check_source(prod.from, p.at("source"));
  p.finish();
  return prod;
}

}  // namespace

std::vector<Product> parse_products(std::string_view json_text, const std::string& file) {
  return parse_product_catalog(json_text, file).products;
}

ProductCatalog parse_product_catalog(std::string_view json_text, const std::string& file) {
  Diagnostics diag(file);
  const json root_json = detail::parse_json(json_text, diag);
  if (!diag.ok()) fail(diag);
  Obj root(root_json, "", diag);
  std::vector<Product> out;
  check_format_version(root);
  std::set<std::string> source_ids;
  std::vector<Source> sources = read_product_sources(root, source_ids);
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
    Product prod = read_product(p, ids, markets, check_source);
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
    check_tall_man(diag, t.at("name") + "/en", lab.name.en);
    lab.kind = t.string("kind", false).value_or("lab");
    if (lab.kind != "lab" && lab.kind != "vital" && lab.kind != "assessment") {
      diag.add("rules.bad_value", t.at("kind"), "expected lab, vital or assessment");
    }
    lab.loinc = t.string("loinc", lab.kind != "assessment").value_or("");
    lab.loinc_from_project = t.boolean("loinc_from_project", false).value_or(false);
    lab.loinc_molar = t.string("loinc_molar", false).value_or("");
    detail::read_lab_units(t, lab);
    t.finish();
    out.push_back(std::move(lab));
  }
  root.finish();
  if (!diag.ok()) fail(diag);
  return {std::move(out), std::move(source)};
}

}  // namespace doseplan
