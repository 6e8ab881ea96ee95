// `doseplan track`: the patient monitoring tracker on the command line (docs/tracker.md).
//
//   track start     start tracking a patient (label) on a plan: the `plan` flags, --input
//                   REQUEST.json, or --plan PLAN.json written by `doseplan plan --format json`
//   track record    record a result: test, value with unit, date, optional --uln and --note
//   track done      mark a planned visit done
//   track entered-in-error
//                   mark a recorded result entered in error (kept, struck out, not used)
//   track due       visits overdue, due now, or opening within --within (default 14 days)
//   track history   a patient's results and visits
//   track advise    the regimen's lab rules judged on the recorded results (educational)
//   track export    the plan as a calendar (ics) or as stored (json)
//   track patients  the patients of the database
//
// This file wires the subcommands (CLI11); each runs in a file of its own concern:
//   track_store.cpp   start, record, done, entered-in-error (they change the store)
//   track_due.cpp     due
//   track_views.cpp   history, advise, export, patients
//   track_output.cpp  the JSON and text more than one of them writes
//   track_common.cpp  the date taken as today, the store, the rules, sentences
// Errors are thrown as doseplan::Error and reported by main() (exit 2); nothing is stored when a
// command fails.
#include "cli/track/track_cli.hpp"

#include <memory>

#include "cli/track/track_commands.hpp"

namespace doseplan::cli {
namespace {

using track::Common;
using track::State;

void add_db(CLI::App* sub, Common& c) {
  sub->add_option("--db", c.db,
                  "Tracker database: a file (default: $XDG_DATA_HOME/doseplan/tracker.db, else "
                  "~/.local/share/doseplan/tracker.db), or a PostgreSQL database "
                  "postgresql://USER@HOST:PORT/DBNAME (the password from ~/.pgpass or "
                  "$PGPASSFILE, never in the URL)");
}
void add_today(CLI::App* sub, Common& c) {
  sub->add_option("--today", c.today,
                  "The date taken as today, YYYY-MM-DD (default: the system date)");
}
void add_lang(CLI::App* sub, Common& c) {
  sub->add_option("--lang", c.lang, "Language: en or zh-CN");
}
void add_format(CLI::App* sub, Common& c) {
  sub->add_option("--format", c.format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
}

// The subcommands that change the store.
void add_store_commands(State& st) {
  st.start = st.track->add_subcommand("start", "Start tracking a patient (label) on a plan");
  st.start->add_option("--label", st.label, "Pseudonymous patient label, e.g. pt-01");
  st.start->add_option(
      "--plan", st.plan.plan_file,
      "A JSON plan written by `doseplan plan --format json` (instead of the flags)");
  add_request_flags(st.start, st.plan.request);
  add_db(st.start, st.c);
  add_today(st.start, st.c);
  add_lang(st.start, st.c);

  st.record = st.track->add_subcommand("record", "Record a result: test, value with unit, date");
  st.record->add_option("--label", st.label, "Patient label");
  st.record->add_option("--test", st.test, "Test id from rules/labs.json, e.g. creatinine");
  st.record->add_option("--value", st.value, "Value with unit: \"97 umol/L\", \"1.1 mg/dL\"");
  st.record->add_option("--date", st.date, "Date of the sample or reading, YYYY-MM-DD");
  st.record->add_option("--uln", st.uln, "Upper limit of normal from the report, with unit");
  st.record->add_option("--note", st.note, "A note (one line, up to 500 characters)");
  add_db(st.record, st.c);
  add_today(st.record, st.c);
  add_lang(st.record, st.c);

  st.done = st.track->add_subcommand("done", "Mark a planned visit done");
  st.done->add_option("--label", st.label, "Patient label");
  st.done->add_option("--visit", st.visit, "The planned date of the visit, YYYY-MM-DD");
  st.done->add_option("--on", st.on, "The date it was done (default: today)");
  st.done->add_option("--note", st.note, "A note (one line)");
  add_db(st.done, st.c);
  add_today(st.done, st.c);
  add_lang(st.done, st.c);

  st.in_error = st.track->add_subcommand(
      "entered-in-error", "Mark a recorded result entered in error (kept, struck out, not used)");
  st.in_error->add_option("--label", st.label, "Patient label");
  st.in_error->add_option("--result", st.result, "The result's # as history shows it, e.g. 12");
  st.in_error->add_option("--reason", st.reason, "Why (one line, kept with the mark)");
  add_db(st.in_error, st.c);
  add_today(st.in_error, st.c);
  add_lang(st.in_error, st.c);
}

// The subcommands that read the store.
void add_view_commands(State& st) {
  st.due = st.track->add_subcommand("due", "Visits overdue, due now or coming up");
  st.due->add_option("--label", st.label, "Patient label (default: every patient)");
  st.due->add_option("--within", st.within, "Look ahead this far: 14d, 2 weeks, 1 month");
  add_db(st.due, st.c);
  add_today(st.due, st.c);
  add_lang(st.due, st.c);
  add_format(st.due, st.c);

  st.history = st.track->add_subcommand("history", "A patient's results and visits");
  st.history->add_option("--label", st.label, "Patient label");
  st.history->add_option("--test", st.test, "Only this test");
  add_db(st.history, st.c);
  add_lang(st.history, st.c);
  add_format(st.history, st.c);

  st.advise = st.track->add_subcommand(
      "advise", "What the regimen's lab rules say about the recorded results (educational)");
  st.advise->add_option("--label", st.label, "Patient label");
  st.advise->add_option("--test", st.test, "Only the rules of this test");
  add_db(st.advise, st.c);
  add_today(st.advise, st.c);
  add_lang(st.advise, st.c);
  add_format(st.advise, st.c);

  st.exporter =
      st.track->add_subcommand("export", "The plan as a calendar (ics) or as stored (json)");
  st.exporter->add_option("--label", st.label, "Patient label");
  st.exporter->add_option("--format", st.c.format, "ics or json")
      ->check(CLI::IsMember({"ics", "json"}));
  st.exporter->add_option("--reminder", st.reminder,
                          "Calendar reminder, minutes before each visit (0: none; default 1440)");
  st.exporter->add_option("-o,--output", st.output, "Write to FILE (atomically) instead of stdout");
  add_db(st.exporter, st.c);
  add_lang(st.exporter, st.c);

  st.patients = st.track->add_subcommand("patients", "The patients of the database");
  add_db(st.patients, st.c);
  add_lang(st.patients, st.c);
  add_format(st.patients, st.c);
}

// Runs the subcommand that was parsed.
std::optional<int> run_parsed(State& x) {
  if (!x.track->parsed()) return std::nullopt;
  if (x.start->parsed()) return track::run_start(x);
  if (x.record->parsed()) return track::run_record(x);
  if (x.done->parsed()) return track::run_done(x);
  if (x.in_error->parsed()) return track::run_entered_in_error(x);
  if (x.due->parsed()) return track::run_due(x);
  if (x.history->parsed()) return track::run_history(x);
  if (x.advise->parsed()) return track::run_advise(x);
  if (x.exporter->parsed()) {
    if (x.c.format == "text") x.c.format = "ics";
    return track::run_export(x);
  }
  if (x.patients->parsed()) return track::run_patients(x);
  return 1;
}

}  // namespace

std::function<std::optional<int>()> add_track_commands(
    CLI::App& app, const std::optional<std::string>& rules_dir) {
  auto s = std::make_shared<State>();
  s->rules_dir = &rules_dir;
  s->track = app.add_subcommand(
      "track", "Patient monitoring tracker: record results, see what is due, educational advice");
  s->track->require_subcommand(1);
  add_store_commands(*s);
  add_view_commands(*s);
  return [s]() { return run_parsed(*s); };
}

}  // namespace doseplan::cli
