// Property tests (rapidcheck) over random patients and choices, for every regimen of the shipped
// catalogue. Each property is checked on 1,000 generated cases, 50 under the sanitizers (RC_PARAMS
// in CTest, tests/CMakeLists.txt, fixes the seed so that a run is reproducible).
#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "doseplan/batch.hpp"
#include "doseplan/plan.hpp"
#include "doseplan/render.hpp"
#include "doseplan/request.hpp"
#include "doseplan/tracker.hpp"  // write_plan_request
#include "test_support.hpp"

using namespace doseplan;
using doseplan::testing::real_rules;

namespace {

// A random but plausible request for `r`: adult weight and height, a start in 2026-2030, a dose
// and a number of doses a day inside the regimen's ranges.
PlanRequest random_request(const Regimen& r) {
  PlanRequest q;
  q.regimen_id = r.id;
  q.weight = kilograms(*rc::gen::inRange(35, 150) + *rc::gen::inRange(0, 10) / 10.0);
  q.height = centimetres(*rc::gen::inRange(140, 201));
  const int year = *rc::gen::inRange(2026, 2031);
  const unsigned month = static_cast<unsigned>(*rc::gen::inRange(1, 13));
  const unsigned day = static_cast<unsigned>(*rc::gen::inRange(1, 29)) +
                       (*rc::gen::inRange(0, 4) == 0 ? 2u : 0u);  // now and then a 29th-31st
  date::year_month_day ymd{date::year{year}, date::month{month}, date::day{day}};
  if (!ymd.ok()) ymd = ymd.year() / ymd.month() / date::last;
  q.start = Date{ymd};
  if (r.dose.min && r.dose.max && r.uses_chosen_dose()) {
    const double lo = dose_number(*r.dose.min);
    const double hi = dose_number(*r.dose.max);
    const double f = *rc::gen::inRange(0, 101) / 100.0;
    q.dose = *make_dose(lo + (hi - lo) * f, dose_unit(*r.dose.min));
  }
  q.doses_per_day = *rc::gen::inRange(r.dose.doses_per_day_min, r.dose.doses_per_day_max + 1);
  // Phase lengths anywhere in their allowed range (when min and max share a unit).
  for (const PhaseRule& p : r.phases) {
    if (p.max_duration.count > 0 && p.min_duration.unit == p.max_duration.unit &&
        (p.kind == PhaseRule::Kind::chosen_dose || p.kind == PhaseRule::Kind::fixed_dose ||
         p.kind == PhaseRule::Kind::titration)) {
      q.phase_durations[p.id] = Span{
          *rc::gen::inRange(p.min_duration.count, p.max_duration.count + 1), p.min_duration.unit};
    }
    if (p.kind == PhaseRule::Kind::cycles) {
      q.cycle_counts[p.id] = *rc::gen::inRange(p.min_count, p.max_count + 1);
    }
  }
  return q;
}

// The longest span of `s` in days (a month counts 31).
int days_of(const Span& s) {
  return s.count * (s.unit == Span::Unit::day ? 1 : s.unit == Span::Unit::week ? 7 : 31);
}

// The amount an administration is made of.
double made_of(const Administration& a, const Product& p) {
  if (a.volume) return in_mL(*a.volume) * in_mg(DrugMass(*p.concentration * millilitres(1)));
  double sum = 0;
  for (const UnitCount& u : a.intravenous ? a.vials : a.units) sum += u.count * in_mg(u.strength);
  return sum;
}

}  // namespace

TEST_CASE("properties of every plan of the catalogue") {
  const RuleSet& rules = real_rules();
  for (const Regimen& regimen : rules.regimens) {
    rc::prop(regimen.id + ": doses add up, are made of real units, and dates are in order", [&] {
      const PlanRequest q = random_request(regimen);
      Plan plan;
      try {
        plan = make_plan(rules, q);
      } catch (const Error& e) {
        // A refusal is allowed only for a dose the product can not give at this weight.
        RC_ASSERT(e.id().rfind("dose.", 0) == 0);
        return;
      }
      RC_ASSERT(!plan.phases.empty());
      Date previous_last = plan.start - date::days{1};
      for (const PlannedPhase& p : plan.phases) {
        // Phases are contiguous (daily phases) or strictly later (cycles), never overlapping.
        if (p.cycle) {
          RC_ASSERT(p.first > previous_last);
        } else {
          RC_ASSERT(p.first == previous_last + date::days{1});
        }
        RC_ASSERT(p.last >= p.first);
        previous_last = p.last;
        const DailyDose& d = p.dose;
        if (d.administrations.front().cells) continue;
        // Administrations add up to the rounded daily dose.
        double sum = 0;
        for (const Administration& a : d.administrations) sum += in_mg(a.amount);
        RC_ASSERT(std::abs(sum - in_mg(d.rounded_daily)) < 1e-6);
        // Every amount is made of real product units (IV: vials hold at least the amount).
        for (const Administration& a : d.administrations) {
          const double made = made_of(a, plan.product);
          if (a.intravenous) {
            RC_ASSERT(made + 1e-6 >= in_mg(a.amount));
          } else {
            RC_ASSERT(std::abs(made - in_mg(a.amount)) < 1e-6);
          }
        }
        // Rounding is to the nearest step: never more than half a step away; unless the nearest
        // amount would pass a titration's maximum, when the dose is rounded down (the nearest kept
        // in nearest_daily, which is then within half a step, and above what is given).
        const double step = in_mg(plan.product.smallest_step());
        const double nearest = in_mg(d.nearest_daily.value_or(d.rounded_daily));
        RC_ASSERT(std::abs(nearest - in_mg(d.exact_daily)) <= step / 2 + 1e-6);
        if (d.nearest_daily) {
          RC_ASSERT(in_mg(d.rounded_daily) < nearest);
          RC_ASSERT(in_mg(d.rounded_daily) > in_mg(d.exact_daily) - step - 1e-6);
        }
      }
      RC_ASSERT(plan.end == previous_last);
      // Visits are sorted, one per date, no test twice on one day.
      for (std::size_t i = 1; i < plan.visits.size(); ++i) {
        RC_ASSERT(plan.visits[i - 1].date < plan.visits[i].date);
      }
      for (const Visit& v : plan.visits) {
        for (std::size_t a = 0; a < v.items.size(); ++a)
          for (std::size_t b = a + 1; b < v.items.size(); ++b)
            RC_ASSERT(v.items[a].monitoring_id != v.items[b].monitoring_id);
      }
      auto visits_of = [&](const std::string& id) {
        std::vector<Date> dates;
        for (const Visit& v : plan.visits)
          for (const VisitItem& item : v.items)
            if (item.monitoring_id == id) dates.push_back(v.date);
        return dates;
      };
      for (const MonitoringRule& m : regimen.monitoring) {
        const std::vector<Date> dates = visits_of(m.id);
        // Every dose change is followed by a re-check within the rule's span.
        if (m.after_dose_change) {
          for (std::size_t i = 1; i < plan.phases.size(); ++i) {
            const PlannedPhase& p = plan.phases[i];
            if (p.cycle || p.dose.rounded_daily == plan.phases[i - 1].dose.rounded_daily) continue;
            const Date by = add_span(p.first, m.after_dose_change->value);
            RC_ASSERT(std::any_of(dates.begin(), dates.end(),
                                  [&](Date d) { return d > p.first && d <= by; }));
          }
        }
        // Periodic monitoring covers the whole course: no gap longer than the longest interval.
        if (!m.intervals.empty() && !m.intervals.back().length) {
          int longest = 0;
          for (const MonitoringInterval& iv : m.intervals)
            longest = std::max(longest, days_of(iv.every));
          Date previous = plan.start;
          for (Date d : dates) {
            if (d <= plan.start || d > plan.end) continue;
            RC_ASSERT((d - previous).count() <= longest);
            previous = d;
          }
          RC_ASSERT((plan.end - previous).count() <= longest);
        }
      }
      // A chosen dose that rounding took outside the range is always said.
      if (plan.chosen && plan.phases.front().dose.actual_rate &&
          std::holds_alternative<DoseRate>(plan.chosen->value)) {
        const DoseRate actual = *plan.phases.front().dose.actual_rate;
        const bool outside =
            actual < std::get<DoseRate>(*regimen.dose.min) - mg_per_kg_per_day(1e-9) ||
            actual > std::get<DoseRate>(*regimen.dose.max) + mg_per_kg_per_day(1e-9);
        if (outside) {
          bool said = false;
          for (const LocalizedText& a : plan.advisories) {
            said = said || a.en.find("This is below the regimen's range") != std::string::npos ||
                   a.en.find("This is above the regimen's range") != std::string::npos;
          }
          RC_ASSERT(said);
        }
      }
    });
  }
}

TEST_CASE("batch writes, line by line, the plan or the refusal of each request") {
  // Random requests of one regimen as JSON Lines (write_plan_request), through run_batch: each
  // output line holds render_json() of make_plan() of the same request on one line, or the id of
  // the error make_plan() throws for it, in input order, on 1 to 3 threads.
  const RuleSet& rules = real_rules();
  for (const Regimen& regimen : rules.regimens) {
    rc::prop(regimen.id + ": batch lines are the plans", [&] {
      const int n = *rc::gen::inRange(1, 8);
      std::vector<PlanRequest> requests;
      std::string input;
      for (int i = 0; i < n; ++i) {
        requests.push_back(random_request(regimen));
        input += write_plan_request(requests.back()) + "\n";
      }
      std::istringstream in(input);
      std::ostringstream out;
      const int jobs = *rc::gen::inRange(1, 4);  // threads: the output must not depend on them
      const BatchSummary summary = run_batch(rules, in, out, false, jobs);
      RC_ASSERT(summary.lines == n);
      std::istringstream lines(out.str());
      std::string line;
      for (int i = 0; i < n; ++i) {
        RC_ASSERT(static_cast<bool>(std::getline(lines, line)));
        const nlohmann::json got = nlohmann::json::parse(line);
        RC_ASSERT(got.at("line") == i + 1);
        // The request as batch reads it (the line's text), planned alone.
        const PlanRequest q = parse_plan_request(write_plan_request(requests[i]), "request");
        try {
          const std::string plan = render_json(make_plan(rules, q), -1);
          RC_ASSERT(got.at("ok") == true);
          const std::string head = "{\"line\":" + std::to_string(i + 1) + ",\"ok\":true,\"plan\":";
          RC_ASSERT(line == head + plan.substr(0, plan.size() - 1) + "}");
        } catch (const Error& e) {
          RC_ASSERT(got.at("ok") == false);
          RC_ASSERT(got.at("errors").at(0).at("id") == e.id());
        }
      }
      RC_ASSERT(!std::getline(lines, line));
    });
  }
}
