// `doseplan users` and `doseplan audit` (src/cli/users_cli.cpp).
#ifndef DOSEPLAN_CLI_USERS_CLI_HPP_
#define DOSEPLAN_CLI_USERS_CLI_HPP_

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>

namespace doseplan::cli {

// The exit code of `doseplan audit verify` when the chain is broken.
inline constexpr int kExitAuditBroken = 3;

// Adds `users` and `audit` to `app`. Returns a function that runs whichever was parsed (its exit
// code; doseplan::Error for bad input), or nothing when neither was given.
std::function<std::optional<int>()> add_users_commands(CLI::App& app);

}  // namespace doseplan::cli

#endif  // DOSEPLAN_CLI_USERS_CLI_HPP_
