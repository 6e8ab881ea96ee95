// The flags that describe a plan request, shared by `doseplan plan` and `doseplan track start`.
#ifndef DOSEPLAN_CLI_REQUEST_FLAGS_HPP_
#define DOSEPLAN_CLI_REQUEST_FLAGS_HPP_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "doseplan/plan.hpp"

namespace doseplan::cli {

struct RequestFlags {
  std::string input;  // a request file (--input); the flags override its values
  std::string regimen, weight, start, dose, product, market, induction, maintenance;
  std::optional<int> doses_per_day;
  std::vector<std::string> phase_durations;  // ID=SPAN
  std::vector<std::string> cycles;           // ID=N
  std::string taper_step, taper_every, height, birth_date, sex, creatinine;
  std::optional<double> age;
  bool acknowledge_off_label = false;
};

// Adds --input, --regimen, --weight, --start and every other request flag to `sub`.
void add_request_flags(CLI::App* sub, RequestFlags& f);
// Whether any of them was given.
bool any_request_flag(const RequestFlags& f);
// The request they describe: the file first, every flag given on top. Throws doseplan::Error
// (input.missing for a regimen, weight or start given nowhere).
PlanRequest to_request(const RequestFlags& f);

}  // namespace doseplan::cli

#endif  // DOSEPLAN_CLI_REQUEST_FLAGS_HPP_
