// doseplan fuzz target "request": a plan request (JSON, as `doseplan plan --input FILE` reads it)
// through the whole pipeline against the shipped rules:
//   parse_plan_request -> make_plan -> render_text (plain, and --explain in zh-CN),
//   render_json, render_csv.
// The rules are loaded once from the source tree (DOSEPLAN_FUZZ_RULES_DIR). A doseplan::Error is
// an expected outcome. Anything else (another exception, a crash, a sanitizer report) is a
// finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "doseplan/doseplan.hpp"

#ifndef DOSEPLAN_FUZZ_RULES_DIR
#error "DOSEPLAN_FUZZ_RULES_DIR (the shipped rules directory) must be defined"
#endif

namespace {

constexpr std::size_t kMaxInput = 64 * 1024;

// DOSEPLAN_FUZZ_VERBOSE=1 (with the replay build) prints the outcome of each input.
bool verbose() {
  static const bool on = std::getenv("DOSEPLAN_FUZZ_VERBOSE") != nullptr;
  return on;
}

const doseplan::RuleSet& shipped_rules() {
  static const doseplan::RuleSet rules = [] {
    try {
      return doseplan::load_rules(DOSEPLAN_FUZZ_RULES_DIR);
    } catch (const doseplan::Error& e) {
      std::fprintf(stderr, "fuzz_request: cannot load the rules: %s\n", e.what());
      std::abort();
    }
  }();
  return rules;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return -1;  // not added to the corpus
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const doseplan::RuleSet& rules = shipped_rules();
  try {
    const doseplan::PlanRequest request = doseplan::parse_plan_request(text, "request.json");
    const doseplan::Plan plan = doseplan::make_plan(rules, request);
    (void)doseplan::render_text(plan);
    (void)doseplan::render_text(plan, true, doseplan::Lang::zh_CN);
    (void)doseplan::render_json(plan, -1);
    (void)doseplan::render_json(plan);
    (void)doseplan::render_csv(plan);
    if (verbose()) {
      std::fprintf(stderr, "  plan: %s, %zu phase rows, %zu visits\n", plan.regimen.id.c_str(),
                   plan.phases.size(), plan.visits.size());
    }
  } catch (const doseplan::Error& e) {
    if (verbose()) std::fprintf(stderr, "  error: %s\n", e.problems().front().to_string().c_str());
  }
  return 0;
}
