// Internal: reading a JSON plan back (src/tracker/plan_file.cpp), for Tracker::rebuild_plan.
#ifndef DOSEPLAN_SRC_TRACKER_PLAN_FILE_HPP_
#define DOSEPLAN_SRC_TRACKER_PLAN_FILE_HPP_

#include <nlohmann/json.hpp>

namespace doseplan::detail {

// Whether `rebuilt` (a plan rendered by render_json now) is the plan `stored`; members a JSON plan
// gained after plans were first stored (checks, acknowledgements) may be missing from an older
// stored plan when they are empty in the rebuilt one, and "request" whatever it holds.
bool same_plan(nlohmann::json rebuilt, const nlohmann::json& stored);
// `rebuilt` without those members, and without "request" when `stored` has none (a plan the
// tracker stored before plans carried their request): same_plan is comparable(...) == stored.
nlohmann::json comparable(nlohmann::json rebuilt, const nlohmann::json& stored);

}  // namespace doseplan::detail

#endif  // DOSEPLAN_SRC_TRACKER_PLAN_FILE_HPP_
