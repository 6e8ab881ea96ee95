// doseplan — command line. Thin: parse flags (CLI11), call the library, choose a renderer, write
// the output, and turn errors into messages and exit codes in one place (main):
//   0 success · 1 unexpected internal error · 2 bad input, bad rules or bad usage.
// Data go to stdout (or -o FILE, written atomically); diagnostics go to stderr.
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/file_io.hpp"
#include "cli/pdf_module.hpp"
#include "cli/request_flags.hpp"
#include "cli/track/track_cli.hpp"
#include "cli/users_cli.hpp"
#include "doseplan/doseplan.hpp"
#include "doseplan/ics.hpp"
#include "doseplan/tracker.hpp"
#include "server/serve.hpp"

namespace {

namespace fs = std::filesystem;
using namespace doseplan;

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitBadInput = 2;

struct PlanOptions {
  cli::RequestFlags request;
  bool explain = false;
  std::string format = "text";
  std::string lang = "en";
  int reminder_minutes = 24 * 60;
  bool doses = false;  // ics: the oral doses too, a day an event
  std::string label;
  std::string output;
};

struct ListOptions {
  std::string id;
  std::string format = "text";
  std::string lang = "en";
  std::string output;
};

RuleSet load(const std::optional<std::string>& rules_dir) {
  return load_rules(find_rules_dir(rules_dir, std::getenv("DOSEPLAN_RULES")));
}

// The rules one regimen needs (its file, products, labs): a plan or `show` reads 3 files, not 13.
RuleSet load_for(const std::optional<std::string>& rules_dir, const std::string& regimen_id) {
  return load_rules_for(find_rules_dir(rules_dir, std::getenv("DOSEPLAN_RULES")), regimen_id);
}

int run_plan(const PlanOptions& o, const std::optional<std::string>& rules_dir) {
  cli::check_output_target(o.output, {o.request.input});
  PlanRequest q = cli::to_request(o.request);
  q.explain = o.explain;
  const Lang lang = parse_lang(o.lang);
  const RuleSet rules = load_for(rules_dir, q.regimen_id);
  const Plan plan = make_plan(rules, q);
  std::string out;
  if (o.format == "json") {
    out = render_json(plan);
  } else if (o.format == "csv") {
    out = render_csv(plan, lang);
  } else if (o.format == "ics") {
    IcsOptions ics;
    ics.lang = lang;
    ics.reminder_minutes_before = o.reminder_minutes;
    ics.patient_label = o.label;
    ics.doses = o.doses;
    out = render_ics(plan, ics);
  } else if (o.format == "fhir") {
    out = render_fhir(plan);
  } else if (o.format == "html") {
    out = render_html(plan, lang);
  } else if (o.format == "pdf") {
    out = cli::render_pdf_with_module(plan, lang);  // loaded only now (pdf_module.hpp)
  } else {
    out = render_text(plan, o.explain, lang);
  }
  cli::emit(out, o.output);
  return kExitOk;
}

int run_regimens(const ListOptions& o, const std::optional<std::string>& rules_dir) {
  cli::check_output_target(o.output, {});
  const Lang lang = parse_lang(o.lang);
  const RuleSet rules = load(rules_dir);
  cli::emit(
      o.format == "json" ? render_regimen_list_json(rules) : render_regimen_list_text(rules, lang),
      o.output);
  return kExitOk;
}

int run_show(const ListOptions& o, const std::optional<std::string>& rules_dir) {
  cli::check_output_target(o.output, {});
  const Lang lang = parse_lang(o.lang);
  const RuleSet rules = load_for(rules_dir, o.id);
  const Regimen& r = rules.regimen(o.id);
  cli::emit(
      o.format == "json" ? render_regimen_json(r, rules) : render_regimen_text(r, rules, lang),
      o.output);
  return kExitOk;
}

// Stages 1-3 in load_rules, stage 4 the golden cases; every problem is printed, exit 2 if any.
int run_check_rules(const std::string& dir_arg, const std::optional<std::string>& rules_dir) {
  const std::string dir = dir_arg.empty() ? find_rules_dir(rules_dir, std::getenv("DOSEPLAN_RULES"))
                                          : find_rules_dir(dir_arg, nullptr);
  const RuleSet rules = load_rules(dir);
  const std::vector<Problem> problems = check_test_cases(rules);
  if (!problems.empty()) throw Error(problems);
  std::cout << dir << ": " << rules.regimens.size() << " regimens, " << rules.products.size()
            << " products, " << rules.labs.size() << " tests, " << count_test_cases(rules)
            << " golden cases: no problems\n";
  return kExitOk;
}

constexpr int kMaxJobs = 64;

// JSON Lines in (a file or stdin), JSON Lines out; a summary on stderr; exit 2 if any line failed.
int run_batch_command(const std::string& input, const std::string& output, bool explain, int jobs,
                      const std::optional<std::string>& rules_dir) {
  if (jobs < 1 || jobs > kMaxJobs) {
    throw Error("input.out_of_range", "jobs",
                "--jobs " + std::to_string(jobs) + " is outside 1 to " + std::to_string(kMaxJobs) +
                    " (threads that plan the lines)",
                zh_detail("--jobs {n} is outside 1 to {max}: give the number of threads that plan "
                          "the lines.",
                          {{"n", std::to_string(jobs)}, {"max", std::to_string(kMaxJobs)}}));
  }
  cli::check_output_target(output, {input});
  const RuleSet rules = load(rules_dir);
  std::ifstream file;
  if (!input.empty() && input != "-") {
    file.open(input, std::ios::binary);
    if (!file) {
      throw Error("input.unreadable", "input", "cannot read \"" + input + "\"",
                  zh_detail("The file {path} can not be read: check its name and that you may "
                            "read it.",
                            {{"path", input}}));
    }
  }
  std::istream& in = file.is_open() ? static_cast<std::istream&>(file) : std::cin;
  // -o: each plan streams into the temporary file (memory stays bounded), renamed at the end.
  std::optional<cli::OutputFile> to_file;
  if (!output.empty() && output != "-") to_file.emplace(output);
  const BatchSummary s =
      run_batch(rules, in, to_file ? to_file->stream() : std::cout, explain, jobs);
  if (to_file) to_file->commit();
  cli::finish_stdout();  // before the summary: no "N plans" for plans that were never written
  std::cerr << "doseplan batch: " << s.lines << " lines, " << s.plans << " plans, " << s.errors
            << " refused\n";
  return s.errors == 0 ? kExitOk : kExitBadInput;
}

// Whether the command line asks for Chinese, read from argv so that errors met before or while
// the options are parsed are explained in Chinese too: --lang (or --lang=) with a value that
// parse_lang() reads as zh-CN (zh-CN, zh, zh_CN, zh-cn), or any other value starting with "zh"
// (zh-TW: refused, with the refusal in Chinese).
bool wants_chinese(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    std::string_view value;
    if (a.starts_with("--lang=")) {
      value = a.substr(7);
    } else if (a == "--lang" && i + 1 < argc) {
      value = argv[i + 1];
    } else {
      continue;
    }
    if (value.size() >= 2 && (value[0] == 'z' || value[0] == 'Z') &&
        (value[1] == 'h' || value[1] == 'H')) {
      return true;
    }
  }
  return false;
}

// The arguments CLI11 did not expect, in the order typed: its message lists them, sometimes in
// reverse ("not expected: zh-CN --lang"); each is found in argv. `listed` as it is when an item is
// not an argument of its own (an argument with a space in it).
std::string in_typed_order(const std::string& listed, int argc, char** argv) {
  std::vector<int> at;
  std::istringstream words(listed);
  for (std::string w; words >> w;) {
    int found = -1;
    for (int i = 1; i < argc && found < 0; ++i) {
      if (argv[i] == w && std::find(at.begin(), at.end(), i) == at.end()) found = i;
    }
    if (found < 0) return listed;
    at.push_back(found);
  }
  std::sort(at.begin(), at.end());
  std::string out;
  for (int i : at) out += (out.empty() ? "" : " ") + std::string(argv[i]);
  return out;
}

// A command-line error of CLI11 as a Problem: its English message (the unexpected arguments in
// the order typed), and a Chinese detail saying what was not understood and where to look.
Problem usage_problem(const CLI::ParseError& e, const CLI::App& app, int argc, char** argv) {
  std::string message = e.what();
  std::string help = "doseplan --help";
  for (const CLI::App* sub : app.get_subcommands(nullptr)) {
    if (sub->count() == 0) continue;
    help = "doseplan " + sub->get_name() + " --help";
    for (const CLI::App* inner : sub->get_subcommands(nullptr))
      if (inner->count() > 0)
        help = "doseplan " + sub->get_name() + " " + inner->get_name() + " --help";
  }
  const auto after = [&message](std::string_view head) -> std::optional<std::string> {
    if (!message.starts_with(head)) return std::nullopt;
    return message.substr(head.size());
  };
  std::string zh;
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    const std::size_t colon = message.find(": ");
    if (colon != std::string::npos) {
      const std::string args = in_typed_order(message.substr(colon + 2), argc, argv);
      message = message.substr(0, colon + 2) + args;
      zh = zh_detail(
          "These arguments are not understood here: {args}. See what the command "
          "accepts with {help}.",
          {{"args", args}, {"help", help}});
    }
  } else if (const auto conv = after("Could not convert: ")) {
    const std::size_t eq = conv->find(" = ");
    if (eq != std::string::npos) {
      zh = zh_detail(
          "The value {value} of {option} is not a number: write a number. See {help}.",
          {{"value", conv->substr(eq + 3)}, {"option", conv->substr(0, eq)}, {"help", help}});
    }
  } else if (message == "A subcommand is required") {
    zh = zh_detail("Give a command, e.g. doseplan plan; doseplan --help lists them.");
  } else if (const std::size_t not_in = message.find(" not in {");
             not_in != std::string::npos && message.find(": ") < not_in) {
    const std::size_t colon = message.find(": ");
    zh = zh_detail("The value {value} of {option} is not one doseplan knows: use one of {values}.",
                   {{"option", std::string_view(message).substr(0, colon)},
                    {"value", std::string_view(message).substr(colon + 2, not_in - colon - 2)},
                    {"values", std::string_view(message).substr(not_in + 8)}});
  } else if (message.find(": At Most 1 required but received ") != std::string::npos) {
    zh = zh_detail(
        "The option {option} is given more than once: give it once. See {help}.",
        {{"option", std::string_view(message).substr(0, message.find(": "))}, {"help", help}});
  } else if (const std::size_t missing = message.find(" required ");
             missing != std::string::npos && message.ends_with(" missing") &&
             message.find(": ") < missing) {
    zh = zh_detail(
        "The option {option} needs a value. See {help}.",
        {{"option", std::string_view(message).substr(0, message.find(": "))}, {"help", help}});
  }
  if (zh.empty()) {
    zh = zh_detail(
        "The command line is not one doseplan understands (the line above says why, "
        "in English). See {help}.",
        {{"help", help}});
  }
  return {"usage.invalid", "", message, zh};
}

// One line a problem: "doseplan: error: where: message [id]". In Chinese a second line gives the
// problem's Chinese detail (the value, the allowed range, the fix) where it has one, or else what
// the id means (docs/i18n.md).
// Printed through printable(): a Problem made here (not by Error, which escapes its own) may quote
// what was typed, control characters and all (CLI11's messages quote the arguments).
void report_problem(const Problem& p, bool chinese) {
  std::cerr << "doseplan: error: " << printable(p.to_string()) << "\n";
  if (!chinese) return;
  const std::string where = p.where.empty() ? "doseplan" : p.where;
  if (!p.message_zh.empty()) {
    std::cerr << printable(fill(tr(Lang::zh_CN, "doseplan: error: {detail} ({where}) [{id}]"),
                                {{"detail", p.message_zh}, {"where", where}, {"id", p.id}}))
              << "\n";
    return;
  }
  const std::string meaning = error_meaning(p.id);
  if (meaning.empty()) return;
  std::cerr << printable(
                   fill(tr(Lang::zh_CN,
                           "doseplan: error: {meaning} ({where}; the line above gives "
                           "the details in English) [{id}]"),
                        {{"meaning", tr(Lang::zh_CN, meaning)}, {"where", where}, {"id", p.id}}))
            << "\n";
}

void report(const Error& e, bool chinese) {
  for (const Problem& p : e.problems()) report_problem(p, chinese);
}

}  // namespace

// Long (about 100 lines) because it is the list of subcommands and their wiring, in the order
// `doseplan --help` shows them; each subcommand's work is in its own function.
int main(int argc, char** argv) {
  CLI::App app{
      "doseplan — documented drug regimens as weight-based dosing and monitoring schedules.\n"
      "An educational aid, never a prescriber."};
  app.set_version_flag("--version", std::string("doseplan ") + doseplan::version());
  app.require_subcommand(1);
  app.fallthrough();  // --rules is accepted after the subcommand too
  std::optional<std::string> rules_dir;
  app.add_option("--rules", rules_dir,
                 "Rules directory (default: $DOSEPLAN_RULES, installed, source tree)");

  PlanOptions po;
  CLI::App* plan = app.add_subcommand("plan", "Dosing and monitoring plan for one patient");
  cli::add_request_flags(plan, po.request);
  plan->add_flag("--explain", po.explain,
                 "Show how every number was made (text: a last section; json: \"audit\")");
  plan->add_option("--format", po.format, "Output format: text, json, csv, html, pdf, ics or fhir")
      ->check(CLI::IsMember({"text", "json", "csv", "html", "pdf", "ics", "fhir"}));
  plan->add_option("--label", po.label,
                   "Pseudonymous patient label, part of every calendar event's UID (ics)");
  plan->add_option("--reminder", po.reminder_minutes,
                   "Calendar reminder, minutes before each visit (ics; 0: none; default 1440)");
  plan->add_flag("--doses", po.doses,
                 "Calendar: also the oral doses, one all-day event a day without a reminder (ics)");
  plan->add_option("--lang", po.lang,
                   "Language: en or zh-CN (text, HTML, PDF, CSV, ICS; JSON and FHIR carry both)");
  plan->add_option("-o,--output", po.output, "Write to FILE (atomically) instead of stdout");

  ListOptions lo;
  CLI::App* regimens =
      app.add_subcommand("regimens", "List the regimens: id, drug, indication, evidence");
  CLI::App* show = app.add_subcommand("show", "Print one regimen with its sources and quotes");
  show->add_option("ID", lo.id, "Regimen id")->required();
  for (CLI::App* sub : {regimens, show}) {
    sub->add_option("--format", lo.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    sub->add_option("--lang", lo.lang, "Language: en or zh-CN");  // checked by parse_lang
    sub->add_option("-o,--output", lo.output, "Write to FILE (atomically) instead of stdout");
  }
  std::string batch_input, batch_output;
  bool batch_explain = false;
  CLI::App* batch =
      app.add_subcommand("batch", "Plan requests as JSON Lines in, JSON plans as JSON Lines out");
  batch->add_option("--input", batch_input, "JSON Lines file (default: standard input)");
  batch->add_option("-o,--output", batch_output, "Write to FILE (atomically) instead of stdout");
  batch->add_flag("--explain", batch_explain,
                  "Each plan with its \"audit\": how every number was made (about 1.6× the work)");
  // Default: one job per core (std::thread::hardware_concurrency, 1 when unknown).
  int batch_jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  batch->add_option("--jobs", batch_jobs,
                    "Plan on N threads (1 to 64; default: the number of cores); output in input "
                    "order");
  std::string check_dir;
  CLI::App* check =
      app.add_subcommand("check-rules", "Check a rules directory and run its golden cases");
  check->add_option("DIR", check_dir, "Rules directory (default: as for other commands)");

  const auto run_track = cli::add_track_commands(app, rules_dir);
  const auto run_users = cli::add_users_commands(app);

  server::ServeOptions so;
  std::string serve_db;
  CLI::App* serve = app.add_subcommand(
      "serve", "Web pages and a JSON API on this machine (docs/serve.md); stop with Ctrl-C");
  serve->add_option("--listen", so.listen,
                    "Address (default 127.0.0.1; another only when the store has accounts)");
  serve->add_option("--port", so.port, "Port (default: a free one, printed)");
  serve->add_option("--db", serve_db,
                    "Tracker database: a file or postgresql://USER@HOST:PORT/DB (default: as for "
                    "doseplan track)");
  serve->add_option("--threads", so.threads, "Requests served at once (1 to 64; default 16)");
  serve->add_option("--tls-cert", so.tls_cert, "HTTPS: the certificate (PEM)");
  serve->add_option("--tls-key", so.tls_key, "HTTPS: its private key (PEM, unencrypted)");
  serve->add_flag("--secure-cookies", so.secure_cookies,
                  "Behind a TLS reverse proxy: session cookies only over HTTPS");
  serve->add_option("--host-name", so.host_names,
                    "A host name clients (or the proxy) use, as in the Host header (repeatable)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    report_problem(usage_problem(e, app, argc, argv), wants_chinese(argc, argv));
    std::cerr << "Run with --help for more information.\n";
    return kExitBadInput;
  }
  try {
    if (plan->parsed()) return run_plan(po, rules_dir);
    if (regimens->parsed()) return run_regimens(lo, rules_dir);
    if (show->parsed()) return run_show(lo, rules_dir);
    if (check->parsed()) return run_check_rules(check_dir, rules_dir);
    if (batch->parsed())
      return run_batch_command(batch_input, batch_output, batch_explain, batch_jobs, rules_dir);
    if (serve->parsed()) {
      so.rules_dir = find_rules_dir(rules_dir, std::getenv("DOSEPLAN_RULES"));
      so.db_path = serve_db.empty()
                       ? default_tracker_path(std::getenv("XDG_DATA_HOME"), std::getenv("HOME"))
                       : serve_db;
      so.log = &std::cerr;
      so.out = &std::cout;
      return server::serve(so);
    }
    if (const auto code = run_track()) return *code;
    if (const auto code = run_users()) return *code;
  } catch (const Error& e) {
    report(e, wants_chinese(argc, argv));
    return kExitBadInput;
  } catch (const std::exception& e) {
    // Only a fault of doseplan itself comes here: every fault of the input, the rules, the store
    // or the environment is an Error (exit 2). Its text is printed escaped all the same.
    std::cerr << "doseplan: internal error: " << printable(e.what()) << "\n";
    return kExitInternal;
  }
  return kExitOk;
}
