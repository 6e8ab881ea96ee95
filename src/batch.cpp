#include "doseplan/batch.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "doseplan/plan.hpp"
#include "doseplan/render.hpp"
#include "doseplan/request.hpp"
#include "plan_internal.hpp"
#include "plan_json.hpp"

namespace doseplan {

BatchSummary run_batch(const RuleSet& rules, std::istream& in, std::ostream& out, bool explain) {
  PlanRequest base;
  base.explain = explain;
  BatchSummary summary;
  std::string line;
  // One output record at a time, in a buffer that keeps its capacity from line to line; the
  // blocks every plan of a regimen shares are written once (plan_json.hpp).
  std::string record;
  detail::PlanJsonCache cache;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF files
    const int n = ++summary.lines;
    const std::string name = "line " + std::to_string(n);
    try {
      if (line.find_first_not_of(" \t") == std::string::npos) {
        throw Error("request.empty_line", name, "the line is empty; expected a plan request",
                    zh_detail("Line {n} is empty: each line holds one plan request.",
                              {{"n", std::to_string(n)}}));
      }
      // A shared plan: the parts every plan of the regimen has are written from the rules
      // (plan_internal.hpp), not copied into each plan.
      const detail::SharedPlan shared =
          detail::make_shared_plan(rules, parse_plan_request(line, name, base));
      // `record` keeps its size from line to line (spare room after the text: plan_json.hpp).
      const std::string head = "{\"line\":" + std::to_string(n) + ",\"ok\":true,\"plan\":";
      if (record.size() < head.size()) record.resize(head.size());
      record.replace(0, head.size(), head);
      std::size_t end =
          detail::write_plan_json(record, head.size(), shared.plan, -1, &cache, shared.regimen);
      if (record.size() < end + 2) record.resize(end + 2);
      record.replace(end, 2, "}\n");
      end += 2;
      out.write(record.data(), static_cast<std::streamsize>(end));
      ++summary.plans;
    } catch (const Error& e) {
      nlohmann::ordered_json errors = nlohmann::ordered_json::array();
      for (const Problem& p : e.problems()) {
        nlohmann::ordered_json error = {{"id", p.id}, {"where", p.where}, {"message", p.message}};
        if (!p.message_zh.empty()) error["message_zh"] = p.message_zh;
        errors.push_back(std::move(error));
      }
      out << nlohmann::ordered_json{{"line", n}, {"ok", false}, {"errors", errors}}.dump() << "\n";
      ++summary.errors;
    }
  }
  return summary;
}

}  // namespace doseplan
