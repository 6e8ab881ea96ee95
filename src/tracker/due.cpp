// Tracker::due: the visits not done that are overdue, due or upcoming.
#include <algorithm>
#include <map>
#include <utility>

#include "tracker/store.hpp"

namespace doseplan {

using namespace detail;  // NOLINT: the tracker's own helpers (store.hpp)

namespace {

// The patient of a plan, as due() lists it.
struct PlanPatient {
  std::int64_t patient_id = 0;
  std::string label;
  std::string regimen_id;
};

// A visit not done read from the store, with the plan it belongs to.
struct DueRow {
  std::int64_t plan_id = 0;
  DueVisit visit;
};

// The visits not done whose window opens on or before `horizon`: of all patients (the index
// visits_due, in the order of their windows) or of the patient `label` (visits_open).
// SQLite is told the indexes and the order of the joins (INDEXED BY, CROSS JOIN); PostgreSQL's
// planner chooses them from its statistics.
std::string due_rows_sql(bool one_patient, sql::Dialect dialect) {
  const bool sqlite = dialect == sql::Dialect::sqlite;
  const std::string columns =
      "SELECT v.plan_id, v.id, v.window_first, v.window_before, v.window_after, v.baseline, "
      "v.items_id";
  if (one_patient) {
    return columns +
           (sqlite ? " FROM patients p CROSS JOIN plans pl INDEXED BY plans_by_patient CROSS JOIN "
                     "visits v INDEXED BY visits_open"
                   : " FROM patients p, plans pl, visits v") +
           " WHERE p.label = ?2 AND pl.patient_id = p.id AND v.plan_id = pl.id AND v.done = 0 AND "
           "v.window_first <= ?1";
  }
  return columns + (sqlite ? " FROM visits v INDEXED BY visits_due" : " FROM visits v") +
         " WHERE v.done = 0 AND v.window_first <= ?1";
}

// Overdue when `today` is past the window, due inside it, else upcoming; `days` as DueVisit says.
void set_status(DueVisit& d, std::int64_t today_day) {
  const std::int64_t first = day_number(d.visit.window_first());
  const std::int64_t last = day_number(d.visit.window_last());
  if (today_day > last) {
    d.status = DueVisit::Status::overdue;
    d.days = static_cast<int>(today_day - last);
  } else if (first <= today_day) {
    d.status = DueVisit::Status::due;
    d.days = static_cast<int>(last - today_day);
  } else {
    d.status = DueVisit::Status::upcoming;
    d.days = static_cast<int>(first - today_day);
  }
}

// The plans with their patient's label and the plan's regimen, by plan id: every plan, or that of
// the patient `label`.
std::map<std::int64_t, PlanPatient> plan_patients(sql::Connection& db,
                                                  const std::optional<std::string>& label) {
  const std::unique_ptr<sql::Rows> st =
      db.query(std::string("SELECT pl.id, pl.patient_id, p.label, pl.regimen_id FROM plans pl "
                           "JOIN patients p ON p.id = pl.patient_id") +
                   (label ? " WHERE p.label = ?1" : ""),
               label ? sql::Params{*label} : sql::Params{});
  std::map<std::int64_t, PlanPatient> out;
  while (st->next()) out[st->int64(0)] = {st->int64(1), st->text(2), st->text(3)};
  return out;
}

// The results not marked entered in error, by patient: test and date (YYYY-MM-DD, as stored).
// Of every patient in one query, or of the patient `label`.
using RecordedByPatient = std::map<std::int64_t, std::vector<std::pair<std::string, std::string>>>;
RecordedByPatient recorded_by_patient(sql::Connection& db,
                                      const std::optional<std::string>& label) {
  const std::unique_ptr<sql::Rows> st = db.query(
      std::string("SELECT r.patient_id, r.test, r.date FROM results r") +
          (label ? " JOIN patients p ON p.id = r.patient_id WHERE p.label = ?1 AND" : " WHERE") +
          " r.id NOT IN (SELECT result_id FROM entered_in_error)",
      label ? sql::Params{*label} : sql::Params{});
  RecordedByPatient out;
  while (st->next()) out[st->int64(0)].emplace_back(st->text(1), st->text(2));
  return out;
}

// The tests of the visit with a result inside its window (dates compared as the text stored, as
// SQL compares them), in the visit's order.
std::vector<std::string> tests_recorded(
    const PlannedVisit& v, const std::vector<std::pair<std::string, std::string>>& recorded) {
  const std::string from = format_date(v.window_first());
  const std::string to = format_date(v.window_last());
  std::vector<std::string> tests;
  for (const std::string& t : v.tests()) {
    const bool in_window = std::any_of(recorded.begin(), recorded.end(), [&](const auto& r) {
      return r.first == t && from <= r.second && r.second <= to;
    });
    if (in_window) tests.push_back(t);
  }
  return tests;
}

// Overdue first, then due, then upcoming; by date, then label. A patient has one plan and one
// visit a date, so the order is total.
bool due_order(const DueVisit& a, const DueVisit& b) {
  if (a.status != b.status) return a.status < b.status;
  if (a.visit.date != b.visit.date) return a.visit.date < b.visit.date;
  return a.label < b.label;
}

// The visits not done of the rows read, with their item sets: `item_set(id)` gives set `id`.
template <class ItemSetOf>
std::vector<DueRow> due_rows(sql::Connection& db, const std::optional<std::string>& label,
                             Date today, Date horizon, ItemSetOf&& item_set) {
  sql::Params params{std::int64_t{day_number(horizon)}};
  if (label) params.emplace_back(*label);
  const std::unique_ptr<sql::Rows> st =
      db.query(due_rows_sql(label.has_value(), db.dialect()), params);
  std::vector<DueRow> rows;
  while (st->next()) {
    DueRow& row = rows.emplace_back();
    row.plan_id = st->int64(0);
    PlannedVisit& v = row.visit.visit;
    v.id = st->int64(1);
    const std::int64_t first = st->int64(2);  // days since 1970-01-01
    v.window_before = static_cast<int>(st->int64(3));
    v.window_after = static_cast<int>(st->int64(4));
    v.baseline = st->int64(5) != 0;
    v.date = Date(date::days(first + v.window_before));
    v.set_contents(item_set(st->int64(6)));
    set_status(row.visit, day_number(today));
  }
  return rows;
}

}  // namespace

std::vector<DueVisit> Tracker::due(const std::optional<std::string>& label, Date today,
                                   Span within) const {
  const Date horizon = add_span(today, within);
  return impl_->guarded([&] {
    // One read transaction: a consistent snapshot across patients.
    sql::Connection& db = *impl_->sql;
    sql::Transaction tx(db, sql::kRead);
    if (label) impl_->patient_id(*label);  // tracker.unknown_patient
    ItemSets sets;
    std::vector<DueRow> rows =
        due_rows(db, label, today, horizon,
                 [&](std::int64_t id) -> const std::shared_ptr<const VisitContents>& {
                   return impl_->item_set(sets, id);
                 });
    const std::map<std::int64_t, PlanPatient> plans = plan_patients(db, label);
    const RecordedByPatient recorded = recorded_by_patient(db, label);
    const std::vector<std::pair<std::string, std::string>> none;
    std::vector<DueVisit> found;
    for (DueRow& row : rows) {
      const auto plan = plans.find(row.plan_id);
      if (plan == plans.end()) continue;  // a plan without its patient: not listed
      const PlanPatient& p = plan->second;
      const auto results = recorded.find(p.patient_id);
      DueVisit& d = found.emplace_back(std::move(row.visit));
      d.label = p.label;
      d.regimen_id = p.regimen_id;
      d.tests_recorded =
          tests_recorded(d.visit, results == recorded.end() ? none : results->second);
    }
    tx.commit();
    std::stable_sort(found.begin(), found.end(), due_order);
    return found;
  });
}

}  // namespace doseplan
