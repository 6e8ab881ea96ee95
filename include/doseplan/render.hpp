// doseplan — renderers: Plan -> bytes. Pure functions: no I/O, no clock.
// Every output carries the educational-aid disclaimer, the sources and the project defaults used.
#ifndef DOSEPLAN_RENDER_HPP_
#define DOSEPLAN_RENDER_HPP_

#include <string>

#include "doseplan/plan.hpp"

namespace doseplan {

// For clinicians: a summary, then the phase table, then the monitoring calendar.
std::string render_text(const Plan& plan);

// The same plan as JSON (format_version, typed numbers with their units, both languages).
std::string render_json(const Plan& plan);

}  // namespace doseplan

#endif  // DOSEPLAN_RENDER_HPP_
