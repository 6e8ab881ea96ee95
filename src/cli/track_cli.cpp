// `doseplan track`: being written (issue 7).
#include "track_cli.hpp"

namespace doseplan::cli {

std::function<std::optional<int>()> add_track_commands(CLI::App& app,
                                                       const std::optional<std::string>&) {
  CLI::App* track = app.add_subcommand("track", "Patient monitoring tracker (not built yet)");
  return [track]() -> std::optional<int> {
    if (!track->parsed()) return std::nullopt;
    return 1;
  };
}

}  // namespace doseplan::cli
