// doseplan — the whole public API. An educational aid, never a prescriber.
//
//   RuleSet rules = load_rules(find_rules_dir(std::nullopt, std::getenv("DOSEPLAN_RULES")));
//   PlanRequest q;  q.regimen_id = "cyclosporine-itp";  q.weight = parse_body_mass("62 kg");
//   q.start = parse_date("2026-12-01");
//   Plan plan = make_plan(rules, q);            // throws doseplan::Error on bad input
//   std::string text = render_text(plan);
#ifndef DOSEPLAN_DOSEPLAN_HPP_
#define DOSEPLAN_DOSEPLAN_HPP_

#include "doseplan/batch.hpp"
#include "doseplan/body.hpp"
#include "doseplan/check.hpp"
#include "doseplan/dates.hpp"
#include "doseplan/dose.hpp"
#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/ics.hpp"
#include "doseplan/plan.hpp"
#include "doseplan/regimen.hpp"
#include "doseplan/render.hpp"
#include "doseplan/request.hpp"
#include "doseplan/rules.hpp"
#include "doseplan/units.hpp"
#include "doseplan/version.hpp"
#include "doseplan/wording.hpp"

#endif  // DOSEPLAN_DOSEPLAN_HPP_
