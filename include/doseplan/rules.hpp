// doseplan — loading and checking the rules: regimens, products and the labs catalogue.
//
// A rules directory holds one JSON file per regimen (<id>.json), products.json, labs.json, the
// bibliography sources.json with the texts it ships in sources/, and catalogue.json (the rules'
// version). docs/rules.md describes every field. Loading reports every problem at once, each with
// the file name and the JSON pointer of the offending value, e.g.
//   rules/cyclosporine-itp.json:/dose/range/min: expected a number [rules.wrong_type]
#ifndef DOSEPLAN_RULES_HPP_
#define DOSEPLAN_RULES_HPP_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doseplan/error.hpp"
#include "doseplan/regimen.hpp"

namespace doseplan {

struct RuleSet {
  std::string directory;
  std::vector<Regimen> regimens;  // sorted by id
  std::vector<Product> products;
  std::vector<LabTest> labs;
  std::vector<Market> markets;          // from products.json: what PlanRequest::market may name
  std::vector<Source> product_sources;  // products.json's citations
  Source labs_source;                   // labs.json's citation (of the LOINC codes)
  std::vector<Document> documents;      // sources.json: every document cited, once
  std::string catalogue_version;        // catalogue.json "version"
  RulesStamp stamp;  // the version and the hash of every file read (each Regimen has its own)

  const Regimen* find_regimen(std::string_view id) const;
  // The regimen `id`, or Error input.unknown_regimen (field "regimen") listing the known ids.
  const Regimen& regimen(std::string_view id) const;
  const Product* find_product(std::string_view id) const;
  const Market* find_market(std::string_view id) const;
  const LabTest* find_lab(std::string_view id) const;
  const Document* find_document(std::string_view id) const;
};

// Which rules directory to use, in this order: `explicit_dir` (--rules), `env_dir`
// ($DOSEPLAN_RULES), the installed data directory, the source tree's rules/.
// Throws Error "rules.not_found" when none exists.
std::string find_rules_dir(const std::optional<std::string>& explicit_dir, const char* env_dir);

// Parse texts already read (tests use these with in-memory files). `file` names the text in
// messages. Each throws Error with every problem found. Cross-file checks (products and tests a
// regimen names) are done by check_rule_set().
Regimen parse_regimen(std::string_view json_text, const std::string& file);
std::vector<Product> parse_products(std::string_view json_text, const std::string& file);
// products.json whole: its products and its markets.
struct ProductCatalog {
  std::vector<Product> products;
  std::vector<Market> markets;
  std::vector<Source> sources;
};
ProductCatalog parse_product_catalog(std::string_view json_text, const std::string& file);
std::vector<LabTest> parse_labs(std::string_view json_text, const std::string& file);
// labs.json whole: its tests and the citation of their codes.
struct LabCatalog {
  std::vector<LabTest> tests;
  Source source;
};
LabCatalog parse_lab_catalog(std::string_view json_text, const std::string& file);
// sources.json: the documents. catalogue.json: the version.
std::vector<Document> parse_documents(std::string_view json_text, const std::string& file);
std::string parse_catalogue_version(std::string_view json_text, const std::string& file);

// Fills each citation's Document from `rules.documents`, and returns the problems: a citation of
// an unknown document, a shipped text (`location`) that is not a file inside the rules
// directory, a quote not found in the shipped text it cites (white space aside).
std::vector<Problem> attach_documents(RuleSet& rules);

// Problems between files: unknown product or test ids, a product of another drug, modified and
// non-modified cyclosporine in one regimen. Returns them (empty when all is well).
std::vector<Problem> check_rule_set(const RuleSet& rules);

// Converts the threshold (or low and high) of every lab rule with a unit to the canonical unit
// of its test (LabRule::low_value, high_value), once, and returns the problems: a unit doseplan
// does not know, a test without units, a unit of another dimension (a mass or molar unit when
// labs.json gives no molar mass). load_rules runs it after check_rule_set.
std::vector<Problem> convert_lab_rules(RuleSet& rules);

// Read and check a whole directory. Throws Error listing every problem in every file.
RuleSet load_rules(const std::string& directory);

// Only what a plan of `regimen_id` needs: products.json, labs.json, sources.json, catalogue.json
// and <regimen_id>.json, with
// the same checks (the checks between files on these three). A broken file of another regimen
// does not stop the plan (`check-rules` finds it). When there is no such file (or the id could
// name another path), loads everything as load_rules(), so an unknown regimen is reported with
// the list of those there are.
RuleSet load_rules_for(const std::string& directory, std::string_view regimen_id);

}  // namespace doseplan

#endif  // DOSEPLAN_RULES_HPP_
