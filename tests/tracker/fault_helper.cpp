// Test helper for tests/tracker/fault_test.sh: changes a tracker store in a loop through the
// library, one transaction per change, and prints "ack X" on stdout only after the change's commit
// returned (one write(2) per line). The fault test kills it with SIGKILL at random moments and then
// checks that every acknowledged change is in the store.
//
// Usage:
//   fault_helper start DB RULES_DIR PREFIX FIRST COUNT
//       starts patients PREFIX-N (N = FIRST, FIRST+1, ...) on cyclosporine-itp; "ack PREFIX-N"
//   fault_helper record DB RULES_DIR LABEL FIRST COUNT
//       records creatinine results of LABEL with the note "seq N"; "ack N"
//   fault_helper done DB LABEL
//       marks each visit of LABEL not done yet done, in date order; "ack YYYY-MM-DD"
//   fault_helper migrate SOURCE DIR FIRST COUNT
//       copies the store SOURCE to DIR/m-N.db (through DIR/m-N.tmp and rename(2), so that m-N.db
//       is always a whole copy) and opens it, which migrates it; "ack N" once opened
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "doseplan/doseplan.hpp"
#include "doseplan/tracker.hpp"

namespace {

namespace fs = std::filesystem;

void ack(const std::string& what) {
  const std::string line = "ack " + what + "\n";
  if (::write(1, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::exit(3);
}

int usage() {
  std::cerr << "usage: fault_helper start DB RULES_DIR PREFIX FIRST COUNT\n"
               "       fault_helper record DB RULES_DIR LABEL FIRST COUNT\n"
               "       fault_helper done DB LABEL\n"
               "       fault_helper migrate SOURCE DIR FIRST COUNT\n";
  return 64;
}

int run(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "start" && argc == 7) {
    const doseplan::RuleSet rules = doseplan::load_rules(argv[3]);
    doseplan::Tracker tracker(argv[2], doseplan::Tracker::Mode::create_if_missing);
    doseplan::PlanRequest q;
    q.regimen_id = "cyclosporine-itp";
    q.weight = doseplan::kilograms(62);
    q.start = doseplan::parse_date("2026-12-01");
    const long first = std::atol(argv[5]);
    for (long n = first; n < first + std::atol(argv[6]); ++n) {
      const std::string label = std::string(argv[4]) + "-" + std::to_string(n);
      tracker.start(rules, label, q, doseplan::parse_date("2026-11-10"));
      ack(label);
    }
    return 0;
  }
  if (mode == "record" && argc == 7) {
    const doseplan::RuleSet rules = doseplan::load_rules(argv[3]);
    doseplan::Tracker tracker(argv[2], doseplan::Tracker::Mode::open_existing);
    doseplan::RecordRequest r;
    r.label = argv[4];
    r.test = "creatinine";
    r.date = doseplan::parse_date("2026-12-15");
    r.today = r.date;
    const long first = std::atol(argv[5]);
    for (long n = first; n < first + std::atol(argv[6]); ++n) {
      r.value = std::to_string(60 + n % 90) + " umol/L";
      r.note = "seq " + std::to_string(n);
      tracker.record(rules, r);
      ack(std::to_string(n));
    }
    return 0;
  }
  if (mode == "done" && argc == 4) {
    doseplan::Tracker tracker(argv[2], doseplan::Tracker::Mode::open_existing);
    const doseplan::Date today = doseplan::parse_date("2027-07-01");
    for (const doseplan::TrackedVisit& v : tracker.visits(argv[3])) {
      if (v.done) continue;
      tracker.mark_done(argv[3], v.date, v.date, "fault test", today);
      ack(doseplan::format_date(v.date));
    }
    return 0;
  }
  if (mode == "migrate" && argc == 6) {
    const fs::path dir(argv[3]);
    const long first = std::atol(argv[4]);
    for (long n = first; n < first + std::atol(argv[5]); ++n) {
      const fs::path tmp = dir / ("m-" + std::to_string(n) + ".tmp");
      const fs::path db = dir / ("m-" + std::to_string(n) + ".db");
      fs::copy_file(argv[2], tmp, fs::copy_options::overwrite_existing);
      fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write,
                      fs::perm_options::replace);
      fs::rename(tmp, db);
      doseplan::Tracker tracker(db.string(), doseplan::Tracker::Mode::open_existing);
      if (tracker.schema_version() != doseplan::kTrackerSchemaVersion) return 4;
      ack(std::to_string(n));
    }
    return 0;
  }
  return usage();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const doseplan::Error& e) {
    for (const auto& p : e.problems()) std::cerr << "fault_helper: " << p.to_string() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "fault_helper: " << e.what() << "\n";
    return 1;
  }
}
