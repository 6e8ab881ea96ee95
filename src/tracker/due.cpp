// Tracker::due: the visits not done that are overdue, due or upcoming.
#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "tracker/store.hpp"

namespace doseplan {

using namespace detail;  // NOLINT: the tracker's own helpers (store.hpp)

// The visits to show: not done, and whose window opens by the horizon. For all patients they are
// one range of the partial index visits_due (the visits not done, in the order of their windows'
// first day, with every column read here), read first; then their plans' patients and regimens
// (plans_by_patient: not the plan's JSON) in one pass over the plans. One patient's visits come
// from visits_open (by plan, then window). The tests recorded in each window are read patient by
// patient afterwards, and the item sets named are read and parsed once each (visit_items). The
// statements are stepped through the C API: SQLiteCpp's columns cost a shared pointer each.
std::vector<DueVisit> Tracker::due(const std::optional<std::string>& label, Date today,
                                   Span within) const {
  const Date horizon = add_span(today, within);
  // Columns 0-6 in both; 7-9 (the patient) only for one patient.
  static constexpr const char* kColumns =
      "SELECT v.plan_id, v.id, v.window_first, v.window_before, v.window_after, v.baseline, "
      "v.items_id";
  const std::string sql =
      std::string(kColumns) +
      (label ? ", p.label, pl.regimen_id, pl.patient_id FROM patients p CROSS JOIN plans pl "
               "INDEXED BY plans_by_patient CROSS JOIN visits v INDEXED BY visits_open WHERE "
               "p.label = ?2 AND pl.patient_id = p.id AND v.plan_id = pl.id AND v.done = 0 AND "
               "v.window_first <= ?1"
             : " FROM visits v INDEXED BY visits_due WHERE v.done = 0 AND v.window_first <= ?1");
  return impl_->guarded([&] {
    // One read transaction: a consistent snapshot across patients.
    SQLite::Transaction tx(*impl_->db, SQLite::TransactionBehavior::DEFERRED);
    if (label) impl_->patient_id(*label);  // tracker.unknown_patient
    sqlite3* const handle = impl_->db->getHandle();
    using Statement = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;
    const auto prepare = [&](const char* text) {
      sqlite3_stmt* raw = nullptr;
      if (const int rc = sqlite3_prepare_v2(handle, text, -1, &raw, nullptr); rc != SQLITE_OK) {
        throw SQLite::Exception(handle, rc);
      }
      return Statement(raw, sqlite3_finalize);
    };
    const auto text_of = [](sqlite3_stmt* st, int col) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
      return std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, col)));
    };
    const Statement st = prepare(sql.c_str());
    sqlite3_stmt* const raw = st.get();
    sqlite3_bind_int64(raw, 1, day_number(horizon));
    if (label) sqlite3_bind_text(raw, 2, label->data(), static_cast<int>(label->size()), nullptr);
    ItemSets sets;
    std::optional<SQLite::Statement> items_st;
    // Each visit listed is read straight into the list, which is put in order in place at the
    // end: a DueVisit is 72 bytes (the label, the regimen and the item set's lists are shared,
    // not copied), so that no other copy of the rows is made.
    struct Patient {
      SharedText label;
      SharedText regimen_id;
      std::int64_t id;
    };
    // Each regimen once: a clinic's thousands of patients follow a few dozen regimens, and the
    // visits share the text.
    std::unordered_map<std::string_view, SharedText> regimens;
    const auto regimen_text = [&](std::string_view id) -> const SharedText& {
      if (const auto it = regimens.find(id); it != regimens.end()) return it->second;
      SharedText text{std::string(id)};
      const std::string_view key = text.str();  // in the shared block: it does not move
      return regimens.emplace(key, std::move(text)).first->second;
    };
    std::vector<DueVisit> found;
    std::vector<Patient> patients;        // in the order of their ids
    std::vector<std::int64_t> row_plans;  // all patients: each visit's plan
    if (!label) {
      // Room for a large clinic's list: pages not written are never touched, and the vectors do
      // not move as they grow.
      found.reserve(std::size_t{1} << 15);
      row_plans.reserve(std::size_t{1} << 15);
    }
    const std::int64_t today_day = day_number(today);
    int rc = SQLITE_ROW;
    std::int64_t last_set_id = -1;
    const ItemSet* last_set = nullptr;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      DueVisit& d = found.emplace_back();
      PlannedVisit& v = d.visit;
      v.id = sqlite3_column_int64(raw, 1);
      const std::int64_t first = sqlite3_column_int64(raw, 2);  // days since 1970-01-01
      v.window_before = sqlite3_column_int(raw, 3);
      v.window_after = sqlite3_column_int(raw, 4);
      v.baseline = sqlite3_column_int(raw, 5) != 0;
      v.date = Date(date::days(first + v.window_before));
      if (const std::int64_t set_id = sqlite3_column_int64(raw, 6);
          set_id != last_set_id || last_set == nullptr) {
        last_set = &impl_->item_set(sets, items_st, set_id);
        last_set_id = set_id;
      }
      v.tests = last_set->tests;
      v.items = last_set->items;
      const std::int64_t last = first + v.window_before + v.window_after;
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
      if (label) {
        if (patients.empty()) {
          patients.push_back({SharedText(std::string(text_of(raw, 7))),
                              SharedText(std::string(text_of(raw, 8))),
                              sqlite3_column_int64(raw, 9)});
        }
      } else {
        row_plans.push_back(sqlite3_column_int64(raw, 0));
      }
    }
    if (rc != SQLITE_DONE) throw SQLite::Exception(handle, rc);
    std::vector<std::uint32_t> row_patient(found.size(), 0);  // each visit's, in `patients`
    if (!label && !found.empty()) {
      // Every plan with its patient, in the order of the patients' ids (a scan of
      // plans_by_patient, a few pages: cheaper than seeking a plan's row, one page each because
      // of its JSON), keeping the plans listed. The plans' ids are rowids, numbered from 1 as
      // they were made: a table indexed by plan id says which are listed and their patient
      // (sorting the plans' ids and searching them cost more than the scan). A store whose ids
      // are far larger than its rows (only a hand-made one) has them sorted and searched.
      constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
      constexpr std::uint32_t kListed = kNone - 1;
      const auto [min_plan, max_plan] = std::minmax_element(row_plans.begin(), row_plans.end());
      const bool dense = *min_plan >= 0 && *max_plan < std::int64_t{1} << 24;
      std::vector<std::int64_t> plans_listed;  // if not dense: the plans listed, sorted, once each
      std::vector<std::uint32_t> patient_of;   // by plan id (dense) or as plans_listed
      if (dense) {
        patient_of.assign(static_cast<std::size_t>(*max_plan) + 1, kNone);
        for (const std::int64_t plan : row_plans)
          patient_of[static_cast<std::size_t>(plan)] = kListed;
      } else {
        plans_listed = row_plans;
        std::sort(plans_listed.begin(), plans_listed.end());
        plans_listed.erase(std::unique(plans_listed.begin(), plans_listed.end()),
                           plans_listed.end());
        patient_of.assign(plans_listed.size(), kListed);
      }
      const auto slot = [&](std::int64_t plan) -> std::uint32_t* {
        if (dense) {
          return plan >= 0 && plan < static_cast<std::int64_t>(patient_of.size())
                     ? &patient_of[static_cast<std::size_t>(plan)]
                     : nullptr;
        }
        const auto it = std::lower_bound(plans_listed.begin(), plans_listed.end(), plan);
        return it != plans_listed.end() && *it == plan
                   ? &patient_of[static_cast<std::size_t>(it - plans_listed.begin())]
                   : nullptr;
      };
      patients.reserve(std::min<std::size_t>(found.size(), patient_of.size()));
      const Statement plans_st = prepare(
          "SELECT pl.id, pl.patient_id, p.label, pl.regimen_id FROM plans pl INDEXED BY "
          "plans_by_patient CROSS JOIN patients p WHERE p.id = pl.patient_id");
      sqlite3_stmt* const ps = plans_st.get();
      while ((rc = sqlite3_step(ps)) == SQLITE_ROW) {
        std::uint32_t* const s = slot(sqlite3_column_int64(ps, 0));
        if (s == nullptr || *s != kListed) continue;
        *s = static_cast<std::uint32_t>(patients.size());
        patients.push_back({SharedText(std::string(text_of(ps, 2))), regimen_text(text_of(ps, 3)),
                            sqlite3_column_int64(ps, 1)});
      }
      if (rc != SQLITE_DONE) throw SQLite::Exception(handle, rc);
      std::size_t kept = 0;
      for (std::size_t i = 0; i < found.size(); ++i) {
        const std::uint32_t p = *slot(row_plans[i]);
        if (p == kListed) continue;  // a plan without its patient: not listed (as a join would)
        if (kept != i) found[kept] = std::move(found[i]);
        row_patient[kept] = p;
        ++kept;
      }
      found.resize(kept);
      row_patient.resize(kept);
    }
    for (std::size_t i = 0; i < found.size(); ++i) {
      found[i].label = patients[row_patient[i]].label;
      found[i].regimen_id = patients[row_patient[i]].regimen_id;
    }
    // The visits of each patient, patient by patient (a counting sort: patient p's visits are
    // by_patient[begin[p]] to by_patient[begin[p + 1]] - 1).
    std::vector<std::uint32_t> begin(patients.size() + 1, 0);
    for (const std::uint32_t p : row_patient) ++begin[p + 1];
    for (std::size_t p = 0; p < patients.size(); ++p) begin[p + 1] += begin[p];
    std::vector<std::uint32_t> by_patient(found.size());
    {
      std::vector<std::uint32_t> next(begin.begin(), begin.end() - 1);
      for (std::size_t i = 0; i < found.size(); ++i) {
        by_patient[next[row_patient[i]]++] = static_cast<std::uint32_t>(i);
      }
    }
    // The tests recorded in each window. The patients are in the order of their ids, and so are
    // the results in results_by_patient (patient, test, date): one statement walks the results
    // alongside, seeking only when it is behind the patient. So a patient without results costs
    // nothing once the walk has passed them, and a patient's results are read once, not once a
    // visit.
    const Statement results_st = prepare(
        "SELECT patient_id, test, date FROM results INDEXED BY results_by_patient WHERE "
        "patient_id >= ?1 AND id NOT IN (SELECT result_id FROM entered_in_error) "
        "ORDER BY patient_id, test, date");
    sqlite3_stmt* const raw_results = results_st.get();
    bool walking = false;              // raw_results has been stepped since its last reset
    std::int64_t results_patient = 0;  // the patient of its current row; INT64_MAX at the end
    const auto step_results = [&] {
      const int step = sqlite3_step(raw_results);
      if (step != SQLITE_ROW && step != SQLITE_DONE) throw SQLite::Exception(handle, step);
      results_patient = step == SQLITE_ROW ? sqlite3_column_int64(raw_results, 0)
                                           : std::numeric_limits<std::int64_t>::max();
    };
    std::vector<std::pair<std::string, std::string>> recorded;  // test, date (YYYY-MM-DD)
    for (std::size_t p = 0; p < patients.size(); ++p) {
      const std::uint32_t* const b = by_patient.data() + begin[p];
      const std::uint32_t* const e = by_patient.data() + begin[p + 1];
      const std::int64_t patient = patients[p].id;
      if (b == e) continue;
      if (!walking || results_patient < patient) {
        sqlite3_reset(raw_results);
        sqlite3_bind_int64(raw_results, 1, patient);
        walking = true;
        step_results();
      }
      if (results_patient != patient) continue;  // no result
      Date first = found[*b].visit.window_first();
      Date last = found[*b].visit.window_last();
      for (const std::uint32_t* i = b + 1; i != e; ++i) {
        first = std::min(first, found[*i].visit.window_first());
        last = std::max(last, found[*i].visit.window_last());
      }
      const std::string first_text = format_date(first), last_text = format_date(last);
      recorded.clear();
      for (; results_patient == patient; step_results()) {
        const std::string_view on = text_of(raw_results, 2);
        if (first_text <= on && on <= last_text) {
          recorded.emplace_back(text_of(raw_results, 1), on);
        }
      }
      if (recorded.empty()) continue;
      // The tests of each visit with a result inside its window (dates compared as the text
      // stored, as SQL compares them), in the visit's order.
      for (const std::uint32_t* i = b; i != e; ++i) {
        DueVisit& d = found[*i];
        const std::string from = format_date(d.visit.window_first());
        const std::string to = format_date(d.visit.window_last());
        std::vector<std::string> tests;
        for (const std::string& t : d.visit.tests) {
          const bool in_window = std::any_of(recorded.begin(), recorded.end(), [&](const auto& x) {
            return x.first == t && from <= x.second && x.second <= to;
          });
          if (in_window) tests.push_back(t);
        }
        if (!tests.empty()) d.tests_recorded = std::move(tests);
      }
    }
    tx.commit();
    // Overdue first, then due, then upcoming; by date, then label. A patient has one visit a
    // date, so the order is total. The patients are ranked by label once, and the visits taken
    // patient by patient in that order; then one counting sort by status and date (stable: the
    // labels stay in order) gives each visit its place.
    const auto prefix_of = [](const std::string& name) {  // the first 8 bytes, big-endian
      std::uint64_t p = 0;
      for (std::size_t i = 0; i < 8; ++i) {
        p = (p << 8) | (i < name.size() ? static_cast<unsigned char>(name[i]) : 0U);
      }
      return p;
    };
    std::vector<std::pair<std::uint64_t, std::uint32_t>> by_label;  // prefix, patient
    by_label.reserve(patients.size());
    for (std::size_t i = 0; i < patients.size(); ++i) {
      by_label.emplace_back(prefix_of(patients[i].label), static_cast<std::uint32_t>(i));
    }
    const auto label_order = [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      return patients[a.second].label.str() < patients[b.second].label.str();
    };
    // (Often already so: labels given in the order the patients came.)
    if (!std::is_sorted(by_label.begin(), by_label.end(), label_order)) {
      std::sort(by_label.begin(), by_label.end(), label_order);
    }
    std::vector<std::uint32_t> by_rank;  // the visits, by label
    by_rank.reserve(found.size());
    for (const auto& [prefix, p] : by_label) {
      by_rank.insert(by_rank.end(), by_patient.data() + begin[p], by_patient.data() + begin[p + 1]);
    }
    const auto day_of = [](const DueVisit& d) -> std::int64_t {
      return d.visit.date.time_since_epoch().count();
    };
    std::vector<std::uint32_t> sorted(found.size());  // the visit to put at each place
    if (!found.empty()) {
      std::int64_t min_day = day_of(found.front()), max_day = min_day;
      for (const DueVisit& d : found) {
        min_day = std::min(min_day, day_of(d));
        max_day = std::max(max_day, day_of(d));
      }
      // A counting sort when the days listed are no more than the visits (a clinic's list: 14,825
      // visits over about 400 days), else a sort by comparison (a short list, or days spread
      // over years), in the same order.
      const std::int64_t span = max_day - min_day + 1;
      if (span <= static_cast<std::int64_t>(found.size())) {
        const auto bucket = [&](const DueVisit& d) {
          return static_cast<std::size_t>(static_cast<std::int64_t>(d.status) * span +
                                          (day_of(d) - min_day));
        };
        std::vector<std::uint32_t> at(static_cast<std::size_t>(span) * 3 + 1, 0);
        for (const DueVisit& d : found) ++at[bucket(d) + 1];
        for (std::size_t k = 1; k < at.size(); ++k) at[k] += at[k - 1];
        for (const std::uint32_t i : by_rank) sorted[at[bucket(found[i])]++] = i;
      } else {
        sorted = by_rank;
        std::stable_sort(sorted.begin(), sorted.end(), [&](std::uint32_t a, std::uint32_t b) {
          return std::pair(found[a].status, day_of(found[a])) <
                 std::pair(found[b].status, day_of(found[b]));
        });
      }
    }
    // The visits put in place (found[k] becomes the visit at sorted[k]), each cycle of the
    // permutation walked once: one move a visit.
    for (std::size_t k = 0; k < sorted.size(); ++k) {
      if (sorted[k] == k) continue;
      DueVisit held = std::move(found[k]);
      std::size_t at = k;
      for (;;) {
        const std::size_t from = sorted[at];
        sorted[at] = static_cast<std::uint32_t>(at);
        if (from == k) {
          found[at] = std::move(held);
          break;
        }
        found[at] = std::move(found[from]);
        at = from;
      }
    }
    return found;
  });
}

}  // namespace doseplan
