// doseplan — batch mode: JSON Lines in, JSON Lines out (`doseplan batch`).
//
// Each input line is a plan request (request.hpp, with "regimen"). Each output line answers the
// input line of the same number, in order:
//   {"line": 1, "ok": true, "plan": {...the JSON plan of render_json...}}
//   {"line": 2, "ok": false, "errors": [{"id": "...", "where": "line 2:/weight", "message":
//   "..."}]}
// A bad line never stops the others. Nothing else is written to `out`.
#ifndef DOSEPLAN_BATCH_HPP_
#define DOSEPLAN_BATCH_HPP_

#include <istream>
#include <ostream>

#include "doseplan/rules.hpp"

namespace doseplan {

struct BatchSummary {
  int lines = 0;
  int plans = 0;
  int errors = 0;
};

// With `explain`, every plan carries its audit trail (PlanRequest::explain, the JSON "audit").
// `jobs` threads plan the lines (at least 1); the output is the same, in input order, whatever
// their number. `in` is read by a thread of its own, `out` written by the calling thread.
BatchSummary run_batch(const RuleSet& rules, std::istream& in, std::ostream& out,
                       bool explain = false, int jobs = 1);

}  // namespace doseplan

#endif  // DOSEPLAN_BATCH_HPP_
