// doseplan fuzz target "tracker": what `doseplan track` reads from a user, through the public
// tracker API (tracker.hpp) against a real SQLite store in a temporary directory.
//
// An input starting with "{" is a JSON plan, as `track start --plan FILE` reads it:
//   request_from_plan_json -> check_plan_dates -> Tracker::start; the stored plan must be the file.
// Any other input is lines, as the flags of `track record`, `done` and `due` give them:
//   label, test, value, date, uln (empty: none), note, today, visit (the planned date), within
// and goes through parse_date / parse_span, Tracker::record (then advise, as `record` does),
// Tracker::mark_done and Tracker::due, as the command line calls them.
//
// A doseplan::Error is an expected outcome. Findings: any other exception, a crash, a sanitizer
// report, or a broken promise of the tracker:
//   - every error message is valid UTF-8;
//   - a result recorded reads back the same (results()), its canonical value is finite and not
//     negative, and reading its value again as shown ("<as entered> <unit as entered>") gives
//     the same canonical value;
//   - what is stored is valid UTF-8 text (notes, values and units as entered), since every
//     output (text, JSON) shows it again;
//   - a visit marked done is done afterwards and no longer due;
//   - due() lists only visits not done, whose window opens by the horizon, sorted.
//
// The store (two patients, pt-01 on cyclosporine-itp and pt-02 on cyclophosphamide-iv-scot) is
// made once per process in /dev/shm (or $TMPDIR) and made again after 2,000 writes, so that it
// does not grow without end; it is removed at exit, or by the next process when libFuzzer ended
// this one without running destructors.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doseplan/doseplan.hpp"
#include "doseplan/tracker.hpp"

#ifndef DOSEPLAN_FUZZ_RULES_DIR
#error "DOSEPLAN_FUZZ_RULES_DIR (the shipped rules directory) must be defined"
#endif

namespace {

namespace fs = std::filesystem;
using namespace doseplan;

constexpr std::size_t kMaxInput = 64 * 1024;
constexpr int kWritesBeforeReset = 2000;

bool verbose() {
  static const bool on = std::getenv("DOSEPLAN_FUZZ_VERBOSE") != nullptr;
  return on;
}

[[noreturn]] void broken(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_tracker: %s: %s\n", what, detail.c_str());
  std::abort();
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      n = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      lo = c == 0xE0 ? 0xA0 : 0x80;
      hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      lo = c == 0xF0 ? 0x90 : 0x80;
      hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return false;
    }
    if (s.size() - i < n) return false;
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return false;
    }
    i += n;
  }
  return true;
}

const RuleSet& shipped_rules() {
  static const RuleSet rules = [] {
    try {
      return load_rules(DOSEPLAN_FUZZ_RULES_DIR);
    } catch (const Error& e) {
      std::fprintf(stderr, "fuzz_tracker: cannot load the rules: %s\n", e.what());
      std::abort();
    }
  }();
  return rules;
}

// The store of this process.
struct Store {
  fs::path dir;
  std::unique_ptr<Tracker> tracker;
  int writes = 0;
  int plans = 0;

  Store() {
    const char* tmp = std::getenv("TMPDIR");
    std::error_code ec;
    const fs::path root = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm")
                          : tmp != nullptr && *tmp         ? fs::path(tmp)
                                                           : fs::temp_directory_path();
    // libFuzzer may end a process without running destructors: the stores of processes that
    // are gone are removed here.
    const std::string prefix = "doseplan-fuzz-tracker-";
    for (const fs::directory_entry& e : fs::directory_iterator(root, ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind(prefix, 0) != 0) continue;
      const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
        fs::remove_all(e.path(), ec);
      }
    }
    dir = root / (prefix + std::to_string(::getpid()));
    fs::remove_all(dir, ec);
    if (!fs::create_directory(dir, ec)) broken("setup", "cannot make " + dir.string());
    make();
  }
  ~Store() {
    tracker.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  void make() {
    tracker.reset();
    std::error_code ec;
    for (const char* f : {"t.db", "t.db-wal", "t.db-shm"}) fs::remove(dir / f, ec);
    tracker = std::make_unique<Tracker>((dir / "t.db").string(), Tracker::Mode::create_if_missing);
    PlanRequest itp;
    itp.regimen_id = "cyclosporine-itp";
    itp.weight = kilograms(62);
    itp.start = parse_date("2026-12-01");
    tracker->start(shipped_rules(), "pt-01", itp, parse_date("2026-11-10"));
    PlanRequest scot;
    scot.regimen_id = "cyclophosphamide-iv-scot";
    scot.weight = kilograms(70);
    scot.height = centimetres(170);
    scot.start = parse_date("2027-01-04");
    tracker->start(shipped_rules(), "pt-02", scot, parse_date("2026-12-16"));
    writes = 0;
    plans = 0;
  }

  Tracker& get() {
    if (writes >= kWritesBeforeReset) make();
    return *tracker;
  }
};

Store& store() {
  static Store s;
  return s;
}

// Runs `f`; a doseplan::Error is an expected outcome, and its messages must be UTF-8.
template <class F>
bool expect(F&& f) {
  try {
    f();
    return true;
  } catch (const Error& e) {
    for (const Problem& p : e.problems()) {
      if (!valid_utf8(p.message) || !valid_utf8(p.where) || !valid_utf8(e.what())) {
        broken("an error message is not UTF-8", p.id);
      }
      if (verbose()) std::fprintf(stderr, "  error: %s\n", p.to_string().c_str());
    }
    return false;
  }
}

void check_stored(const Measurement& m, const char* what) {
  if (!valid_utf8(m.value_entered) || !valid_utf8(m.unit_entered) ||
      !valid_utf8(m.canonical.unit().written)) {
    broken("stored text is not UTF-8", what);
  }
  if (!std::isfinite(m.canonical.amount()) || m.canonical.amount() < 0) {
    broken("stored value not finite or negative", what + std::string(": ") + m.value_entered);
  }
}

// A JSON plan (`track start --plan`).
void start_from_plan(std::string_view text) {
  Store& s = store();
  const RuleSet& rules = shipped_rules();
  expect([&] {
    const PlanRequest q = request_from_plan_json(rules, text, "plan.json");
    const Plan plan = make_plan(rules, q);
    check_plan_dates(plan);
    Tracker& t = s.get();
    const std::string label = "plan-" + std::to_string(++s.plans);
    ++s.writes;
    t.start(rules, label, q, parse_date("2026-11-10"));
    // What is stored is the plan of the file.
    if (nlohmann::json::parse(t.plan_json(label)) != nlohmann::json::parse(text)) {
      broken("the stored plan is not the file", label);
    }
    if (t.visits(label).size() != plan.visits.size()) broken("visits not all stored", label);
    (void)t.due(label, plan.start, Span{14, Span::Unit::day});
  });
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= text.size() && out.size() < 9) {
    const std::size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) {
      out.emplace_back(text.substr(at));
      break;
    }
    out.emplace_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  out.resize(9);
  return out;
}

// The flags of `track record`, `done` and `due`.
void record_done_due(std::string_view text) {
  Store& s = store();
  const RuleSet& rules = shipped_rules();
  const std::vector<std::string> f = lines_of(text);
  const std::string &label = f[0], &test = f[1], &value = f[2], &date = f[3], &uln = f[4],
                    &note = f[5], &today_text = f[6], &visit = f[7], &within_text = f[8];
  Date today = parse_date("2026-12-20");
  if (!today_text.empty() && !expect([&] { today = parse_date(today_text, "today"); })) return;
  Tracker& t = s.get();

  // track record
  expect([&] {
    RecordRequest r;
    r.label = label;
    r.test = test;
    r.value = value;
    r.date = parse_date(date, "date");
    if (!uln.empty()) r.uln = uln;
    r.note = note;
    r.today = today;
    ++s.writes;
    const Recorded rec = t.record(rules, r);
    check_stored(rec.result.value, "value");
    if (rec.result.uln) check_stored(*rec.result.uln, "uln");
    if (!valid_utf8(rec.result.note)) broken("stored note is not UTF-8", rec.result.note);
    // It reads back the same.
    bool found = false;
    for (const TrackedResult& back : t.results(label)) {
      if (back.id != rec.result.id) continue;
      found = true;
      if (back.value.value_entered != rec.result.value.value_entered ||
          back.value.unit_entered != rec.result.value.unit_entered ||
          back.value.canonical.amount() != rec.result.value.canonical.amount() ||
          back.value.canonical.unit() != rec.result.value.canonical.unit() ||
          back.note != rec.result.note || back.date != rec.result.date ||
          back.test != rec.result.test || back.uln.has_value() != rec.result.uln.has_value()) {
        broken("the result reads back otherwise", value);
      }
    }
    if (!found) broken("the result is not stored", value);
    // What history shows as entered means the same value.
    const LabTest* lab = rules.find_lab(test);
    if (lab == nullptr) broken("recorded a test that is not in labs.json", test);
    const std::string shown = rec.result.value.value_entered + " " + rec.result.value.unit_entered;
    try {
      const Measurement again = parse_measurement(*lab, shown);
      if (again.canonical.amount() != rec.result.value.canonical.amount()) {
        broken("the value as shown reads as another value", value + " -> " + shown);
      }
    } catch (const Error& e) {
      broken("the value as shown can not be read again", shown + ": " + e.what());
    }
    (void)describe_measurement(rec.result.value);
    (void)t.advise(rules, label, today, test);
  });

  // track done --visit DATE --on TODAY --note NOTE
  expect([&] {
    const Date planned = parse_date(visit, "visit");
    ++s.writes;
    const MarkedDone m = t.mark_done(label, planned, today, note, today);
    if (!m.visit.done || m.visit.date != planned) broken("the visit is not done", visit);
    if (!valid_utf8(m.visit.done_note)) broken("stored done note is not UTF-8", m.visit.done_note);
    for (const DueVisit& d : t.due(label, today, Span{1, Span::Unit::month})) {
      if (d.visit.date == planned) broken("a visit done is still due", visit);
    }
  });

  // track due [--label] --within SPAN
  expect([&] {
    const Span within =
        within_text.empty() ? Span{14, Span::Unit::day} : parse_span(within_text, "within");
    const Date horizon = add_span(today, within);
    std::optional<std::string> who;
    if (!label.empty() && label != "*") who = label;
    const std::vector<DueVisit> due = t.due(who, today, within);
    for (std::size_t i = 0; i < due.size(); ++i) {
      const DueVisit& d = due[i];
      if (d.visit.window_first() > horizon || (who && d.label != *who)) {
        broken("due lists a visit it should not", d.label + " " + format_date(d.visit.date));
      }
      if (i > 0 && due[i - 1].status > d.status) broken("due is not sorted", d.label);
    }
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return -1;  // not added to the corpus
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    if (!text.empty() && text.front() == '{') {
      start_from_plan(text);
    } else {
      record_done_due(text);
    }
  } catch (const Error& e) {
    broken("an error escaped", e.what());
  }
  return 0;
}
