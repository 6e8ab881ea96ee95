// Reading and checking the rules: parse_regimen (a regimen file, read by RegimenReader) and the
// checks between files (check_rule_set: products and tests a regimen names). The readers, one
// file per section, are listed in src/rules/rules_readers.hpp; docs/rules.md gives the format and
// docs/errors.md every problem id.
#include <algorithm>
#include <set>

#include "doseplan/rules.hpp"
#include "rules/json_reader.hpp"
#include "rules/rules_readers.hpp"

namespace doseplan {

using detail::Diagnostics;
using detail::fail;
using detail::json;
using detail::RegimenReader;

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
