// doseplan — command line. Thin: parse flags (CLI11), call the library, choose a renderer, write
// the output, and turn errors into messages and exit codes in one place (main):
//   0 success · 1 unexpected internal error · 2 bad input, bad rules or bad usage.
// Data go to stdout (or -o FILE, written atomically); diagnostics go to stderr.
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "doseplan/doseplan.hpp"
#include "doseplan/ics.hpp"
#include "track_cli.hpp"

namespace {

namespace fs = std::filesystem;
using namespace doseplan;

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitBadInput = 2;

// Writes `data` to `path` through a temporary file in the same directory and a rename, so that a
// reader never sees half a file and a failure leaves no file behind.
void write_atomically(const std::string& path, const std::string& data) {
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = mkstemp(tmpl.data());
  if (fd < 0) throw Error("output.unwritable", "output", "cannot create a file in " + dir.string());
  bool ok = true;
  for (std::size_t done = 0; ok && done < data.size();) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0)
      ok = false;
    else
      done += static_cast<std::size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (ok) ok = std::rename(tmpl.c_str(), path.c_str()) == 0;
  if (!ok) {
    std::remove(tmpl.c_str());
    throw Error("output.unwritable", "output", "cannot write " + path);
  }
}

std::string read_text_file(const std::string& path, const std::string& field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("input.unreadable", field, "cannot read \"" + path + "\"");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void emit(const std::string& data, const std::string& output) {
  if (output.empty() || output == "-") {
    std::cout << data << std::flush;
  } else {
    write_atomically(output, data);
  }
}

struct PlanOptions {
  std::string input;
  std::string regimen;
  std::string weight;
  std::string start;
  std::string dose;
  std::optional<int> doses_per_day;
  std::string product;
  std::string induction;
  std::string maintenance;
  std::vector<std::string> phase_durations;  // ID=SPAN
  std::string taper_step;
  std::string taper_every;
  std::string height;
  std::optional<double> age;
  std::string birth_date;
  std::string sex;
  std::string creatinine;
  bool explain = false;
  std::vector<std::string> cycles;  // ID=N
  std::string format = "text";
  std::string lang = "en";
  int reminder_minutes = 24 * 60;
  std::string label;
  std::string output;
};

struct ListOptions {
  std::string id;
  std::string format = "text";
  std::string lang = "en";
  std::string output;
};

PlanRequest to_request(const PlanOptions& o) {
  // The three values every plan needs, from the flags; a request file (--input) gives what the
  // flags leave out, and every flag given wins over the file.
  PlanRequest q;
  if (!o.regimen.empty()) q.regimen_id = o.regimen;
  if (!o.weight.empty()) q.weight = parse_body_mass(o.weight, "weight");
  if (!o.start.empty()) q.start = parse_date(o.start, "start");
  if (!o.input.empty()) {
    const PlanRequest from_flags = q;
    q = parse_plan_request(read_text_file(o.input, "input"), o.input, q);
    if (!o.regimen.empty()) q.regimen_id = from_flags.regimen_id;
    if (!o.weight.empty()) q.weight = from_flags.weight;
    if (!o.start.empty()) q.start = from_flags.start;
  }
  if (!o.dose.empty()) q.dose = parse_dose(o.dose, "dose");
  if (o.doses_per_day) q.doses_per_day = *o.doses_per_day;
  if (!o.product.empty()) q.product_id = o.product;
  if (!o.induction.empty()) q.phase_durations["induction"] = parse_span(o.induction, "induction");
  if (!o.maintenance.empty()) {
    q.phase_durations["maintenance"] = parse_span(o.maintenance, "maintenance");
  }
  for (const std::string& pd : o.phase_durations) {
    const auto eq = pd.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error("input.bad_span", "phase-duration",
                  "\"" + pd + "\" is not ID=DURATION, e.g. induction=3mo");
    }
    q.phase_durations[pd.substr(0, eq)] = parse_span(pd.substr(eq + 1), "phase-duration");
  }
  if (!o.taper_step.empty()) q.taper_step = parse_dose_rate(o.taper_step, "taper-step");
  if (!o.taper_every.empty()) q.taper_every = parse_span(o.taper_every, "taper-every");
  if (!o.height.empty()) q.height = parse_height(o.height, "height");
  if (o.age) q.age_years = *o.age;
  if (!o.birth_date.empty()) q.birth_date = parse_date(o.birth_date, "birth-date");
  if (!o.sex.empty()) q.sex = parse_sex(o.sex, "sex");
  if (!o.creatinine.empty()) q.creatinine = parse_creatinine(o.creatinine, "creatinine");
  for (const std::string& c : o.cycles) {
    const auto eq = c.find('=');
    int n = 0;
    const bool ok = eq != std::string::npos && eq > 0 && eq + 1 < c.size() &&
                    c.find_first_not_of("0123456789", eq + 1) == std::string::npos &&
                    c.size() - eq - 1 <= 3;
    if (ok) n = std::stoi(c.substr(eq + 1));
    if (!ok || n < 1) {
      throw Error("input.bad_count", "cycles", "\"" + c + "\" is not ID=COUNT, e.g. pulses=12");
    }
    q.cycle_counts[c.substr(0, eq)] = n;
  }
  if (q.regimen_id.empty())
    throw Error("input.missing", "regimen", "give --regimen ID (or \"regimen\" in --input)");
  if (in_kg(q.weight) == 0 && o.weight.empty() && o.input.empty()) {
    throw Error("input.missing", "weight", "give --weight, e.g. --weight 62kg");
  }
  if (q.start == Date{} && o.start.empty() && o.input.empty()) {
    throw Error("input.missing", "start", "give --start YYYY-MM-DD, e.g. --start 2026-12-01");
  }
  return q;
}

RuleSet load(const std::optional<std::string>& rules_dir) {
  return load_rules(find_rules_dir(rules_dir, std::getenv("DOSEPLAN_RULES")));
}

int run_plan(const PlanOptions& o, const std::optional<std::string>& rules_dir) {
  const PlanRequest q = to_request(o);
  const Lang lang = parse_lang(o.lang);
  const RuleSet rules = load(rules_dir);
  const Plan plan = make_plan(rules, q);
  std::string out;
  if (o.format == "json") {
    out = render_json(plan);
  } else if (o.format == "csv") {
    out = render_csv(plan);
  } else if (o.format == "ics") {
    IcsOptions ics;
    ics.lang = lang;
    ics.reminder_minutes_before = o.reminder_minutes;
    ics.patient_label = o.label;
    out = render_ics(plan, ics);
  } else if (o.format == "fhir") {
    out = render_fhir(plan);
  } else if (o.format == "html") {
    out = render_html(plan, lang);
  } else if (o.format == "pdf") {
    out = render_pdf(plan, lang);
  } else {
    out = render_text(plan, o.explain, lang);
  }
  emit(out, o.output);
  return kExitOk;
}

int run_regimens(const ListOptions& o, const std::optional<std::string>& rules_dir) {
  const Lang lang = parse_lang(o.lang);
  const RuleSet rules = load(rules_dir);
  emit(o.format == "json" ? render_regimen_list_json(rules) : render_regimen_list_text(rules, lang),
       o.output);
  return kExitOk;
}

int run_show(const ListOptions& o, const std::optional<std::string>& rules_dir) {
  const Lang lang = parse_lang(o.lang);
  const RuleSet rules = load(rules_dir);
  const Regimen* r = rules.find_regimen(o.id);
  if (!r) {
    std::string known;
    for (const Regimen& reg : rules.regimens) known += (known.empty() ? "" : ", ") + reg.id;
    throw Error("input.unknown_regimen", "regimen", "no regimen \"" + o.id + "\"; known: " + known);
  }
  emit(o.format == "json" ? render_regimen_json(*r, rules) : render_regimen_text(*r, rules, lang),
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

// JSON Lines in (a file or stdin), JSON Lines out; a summary on stderr; exit 2 if any line failed.
int run_batch_command(const std::string& input, const std::string& output,
                      const std::optional<std::string>& rules_dir) {
  const RuleSet rules = load(rules_dir);
  std::ifstream file;
  if (!input.empty() && input != "-") {
    file.open(input, std::ios::binary);
    if (!file) throw Error("input.unreadable", "input", "cannot read \"" + input + "\"");
  }
  std::istream& in = file.is_open() ? static_cast<std::istream&>(file) : std::cin;
  std::ostringstream buffer;
  const bool to_file = !output.empty() && output != "-";
  const BatchSummary s =
      run_batch(rules, in, to_file ? static_cast<std::ostream&>(buffer) : std::cout);
  if (to_file) write_atomically(output, buffer.str());
  std::cout << std::flush;
  std::cerr << "doseplan batch: " << s.lines << " lines, " << s.plans << " plans, " << s.errors
            << " refused\n";
  return s.errors == 0 ? kExitOk : kExitBadInput;
}

void report(const Error& e) {
  for (const Problem& p : e.problems()) std::cerr << "doseplan: error: " << p.to_string() << "\n";
}

}  // namespace

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
  plan->add_option("--input", po.input, "Plan request as JSON (flags override its values)");
  plan->add_option("--regimen", po.regimen, "Regimen id, e.g. cyclosporine-itp");
  plan->add_option("--weight", po.weight, "Body weight with unit: 62kg, 136.5 lb");
  plan->add_option("--start", po.start, "First day of treatment, YYYY-MM-DD");
  plan->add_option("--dose", po.dose, "Dose within the regimen's range: 5mg/kg/d");
  plan->add_option("--doses-per-day", po.doses_per_day,
                   "Administrations a day, within the regimen's range");
  plan->add_option("--product", po.product, "Product id from rules/products.json");
  plan->add_option("--induction", po.induction, "Length of the induction phase: 3mo, 10 weeks");
  plan->add_option("--maintenance", po.maintenance, "Length of the maintenance phase: 2mo");
  plan->add_option("--phase-duration", po.phase_durations, "Length of any phase: ID=DURATION");
  plan->add_option("--taper-step", po.taper_step, "Taper step: 0.5mg/kg/d");
  plan->add_option("--taper-every", po.taper_every, "Taper interval: 2 weeks");
  plan->add_option("--height", po.height, "Height with unit, for mg/m2 doses: 165cm, 65 in");
  plan->add_option("--age", po.age, "Age in years, checked against the regimen's population");
  plan->add_option("--cycles", po.cycles, "Number of cycles of a cycles phase: ID=COUNT");
  plan->add_option("--birth-date", po.birth_date,
                   "Birth date YYYY-MM-DD (gives the age at the start)");
  plan->add_option("--sex", po.sex,
                   "female or male (ideal body weight, eGFR, creatinine clearance)");
  plan->add_option("--creatinine", po.creatinine, "Baseline serum creatinine: 97umol/L, 1.1 mg/dL");
  plan->add_flag("--explain", po.explain, "Show how every number was made (text format)");
  plan->add_option("--format", po.format, "Output format: text, json, csv, html, pdf, ics or fhir")
      ->check(CLI::IsMember({"text", "json", "csv", "html", "pdf", "ics", "fhir"}));
  plan->add_option("--label", po.label,
                   "Pseudonymous patient label, part of every calendar event's UID (ics)");
  plan->add_option("--reminder", po.reminder_minutes,
                   "Calendar reminder, minutes before each visit (ics; 0: none; default 1440)");
  plan->add_option("--lang", po.lang, "Language: en or zh-CN (text, HTML, PDF)");
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
  CLI::App* batch =
      app.add_subcommand("batch", "Plan requests as JSON Lines in, JSON plans as JSON Lines out");
  batch->add_option("--input", batch_input, "JSON Lines file (default: standard input)");
  batch->add_option("-o,--output", batch_output, "Write to FILE (atomically) instead of stdout");
  std::string check_dir;
  CLI::App* check =
      app.add_subcommand("check-rules", "Check a rules directory and run its golden cases");
  check->add_option("DIR", check_dir, "Rules directory (default: as for other commands)");

  const auto run_track = cli::add_track_commands(app, rules_dir);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    std::cerr << "doseplan: error: " << e.what() << " [usage.invalid]\n"
              << "Run with --help for more information.\n";
    return kExitBadInput;
  }
  try {
    if (plan->parsed()) return run_plan(po, rules_dir);
    if (regimens->parsed()) return run_regimens(lo, rules_dir);
    if (show->parsed()) return run_show(lo, rules_dir);
    if (check->parsed()) return run_check_rules(check_dir, rules_dir);
    if (batch->parsed()) return run_batch_command(batch_input, batch_output, rules_dir);
    if (const auto code = run_track()) return *code;
  } catch (const Error& e) {
    report(e);
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "doseplan: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitOk;
}
