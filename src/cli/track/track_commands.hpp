// The run function of each `doseplan track` subcommand: each reads the parsed options (`State`),
// writes its output, and returns the exit code; bad input is thrown as doseplan::Error (reported
// by main(), exit 2), and nothing is stored when a command fails.
#ifndef DOSEPLAN_CLI_TRACK_COMMANDS_HPP_
#define DOSEPLAN_CLI_TRACK_COMMANDS_HPP_

#include "cli/track/track_common.hpp"

namespace doseplan::cli::track {

// track_store.cpp: the subcommands that change the store.
int run_start(State& s);
int run_record(State& s);
int run_done(State& s);
int run_entered_in_error(State& s);

// track_due.cpp
int run_due(State& s);

// track_views.cpp: the subcommands that read a patient or the store.
int run_history(State& s);
int run_advise(State& s);
int run_export(State& s);
int run_patients(State& s);

}  // namespace doseplan::cli::track

#endif  // DOSEPLAN_CLI_TRACK_COMMANDS_HPP_
