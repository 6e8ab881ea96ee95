// MonitoringPlanner: baseline and periodic tests on the calendar, merged into visits by date.
//
// Baseline: `n` occasions before day 1, spaced by the regimen's baseline_spacing and counted back
// from day 1 (n = 2, 7 days: day -14 and day -7).
// Periodic: each interval "every E for L" covers a segment of the course, from the end of the
// segment before it (day 1 excluded) to start + the lengths so far (months, then days:
// CourseOffset). Its tests fall on start + k x E (k = 1, 2, ...) inside the segment, never after
// the last day of treatment: every test is counted from day 1, never chained from the test
// before. "Every 2 weeks for 3 months, then monthly" from 2026-12-01 gives 12-15 ... 2027-02-23,
// then 03-01, 04-01, ... (start + 3, 4, ... months, clamped to the month's end, dates.hpp).
#include <algorithm>
#include <map>

#include "doseplan/i18n.hpp"
#include "doseplan/plan.hpp"

namespace doseplan {
namespace {

Span times(const Span& s, int k) {
  return Span{s.count * k, s.unit};
}

// "every 2 weeks for the first 3 months", "every month for the next 9 months", "every month after
// that", "every month from the start". Each says where it begins, so the course summary can list
// them with "; " (in Chinese "前3个月每2周1次；随后9个月每月1次；之后每月1次") beside rules that
// run in parallel (a re-check after each dose change) without a "then" that chains them (issue 16,
// finding 7).
LocalizedText describe_interval(const MonitoringInterval& iv, bool first) {
  const LocalizedText every = every_text(iv.every);
  const char* sentence =
      iv.length ? (first ? "{every} for the first {span}" : "{every} for the next {span}")
                : (first ? "{every} from the start" : "{every} after that");
  if (!iv.length) return tr_both(sentence, {{"every", every}});
  return tr_both(sentence, {{"every", every}, {"span", span_text(*iv.length)}});
}

// A test around administration k: "pre-dose: on the day of administration 2"; with `each`, as
// the course summary says it: "pre-dose: on the day of each administration".
LocalizedText describe_around(const AroundDose& around, std::size_t k, bool each) {
  const LocalizedText label = around.label;
  const LocalizedText n = same_text(std::to_string(k + 1));
  const LocalizedText a = same_text(std::to_string(around.day));
  if (around.day == 0) {
    return each
               ? tr_both("{label}: on the day of each administration", {{"label", label}})
               : tr_both("{label}: on the day of administration {k}", {{"label", label}, {"k", n}});
  }
  if (around.day < 0) {
    const LocalizedText before = same_text(std::to_string(-around.day));
    if (each) {
      return tr_both(around.day == -1 ? "{label}: {n} day before each administration"
                                      : "{label}: {n} days before each administration",
                     {{"label", label}, {"n", before}});
    }
    return tr_both(around.day == -1 ? "{label}: {n} day before administration {k}"
                                    : "{label}: {n} days before administration {k}",
                   {{"label", label}, {"n", before}, {"k", n}});
  }
  if (around.window_days > 0) {
    const LocalizedText b = same_text(std::to_string(around.day + around.window_days));
    return each ? tr_both("{label}: day {a}\u2013{b} after each administration",
                          {{"label", label}, {"a", a}, {"b", b}})
                : tr_both("{label}: day {a}\u2013{b} after administration {k}",
                          {{"label", label}, {"a", a}, {"b", b}, {"k", n}});
  }
  return each ? tr_both("{label}: day {a} after each administration", {{"label", label}, {"a", a}})
              : tr_both("{label}: day {a} after administration {k}",
                        {{"label", label}, {"a", a}, {"k", n}});
}

}  // namespace

LocalizedText describe_around_each(const AroundDose& around) {
  return describe_around(around, 0, true);
}

// The window of a periodic visit: a quarter of its interval, at least 1 and at most 7 days on
// either side (project default, docs/rules.md): every 2 weeks -> ±3 days, monthly -> ±7 days.
int window_for(const Span& every, Date anchor) {
  const auto interval_days = static_cast<int>((add_span(anchor, every) - anchor).count());
  return std::clamp(interval_days / 4, 1, 7);
}

namespace {

// The visits of one plan, by date: each rule's occasions added one kind at a time.
class VisitPlanner {
 public:
  VisitPlanner(Date start, Date end) : start_(start), end_(end) {}

  void add_baseline(const Regimen& regimen, const MonitoringRule& rule);
  void add_periodic(const MonitoringRule& rule);
  void add_single(const MonitoringRule& rule, const std::vector<Date>& administrations);
  void add_rechecks(const MonitoringRule& rule, const std::vector<Date>& dose_changes);
  std::vector<Visit> visits();

 private:
  // `summary` is the reason as the course summary says it (the same for every occasion of a
  // kind); empty: the reason itself.
  void add(Date d, const MonitoringRule& rule, LocalizedText reason, const Provenance& from,
           int before = 0, int after = 0, LocalizedText summary = {});

  Date start_, end_;
  std::map<Date, Visit> by_date_;
};

void VisitPlanner::add(Date d, const MonitoringRule& rule, LocalizedText reason,
                       const Provenance& from, int before, int after, LocalizedText summary) {
  Visit& v = by_date_[d];
  v.date = d;
  v.baseline = d < start_;
  if (summary.en.empty()) summary = reason;
  // One item per monitoring rule and day: a second reason on the same day is added to it, and
  // the window is the narrower of the two.
  for (VisitItem& item : v.items) {
    if (item.monitoring_id == rule.id) {
      item.reason = join_texts(item.reason, reason);
      item.summaries.push_back(std::move(summary));
      item.window_before = std::min(item.window_before, before);
      item.window_after = std::min(item.window_after, after);
      return;
    }
  }
  VisitItem& item = v.items.emplace_back();
  item.monitoring_id = rule.id;
  item.name = rule.name;
  item.tests = rule.tests;
  item.timing = rule.timing;
  item.summaries.push_back(std::move(summary));
  item.reason = std::move(reason);
  item.from = from;
  item.window_before = before;
  item.window_after = after;
}

// `n` occasions before day 1, spaced by the regimen's baseline_spacing.
void VisitPlanner::add_baseline(const Regimen& regimen, const MonitoringRule& rule) {
  const int n = rule.baseline_occasions.value;
  const date::days spacing = add_span(start_, regimen.baseline_spacing.value) - start_;
  const LocalizedText count = same_text(std::to_string(n));
  // The summaries are the same for every occasion of a kind.
  const LocalizedText baseline_summary =
      n == 0 ? LocalizedText{}
             : tr_both(n == 1 ? "before day 1, {n} occasion" : "before day 1, {n} occasions",
                       {{"n", count}});
  for (int i = 0; i < n; ++i) {
    const Date d = start_ - spacing * (n - i);  // occasion 1 is the earliest
    add(d, rule,
        tr_both("baseline {i} of {n}, before day 1",
                {{"i", same_text(std::to_string(i + 1))}, {"n", count}}),
        rule.baseline_occasions.from, 0, 0, baseline_summary);
  }
}

// Each interval's tests inside its segment of the course.
void VisitPlanner::add_periodic(const MonitoringRule& rule) {
  CourseOffset lengths;                         // the lengths so far, counted from day 1
  Date segment_first = start_ + date::days{1};  // no periodic test on day 1 itself
  for (const MonitoringInterval& iv : rule.intervals) {
    const bool first_interval = &iv == &rule.intervals.front();
    Date segment_end = end_ + date::days{1};
    if (iv.length) {
      lengths = lengths.after(*iv.length);
      segment_end = lengths.on(start_);
    }
    const int window = window_for(iv.every, start_);
    const LocalizedText reason = describe_interval(iv, first_interval);
    for (int k = 1;; ++k) {
      const Date d = add_span(start_, times(iv.every, k));
      if (d >= segment_end || d > end_) break;
      if (d >= segment_first) add(d, rule, reason, iv.from, window, window);
    }
    segment_first = segment_end;
  }
}

// Tests around each administration, at a time after the start, and at the end of treatment.
void VisitPlanner::add_single(const MonitoringRule& rule,
                              const std::vector<Date>& administrations) {
  for (std::size_t k = 0; k < administrations.size(); ++k) {
    for (const AroundDose& around : rule.around_doses) {
      add(administrations[k] + date::days{around.day}, rule, describe_around(around, k, false),
          around.from, 0, around.window_days, describe_around(around, k, true));
    }
  }
  for (const Sourced<Span>& at : rule.at) {
    add(add_span(start_, at.value), rule,
        tr_both("{span} after the start", {{"span", span_text(at.value)}}), at.from, 7, 7);
  }
  if (rule.at_end) add(end_, rule, tr_both("end of treatment"), *rule.at_end, 7, 0);
}

// A re-check after every dose change: unless a visit of this item already falls within the
// rule's days after the change, one is added on the last of those days (window: 3 days
// before it, none after).
void VisitPlanner::add_rechecks(const MonitoringRule& rule, const std::vector<Date>& dose_changes) {
  if (!rule.after_dose_change) return;
  for (const Date change : dose_changes) {
    const Date by = add_span(change, rule.after_dose_change->value);
    bool covered = false;
    for (auto it = by_date_.upper_bound(change); it != by_date_.end() && it->first <= by; ++it) {
      for (const VisitItem& item : it->second.items) covered |= item.monitoring_id == rule.id;
    }
    if (!covered) {
      const LocalizedText span = span_text(rule.after_dose_change->value);
      add(by, rule,
          tr_both("re-check {span} after the dose change of {date}",
                  {{"span", span}, {"date", same_text(format_date(change))}}),
          rule.after_dose_change->from, 3, 0,
          tr_both("re-check {span} after each dose change", {{"span", span}}));
    }
  }
}

std::vector<Visit> VisitPlanner::visits() {
  std::vector<Visit> out;
  out.reserve(by_date_.size());
  for (auto& [d, v] : by_date_) out.push_back(std::move(v));
  return out;
}

}  // namespace

std::vector<Visit> plan_visits(const Regimen& regimen, Date start, Date end,
                               const std::vector<Date>& administrations,
                               const std::vector<Date>& dose_changes) {
  VisitPlanner planner(start, end);
  for (const MonitoringRule& rule : regimen.monitoring) {
    planner.add_baseline(regimen, rule);
    planner.add_periodic(rule);
    planner.add_single(rule, administrations);
    planner.add_rechecks(rule, dose_changes);
  }
  return planner.visits();
}

}  // namespace doseplan
