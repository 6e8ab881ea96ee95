// doseplan benchmarks (Google Benchmark). Figures, targets and how to run: docs/performance.md.
//
//   BM_LoadRules                 load_rules() of the repository's rules/ (what every `plan` pays)
//   BM_ParseRequest              one request line as `batch` reads it
//   BM_MakePlan/<case>           make_plan(): cyclosporine-itp 62 kg, mycophenolate-ssc 24 months
//   BM_Render<Format>/<case>     each renderer on each of those two plans
//   BM_Batch*/<lines>            run_batch() over N request lines held in memory (items/s): one
//                                itp request N times, the golden requests in turn, or random
//                                patients
//   BM_TrackDue*                 Tracker::due() over a store of 10,000 patients (tracker.hpp)
//
// Timings are never tests: this program is not registered with CTest.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

#include "doseplan/batch.hpp"
#include "doseplan/doseplan.hpp"
#include "doseplan/ics.hpp"
#include "doseplan/tracker.hpp"

#ifndef DOSEPLAN_BENCH_RULES_DIR
#error "DOSEPLAN_BENCH_RULES_DIR must name the rules directory (bench/CMakeLists.txt sets it)"
#endif

namespace {

using namespace doseplan;

const RuleSet& rules() {
  static const RuleSet r = load_rules(DOSEPLAN_BENCH_RULES_DIR);
  return r;
}

// The two plans of the issue: a typical one and the longest regimen of the catalogue.
enum class Case { itp, mmf };

const char* request_line(Case c) {
  switch (c) {
    case Case::itp:
      return R"({"regimen": "cyclosporine-itp", "weight": "62 kg", "start": "2026-12-01"})";
    case Case::mmf:
      return R"({"regimen": "mycophenolate-ssc", "weight": "62 kg", "start": "2026-12-01", )"
             R"("phase_durations": {"target": "24 months"}})";
  }
  return "";
}

PlanRequest request_of(Case c) {
  return parse_plan_request(request_line(c), "bench");
}

const Plan& plan_of(Case c) {
  static const Plan itp = make_plan(rules(), request_of(Case::itp));
  static const Plan mmf = make_plan(rules(), request_of(Case::mmf));
  return c == Case::itp ? itp : mmf;
}

// Bytes of a rendered output, as a counter next to the time.
void report_bytes(benchmark::State& state, std::size_t bytes) {
  state.counters["out_bytes"] = benchmark::Counter(static_cast<double>(bytes));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}

// ------------------------------------------------------------------ rules, request, plan

void BM_LoadRules(benchmark::State& state) {
  for (auto _ : state) {
    RuleSet r = load_rules(DOSEPLAN_BENCH_RULES_DIR);
    benchmark::DoNotOptimize(r.regimens.data());
  }
  state.counters["regimens"] = static_cast<double>(rules().regimens.size());
}
BENCHMARK(BM_LoadRules)->Unit(benchmark::kMillisecond);

void BM_ParseRequest(benchmark::State& state, Case c) {
  for (auto _ : state) {
    PlanRequest q = parse_plan_request(request_line(c), "line 1");
    benchmark::DoNotOptimize(q.weight);
  }
}
BENCHMARK_CAPTURE(BM_ParseRequest, cyclosporine_itp_62kg, Case::itp)->Unit(benchmark::kMicrosecond);

void BM_MakePlan(benchmark::State& state, Case c) {
  const RuleSet& r = rules();
  const PlanRequest q = request_of(c);
  std::size_t days = 0;
  for (auto _ : state) {
    Plan p = make_plan(r, q);
    benchmark::DoNotOptimize(p.phases.data());
    days = static_cast<std::size_t>((p.end - p.start).count()) + 1;
  }
  state.counters["plan_days"] = static_cast<double>(days);
  state.counters["visits"] = static_cast<double>(plan_of(c).visits.size());
}
BENCHMARK_CAPTURE(BM_MakePlan, cyclosporine_itp_62kg, Case::itp)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_MakePlan, mycophenolate_ssc_24mo, Case::mmf)->Unit(benchmark::kMicrosecond);

// ------------------------------------------------------------------ renderers

template <typename Render>
void run_render(benchmark::State& state, Case c, Render render) {
  const Plan& p = plan_of(c);
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string out = render(p);
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  report_bytes(state, bytes);
}

void BM_RenderText(benchmark::State& state, Case c) {
  run_render(state, c, [](const Plan& p) { return render_text(p); });
}
void BM_RenderTextExplain(benchmark::State& state, Case c) {
  run_render(state, c, [](const Plan& p) { return render_text(p, true); });
}
void BM_RenderTextZh(benchmark::State& state, Case c) {
  run_render(state, c, [](const Plan& p) { return render_text(p, false, Lang::zh_CN); });
}
void BM_RenderJson(benchmark::State& state, Case c) {
  run_render(state, c, [](const Plan& p) { return render_json(p); });
}
void BM_RenderJsonCompact(benchmark::State& state, Case c) {  // as batch writes it
  run_render(state, c, [](const Plan& p) { return render_json(p, -1); });
}
void BM_RenderCsv(benchmark::State& state, Case c) {
  run_render(state, c, [](const Plan& p) { return render_csv(p); });
}
void BM_RenderHtml(benchmark::State& state, Case c) {
  run_render(state, c, [](const Plan& p) { return render_html(p); });
}
void BM_RenderPdf(benchmark::State& state, Case c) {
  run_render(state, c, [](const Plan& p) { return render_pdf(p); });
}
void BM_RenderIcs(benchmark::State& state, Case c) {
  run_render(state, c, [](const Plan& p) {
    IcsOptions o;
    o.patient_label = "pt-bench";
    return render_ics(p, o);
  });
}
void BM_RenderFhir(benchmark::State& state, Case c) {
  run_render(state, c, [](const Plan& p) { return render_fhir(p); });
}

#define DOSEPLAN_RENDER_BENCH(fn, unit)                                \
  BENCHMARK_CAPTURE(fn, cyclosporine_itp_62kg, Case::itp)->Unit(unit); \
  BENCHMARK_CAPTURE(fn, mycophenolate_ssc_24mo, Case::mmf)->Unit(unit)

DOSEPLAN_RENDER_BENCH(BM_RenderText, benchmark::kMicrosecond);
DOSEPLAN_RENDER_BENCH(BM_RenderTextExplain, benchmark::kMicrosecond);
DOSEPLAN_RENDER_BENCH(BM_RenderTextZh, benchmark::kMicrosecond);
DOSEPLAN_RENDER_BENCH(BM_RenderJson, benchmark::kMicrosecond);
DOSEPLAN_RENDER_BENCH(BM_RenderJsonCompact, benchmark::kMicrosecond);
DOSEPLAN_RENDER_BENCH(BM_RenderCsv, benchmark::kMicrosecond);
DOSEPLAN_RENDER_BENCH(BM_RenderHtml, benchmark::kMicrosecond);
DOSEPLAN_RENDER_BENCH(BM_RenderPdf, benchmark::kMillisecond);
DOSEPLAN_RENDER_BENCH(BM_RenderIcs, benchmark::kMicrosecond);
DOSEPLAN_RENDER_BENCH(BM_RenderFhir, benchmark::kMicrosecond);

// ------------------------------------------------------------------ batch

// A stream buffer that keeps nothing and counts the bytes (`batch > /dev/null`).
class CountingBuf : public std::streambuf {
 public:
  std::size_t bytes = 0;

 protected:
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) ++bytes;
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += static_cast<std::size_t>(n);
    return n;
  }
};

// The golden requests of every regimen file (check-rules stage 4), each with its regimen: 25
// different plans, from 2 cyclophosphamide pulses to 24 months of mycophenolate.
std::vector<std::string> golden_lines() {
  std::vector<std::string> out;
  for (const Regimen& r : rules().regimens) {
    for (const GoldenCase& g : r.test_cases) {
      if (!g.error.empty()) continue;  // a request the case expects to be refused
      const std::size_t brace = g.request_json.find('{');
      if (brace == std::string::npos) continue;
      std::string line = g.request_json;
      line.insert(brace + 1, "\"regimen\": \"" + r.id + "\", ");
      for (char& ch : line)
        if (ch == '\n' || ch == '\r') ch = ' ';
      out.push_back(std::move(line));
    }
  }
  if (out.empty()) throw std::runtime_error("no golden requests in the rules");
  return out;
}

enum class Mix { itp, golden, random };

// Random adult patients (fixed seed): every regimen in turn with its defaults, a weight of
// 45-105 kg and a height of 150-190 cm to one decimal, a start date in 2026-2028. No two lines
// alike, as in a real clinic's list: nothing can be reused from the line before but the rules.
std::string random_line(std::int64_t i) {
  static std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  const auto next = [] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::vector<Regimen>& regimens = rules().regimens;
  const Regimen& r = regimens[static_cast<std::size_t>(i) % regimens.size()];
  const double kg = 45 + static_cast<double>(next() % 601) / 10;
  const double cm = 150 + static_cast<double>(next() % 401) / 10;
  const Date start = parse_date("2026-01-01") + date::days{static_cast<int>(next() % 1096)};
  return "{\"regimen\": \"" + r.id + "\", \"weight\": \"" + format_number(kg, 1) +
         " kg\", \"height\": \"" + format_number(cm, 1) + " cm\", \"start\": \"" +
         format_date(start) + "\"}";
}

std::string batch_input(Mix mix, std::int64_t lines) {
  static const std::vector<std::string> golden = golden_lines();
  std::string text;
  for (std::int64_t i = 0; i < lines; ++i) {
    text += mix == Mix::itp      ? std::string(request_line(Case::itp))
            : mix == Mix::golden ? golden[static_cast<std::size_t>(i) % golden.size()]
                                 : random_line(i);
    text += '\n';
  }
  return text;
}

// Output kept in memory (an std::ostringstream, as a pipe reader would receive it).
void BM_BatchKeep(benchmark::State& state, Mix mix) {
  const std::string input = batch_input(mix, state.range(0));
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::istringstream in(input);
    std::ostringstream out;
    const BatchSummary s = run_batch(rules(), in, out);
    if (s.errors != 0) state.SkipWithError("a request line was refused");
    bytes = out.str().size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.counters["out_bytes_per_plan"] =
      static_cast<double>(bytes) / static_cast<double>(state.range(0));
}

// Output discarded (`doseplan batch > /dev/null`): the plans are still rendered.
void BM_BatchDiscard(benchmark::State& state, Mix mix) {
  const std::string input = batch_input(mix, state.range(0));
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::istringstream in(input);
    CountingBuf sink;
    std::ostream out(&sink);
    const BatchSummary s = run_batch(rules(), in, out);
    if (s.errors != 0) state.SkipWithError("a request line was refused");
    bytes = sink.bytes;
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["out_bytes_per_plan"] =
      static_cast<double>(bytes) / static_cast<double>(state.range(0));
}

// What batch does per line without the JSON output: parse the request and make the plan.
void BM_BatchPlanOnly(benchmark::State& state, Mix mix) {
  const std::string input = batch_input(mix, state.range(0));
  std::vector<std::string> lines;
  std::istringstream in(input);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  for (auto _ : state) {
    for (const std::string& l : lines) {
      Plan p = make_plan(rules(), parse_plan_request(l, "line"));
      benchmark::DoNotOptimize(p.phases.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK_CAPTURE(BM_BatchKeep, itp, Mix::itp)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BatchKeep, golden_mix, Mix::golden)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BatchDiscard, itp, Mix::itp)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BatchDiscard, golden_mix, Mix::golden)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BatchPlanOnly, itp, Mix::itp)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BatchPlanOnly, golden_mix, Mix::golden)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BatchKeep, random_patients, Mix::random)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BatchDiscard, random_patients, Mix::random)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BatchPlanOnly, random_patients, Mix::random)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);

// ------------------------------------------------------------------ track due

constexpr int kTrackedPatients = 10000;

Date day(const char* iso) {
  return parse_date(iso);
}

// A tracker store of 10,000 patients, built once per run (about 70 s: 76,000 transactions) in a
// fresh directory under $DOSEPLAN_BENCH_TMP (default: /dev/shm when it exists, else the system's
// temporary directory; on a disk every transaction waits for fsync, synchronous=FULL, and building
// takes far longer; `due` reads the pages from memory either way) and removed at the end. With
// $DOSEPLAN_BENCH_TRACKER_DB set to a file, the store is built there when the file does not exist,
// reused when it does, and kept (for profiling `due` without building the store again).
// Patients start on the days of 2026 in turn, on the 25 golden requests in turn; "today" is
// 2026-12-15. Visits whose window closed more than 28 days before today are marked done (a
// clinic that keeps up); every tenth patient has one creatinine result.
struct TrackerStore {
  std::filesystem::path dir;  // removed at the end, when not kept
  std::string path;
  std::unique_ptr<Tracker> tracker;
  Date today = day("2026-12-15");
  std::size_t visits = 0;  // 0 when the store was reused

  TrackerStore() {
    if (const char* keep = std::getenv("DOSEPLAN_BENCH_TRACKER_DB"); keep != nullptr && *keep) {
      path = keep;
      if (std::filesystem::exists(path)) {
        tracker = std::make_unique<Tracker>(path, Tracker::Mode::open_existing);
        if (tracker->patients().size() != static_cast<std::size_t>(kTrackedPatients)) {
          throw std::runtime_error(path + " does not hold the benchmark's store; remove it");
        }
        std::cerr << "tracker store: reusing " << path << "\n";
        return;
      }
    } else {
      const char* base = std::getenv("DOSEPLAN_BENCH_TMP");
      std::error_code ec;
      const std::filesystem::path root = base != nullptr && *base ? std::filesystem::path(base)
                                         : std::filesystem::is_directory("/dev/shm", ec)
                                             ? std::filesystem::path("/dev/shm")
                                             : std::filesystem::temp_directory_path();
      dir = root / ("doseplan-bench-" + std::to_string(::getpid()));
      std::filesystem::create_directories(dir);
      path = (dir / "tracker.db").string();
    }
    try {
      build();
    } catch (const Error& e) {
      for (const Problem& p : e.problems()) std::cerr << p.to_string() << "\n";
      throw;
    }
  }

  void build() {
    const auto t0 = std::chrono::steady_clock::now();
    tracker = std::make_unique<Tracker>(path, Tracker::Mode::create_if_missing);
    std::vector<PlanRequest> requests;
    for (const std::string& l : golden_lines()) requests.push_back(parse_plan_request(l, "bench"));
    const Date first = day("2026-01-01");
    for (int i = 0; i < kTrackedPatients; ++i) {
      char label[16];
      std::snprintf(label, sizeof label, "pt-%05d", i);
      PlanRequest q = requests[static_cast<std::size_t>(i) % requests.size()];
      q.start = first + date::days(i % 365);
      const Date since = q.start - date::days(30);
      tracker->start(rules(), label, q, since);
      for (const TrackedVisit& v : tracker->visits(label)) {
        ++visits;
        if (v.window_last() + date::days(28) < today) {
          tracker->mark_done(label, v.date, v.date, "", today);
        }
      }
      if (i % 10 == 0) {
        RecordRequest rr;
        rr.label = label;
        rr.test = "creatinine";
        rr.value = "80 umol/L";
        rr.date = std::min(q.start - date::days(7), today);
        rr.today = today;
        tracker->record(rules(), rr);
      }
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << "tracker store: " << kTrackedPatients << " patients, " << visits
              << " visits, built in " << s << " s in " << path << "\n";
  }

  ~TrackerStore() {
    tracker.reset();
    if (!dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  }
};

TrackerStore& store() {
  static TrackerStore s;
  return s;
}

// `doseplan track due` over every patient (2 weeks ahead).
void BM_TrackDueAll(benchmark::State& state) {
  TrackerStore& s = store();
  std::size_t n = 0;
  for (auto _ : state) {
    std::vector<DueVisit> due = s.tracker->due(std::nullopt, s.today, Span{2, Span::Unit::week});
    n = due.size();
    benchmark::DoNotOptimize(due.data());
  }
  state.counters["patients"] = kTrackedPatients;
  if (s.visits != 0) state.counters["visits_stored"] = static_cast<double>(s.visits);
  state.counters["due_listed"] = static_cast<double>(n);
}
BENCHMARK(BM_TrackDueAll)->Unit(benchmark::kMillisecond);

// `doseplan track due --label pt-04242` in the same store.
void BM_TrackDueOne(benchmark::State& state) {
  TrackerStore& s = store();
  const std::optional<std::string> label = "pt-04242";
  for (auto _ : state) {
    std::vector<DueVisit> due = s.tracker->due(label, s.today, Span{2, Span::Unit::week});
    benchmark::DoNotOptimize(due.data());
  }
}
BENCHMARK(BM_TrackDueOne)->Unit(benchmark::kMicrosecond);

// Opening the store (what every `track` command pays before its query).
void BM_TrackOpen(benchmark::State& state) {
  const std::string path = store().path;
  for (auto _ : state) {
    Tracker t(path, Tracker::Mode::open_existing);
    benchmark::DoNotOptimize(t.schema_version());
  }
}
BENCHMARK(BM_TrackOpen)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
