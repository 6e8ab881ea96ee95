// doseplan — the patient monitoring tracker: a local SQLite store of plans, recorded results and
// visits done, with due/overdue lists and educational advice from the regimen's lab rules.
// (Being written; see issue 7 and docs/tracker.md.)
#ifndef DOSEPLAN_TRACKER_HPP_
#define DOSEPLAN_TRACKER_HPP_

#endif  // DOSEPLAN_TRACKER_HPP_
