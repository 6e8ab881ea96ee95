#include "doseplan/batch.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "doseplan/plan.hpp"
#include "doseplan/render.hpp"
#include "doseplan/request.hpp"

namespace doseplan {

BatchSummary run_batch(const RuleSet& rules, std::istream& in, std::ostream& out, bool explain) {
  PlanRequest base;
  base.explain = explain;
  BatchSummary summary;
  std::string line;
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
      const Plan plan = make_plan(rules, parse_plan_request(line, name, base));
      std::string json = render_json(plan, -1);  // one line, ending in '\n'
      json.pop_back();
      out << "{\"line\":" << n << ",\"ok\":true,\"plan\":" << json << "}\n";
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
