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
  std::string format = "text";
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

int run_plan(const PlanOptions& o, const std::optional<std::string>& rules_dir) {
  const PlanRequest q = to_request(o);
  const RuleSet rules = load_rules(find_rules_dir(rules_dir, std::getenv("DOSEPLAN_RULES")));
  const Plan plan = make_plan(rules, q);
  std::string out;
  if (o.format == "json") {
    out = render_json(plan);
  } else {
    out = render_text(plan);
  }
  emit(out, o.output);
  return kExitOk;
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
  plan->add_option("--format", po.format, "Output format")->check(CLI::IsMember({"text", "json"}));
  plan->add_option("-o,--output", po.output, "Write to FILE (atomically) instead of stdout");

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
  } catch (const Error& e) {
    report(e);
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "doseplan: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitOk;
}
