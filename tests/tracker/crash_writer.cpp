// Test helper for tests/tracker/track_test.sh: records COUNT creatinine results for LABEL, one
// transaction each, and prints "ack N" (N = FIRST, FIRST+1, ...) on stdout only after the result's
// commit returned. The crash test kills it with SIGKILL at random moments and then checks that
// every acknowledged result is in the database.
//
// Usage: crash_writer DB RULES_DIR LABEL FIRST COUNT
// The note of each result is "seq N", so that the test can find it.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "doseplan/doseplan.hpp"
#include "doseplan/tracker.hpp"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: crash_writer DB RULES_DIR LABEL FIRST COUNT\n";
    return 64;
  }
  try {
    const doseplan::RuleSet rules = doseplan::load_rules(argv[2]);
    doseplan::Tracker tracker(argv[1], doseplan::Tracker::Mode::open_existing);
    const long first = std::atol(argv[4]);
    const long count = std::atol(argv[5]);
    doseplan::RecordRequest r;
    r.label = argv[3];
    r.test = "creatinine";
    r.date = doseplan::parse_date("2026-12-15");
    r.today = r.date;
    for (long i = 0; i < count; ++i) {
      const long n = first + i;
      r.value = std::to_string(60 + n % 90) + " umol/L";
      r.note = "seq " + std::to_string(n);
      tracker.record(rules, r);
      // One write(2) per line, after the commit: a line on stdout means the result is durable.
      const std::string line = "ack " + std::to_string(n) + "\n";
      if (::write(1, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 3;
    }
  } catch (const doseplan::Error& e) {
    for (const auto& p : e.problems()) std::cerr << "crash_writer: " << p.to_string() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "crash_writer: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
