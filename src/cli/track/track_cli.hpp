// The `doseplan track` subcommands (src/cli/track/track_cli.cpp and the files beside it).
#ifndef DOSEPLAN_CLI_TRACK_CLI_HPP_
#define DOSEPLAN_CLI_TRACK_CLI_HPP_

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>

namespace doseplan::cli {

// Adds `track` and its subcommands to `app`. Returns a function that runs whichever track
// subcommand was parsed (returning the exit code, throwing doseplan::Error for bad input), or
// nothing when `track` was not given. `rules_dir` is the global --rules option.
std::function<std::optional<int>()> add_track_commands(CLI::App& app,
                                                       const std::optional<std::string>& rules_dir);

}  // namespace doseplan::cli

#endif  // DOSEPLAN_CLI_TRACK_CLI_HPP_
