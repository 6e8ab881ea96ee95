// doseplan — a plan request as JSON (the patient file of `doseplan plan --input FILE`).
//
//   {"regimen": "cyclosporine-itp", "weight": "62 kg", "start": "2026-12-01",
//    "dose": "5 mg/kg/d", "doses_per_day": 2, "product": "cyclosporine-modified-capsule",
//    "phase_durations": {"induction": "3 months"}, "taper_step": "0.5 mg/kg/d",
//    "taper_every": "2 weeks", "height": "165 cm", "age_years": 45,
//    "cycle_counts": {"pulses": 12}, "birth_date": "1981-05-02", "sex": "female",
//    "creatinine": "97 umol/L"}
// Quantities are strings with their unit, read by the parsers of units.hpp. Only "regimen",
// "weight" and "start" are required. Unknown fields are errors, never ignored.
#ifndef DOSEPLAN_REQUEST_HPP_
#define DOSEPLAN_REQUEST_HPP_

#include <string>
#include <string_view>

#include "doseplan/plan.hpp"

namespace doseplan {

// A request read from JSON; `base` supplies values the text leaves out (and is overridden by it).
// Throws Error with every problem, each naming `file` and the JSON pointer.
PlanRequest parse_plan_request(std::string_view json_text, const std::string& file,
                               PlanRequest base = {});

// A request as the JSON of request.hpp, readable by parse_plan_request (numbers in the internal
// units, written so that they read back exactly).
std::string write_plan_request(const PlanRequest& request);

}  // namespace doseplan

#endif  // DOSEPLAN_REQUEST_HPP_
