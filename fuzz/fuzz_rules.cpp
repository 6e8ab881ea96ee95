// doseplan fuzz target "rules": the rules loader on arbitrary text.
//
// Every input is given to all three parsers (parse_regimen, parse_products, parse_labs), so the
// corpus stays plain JSON files. A text that one of them accepts goes further, as load_rules and
// `doseplan check-rules` would take it:
//   a regimen  -> check_rule_set() with the shipped and the test products and labs; when that finds
//                 nothing, check_test_cases() (plans every golden case the file carries) and one
//                 plan for a plain request, rendered as text, JSON and CSV;
//   products / labs -> check_rule_set() with the shipped regimens.
// A doseplan::Error is an expected outcome. Anything else (another exception, a crash, a
// sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doseplan/doseplan.hpp"

#ifndef DOSEPLAN_FUZZ_RULES_DIR
#error "DOSEPLAN_FUZZ_RULES_DIR (the shipped rules directory) must be defined"
#endif
#ifndef DOSEPLAN_FUZZ_TEST_RULES_DIR
#error "DOSEPLAN_FUZZ_TEST_RULES_DIR (tests/data/rules) must be defined"
#endif

namespace {

constexpr std::size_t kMaxInput = 64 * 1024;

// DOSEPLAN_FUZZ_VERBOSE=1 (with the replay build) prints the outcome of each input.
bool verbose() {
  static const bool on = std::getenv("DOSEPLAN_FUZZ_VERBOSE") != nullptr;
  return on;
}

void say(const char* stage, const doseplan::Error& e) {
  if (verbose()) {
    std::fprintf(stderr, "  %s: %zu problems, first %s\n", stage, e.problems().size(),
                 e.problems().front().to_string().c_str());
  }
}

template <class T>
void add_missing(std::vector<T>& to, const std::vector<T>& from) {
  for (const T& item : from) {
    bool present = false;
    for (const T& have : to) present = present || have.id == item.id;
    if (!present) to.push_back(item);
  }
}

// The shipped rules with the test products and labs added (loaded once).
const doseplan::RuleSet& base_rules() {
  static const doseplan::RuleSet rules = [] {
    try {
      doseplan::RuleSet r = doseplan::load_rules(DOSEPLAN_FUZZ_RULES_DIR);
      const doseplan::RuleSet test = doseplan::load_rules(DOSEPLAN_FUZZ_TEST_RULES_DIR);
      add_missing(r.products, test.products);
      add_missing(r.labs, test.labs);
      return r;
    } catch (const doseplan::Error& e) {
      std::fprintf(stderr, "fuzz_rules: cannot load the rules: %s\n", e.what());
      std::abort();
    }
  }();
  return rules;
}

void plan_with(const doseplan::RuleSet& rules, const doseplan::Regimen& regimen) {
  const std::vector<doseplan::Problem> between = doseplan::check_rule_set(rules);
  if (!between.empty()) {
    if (verbose()) std::fprintf(stderr, "  regimen: check_rule_set: %s\n", between.front().to_string().c_str());
    return;
  }
  const std::vector<doseplan::Problem> golden = doseplan::check_test_cases(rules);
  if (verbose()) {
    std::fprintf(stderr, "  regimen %s: %d golden cases, %zu problems\n", regimen.id.c_str(),
                 doseplan::count_test_cases(rules), golden.size());
  }
  doseplan::PlanRequest q;
  q.regimen_id = regimen.id;
  q.weight = doseplan::kilograms(62);
  q.height = doseplan::centimetres(165);
  q.age_years = 45;
  q.sex = doseplan::Sex::female;
  q.start = doseplan::parse_date("2026-12-01");
  try {
    const doseplan::Plan plan = doseplan::make_plan(rules, q);
    (void)doseplan::render_text(plan, true);
    (void)doseplan::render_json(plan);
    (void)doseplan::render_csv(plan);
    if (verbose()) std::fprintf(stderr, "  plan: %zu phase rows, %zu visits\n", plan.phases.size(), plan.visits.size());
  } catch (const doseplan::Error& e) {
    say("plan", e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return -1;  // not added to the corpus
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const doseplan::RuleSet& base = base_rules();

  try {
    doseplan::Regimen regimen = doseplan::parse_regimen(text, "fuzz.json");
    doseplan::RuleSet rules;
    rules.directory = "fuzz";
    rules.products = base.products;
    rules.labs = base.labs;
    rules.regimens.push_back(std::move(regimen));
    plan_with(rules, rules.regimens.front());
  } catch (const doseplan::Error& e) {
    say("parse_regimen", e);
  }

  try {
    std::vector<doseplan::Product> products = doseplan::parse_products(text, "products.json");
    doseplan::RuleSet rules = base;
    rules.products = std::move(products);
    const auto between = doseplan::check_rule_set(rules);
    if (verbose()) std::fprintf(stderr, "  products: %zu, check_rule_set: %zu problems\n", rules.products.size(), between.size());
  } catch (const doseplan::Error& e) {
    say("parse_products", e);
  }

  try {
    std::vector<doseplan::LabTest> labs = doseplan::parse_labs(text, "labs.json");
    doseplan::RuleSet rules = base;
    rules.labs = std::move(labs);
    const auto between = doseplan::check_rule_set(rules);
    if (verbose()) std::fprintf(stderr, "  labs: %zu, check_rule_set: %zu problems\n", rules.labs.size(), between.size());
  } catch (const doseplan::Error& e) {
    say("parse_labs", e);
  }
  return 0;
}
