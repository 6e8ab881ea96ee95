// The schema of the tracker's store and its migrations, in SQLite's dialect (versioned by PRAGMA
// user_version) and PostgreSQL's (versioned by the table doseplan_schema). Both stores have the
// same tables, columns, indexes and append-only rules at every version; a migration is written
// once for both where the two dialects agree.
#include <iterator>
#include <string>

#include "tracker/store.hpp"

namespace doseplan {

namespace {

// Migration k (1-based) takes the schema from version k-1 to k. Never edit a released one: add.
// The migrations in SQLite's dialect; kPostgresMigrations below has the same ones for PostgreSQL.
const char* const kMigrations[] = {
    // 1: patients, their plan (JSON + the request that made it), visits, results.
    R"sql(
CREATE TABLE patients (
  id INTEGER PRIMARY KEY,
  label TEXT NOT NULL UNIQUE,
  created_on TEXT NOT NULL
);
CREATE TABLE plans (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL UNIQUE REFERENCES patients(id),
  regimen_id TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  plan_json TEXT NOT NULL,
  request_json TEXT NOT NULL,
  created_on TEXT NOT NULL
);
CREATE TABLE visits (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans(id),
  date TEXT NOT NULL,
  baseline INTEGER NOT NULL CHECK (baseline IN (0, 1)),
  window_before INTEGER NOT NULL,
  window_after INTEGER NOT NULL,
  tests_json TEXT NOT NULL,
  items_json TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
  done_on TEXT,
  done_note TEXT NOT NULL DEFAULT '',
  UNIQUE (plan_id, date)
);
CREATE TABLE results (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  test TEXT NOT NULL,
  date TEXT NOT NULL,
  value_as_entered TEXT NOT NULL,
  unit_as_entered TEXT NOT NULL,
  value_canonical REAL NOT NULL,
  unit_canonical TEXT NOT NULL,
  uln_as_entered TEXT,
  uln_unit_as_entered TEXT,
  uln_canonical REAL,
  note TEXT NOT NULL DEFAULT '',
  recorded_on TEXT NOT NULL
);
CREATE INDEX results_by_patient ON results (patient_id, test, date);
CREATE TRIGGER results_append_only_update BEFORE UPDATE ON results
  BEGIN SELECT RAISE(ABORT, 'recorded results are never changed'); END;
CREATE TRIGGER results_append_only_delete BEFORE DELETE ON results
  BEGIN SELECT RAISE(ABORT, 'recorded results are never deleted'); END;
CREATE TRIGGER patients_kept BEFORE DELETE ON patients
  BEGIN SELECT RAISE(ABORT, 'tracked patients are never deleted'); END;
CREATE TRIGGER plans_kept BEFORE DELETE ON plans
  BEGIN SELECT RAISE(ABORT, 'tracked plans are never deleted'); END;
CREATE TRIGGER visits_kept BEFORE DELETE ON visits
  BEGIN SELECT RAISE(ABORT, 'planned visits are never deleted'); END;
CREATE TRIGGER visits_done_kept BEFORE UPDATE ON visits WHEN OLD.done = 1
  BEGIN SELECT RAISE(ABORT, 'a visit marked done stays done'); END;
)sql",
    // 2: what `due` needs, as columns: the first and last day of each visit's window (days since
    // 1970-01-01), and the visit's items and tests stored once per distinct set in visit_items
    // (the visits of a regimen repeat a few sets: 684 sets for 120,338 visits of 10,000
    // patients), so that listing visits parses no JSON but that of the sets it shows. The partial
    // index visits_open holds the visits not done, by plan and first day of their window, with
    // every column `due` reads; plans_by_patient gives a plan's patient and regimen without
    // reading the plan's JSON.
    // visits_done_kept is dropped while the rows are filled in (it refuses any UPDATE of a visit
    // done) and made again as it was.
    R"sql(
CREATE TABLE visit_items (
  id INTEGER PRIMARY KEY,
  items_json TEXT NOT NULL UNIQUE,
  tests_json TEXT NOT NULL
);
INSERT OR IGNORE INTO visit_items (items_json, tests_json)
  SELECT items_json, tests_json FROM visits ORDER BY id;
DROP TRIGGER visits_done_kept;
ALTER TABLE visits ADD COLUMN items_id INTEGER REFERENCES visit_items(id);
ALTER TABLE visits ADD COLUMN window_first INTEGER;
ALTER TABLE visits ADD COLUMN window_last INTEGER;
UPDATE visits SET
  items_id = (SELECT i.id FROM visit_items i WHERE i.items_json = visits.items_json),
  window_first = CAST(julianday(date) - 2440587.5 AS INTEGER) - window_before,
  window_last = CAST(julianday(date) - 2440587.5 AS INTEGER) + window_after;
ALTER TABLE visits DROP COLUMN items_json;
ALTER TABLE visits DROP COLUMN tests_json;
CREATE TRIGGER visits_done_kept BEFORE UPDATE ON visits WHEN OLD.done = 1
  BEGIN SELECT RAISE(ABORT, 'a visit marked done stays done'); END;
CREATE TRIGGER visit_items_kept_update BEFORE UPDATE ON visit_items
  BEGIN SELECT RAISE(ABORT, 'planned visits are never changed'); END;
CREATE TRIGGER visit_items_kept_delete BEFORE DELETE ON visit_items
  BEGIN SELECT RAISE(ABORT, 'planned visits are never deleted'); END;
CREATE INDEX visits_open ON visits (plan_id, window_first, window_last, date, baseline,
  window_before, window_after, items_id, done) WHERE done = 0;
CREATE INDEX plans_by_patient ON plans (patient_id, regimen_id);
)sql",
    // 3: the visits not done again, in the order of their windows' first day (visits_due), with
    // every column the list of all patients reads: that list is then one range of this index
    // (the visits whose window opens by the horizon) instead of a seek into visits_open for
    // each plan. visits_open stays for one patient's list and for visits().
    R"sql(
CREATE INDEX visits_due ON visits (window_first, plan_id, window_before, window_after, baseline,
  items_id, done) WHERE done = 0;
)sql",
    // 4: the stamp of the plan (Plan::stamp): the doseplan version, rules version and SHA-256 of
    // the rules files that made it. Plans stored before are left empty: not recorded (the stamp
    // is not guessed from the rules in use now).
    R"sql(
ALTER TABLE plans ADD COLUMN doseplan_version TEXT NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN rules_version TEXT NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN rules_sha256 TEXT NOT NULL DEFAULT '';
)sql",
    // 5: results entered in error (issue 18). Results are never changed or deleted, so a wrong
    // one is marked here: kept, shown struck out, and left out of baselines, advice and `due`.
    // A mark is never changed or taken back either.
    R"sql(
CREATE TABLE entered_in_error (
  result_id INTEGER PRIMARY KEY REFERENCES results(id),
  marked_on TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE TRIGGER entered_in_error_kept_update BEFORE UPDATE ON entered_in_error
  BEGIN SELECT RAISE(ABORT, 'a result marked entered in error stays marked'); END;
CREATE TRIGGER entered_in_error_kept_delete BEFORE DELETE ON entered_in_error
  BEGIN SELECT RAISE(ABORT, 'a result marked entered in error stays marked'); END;
)sql",
    // 6: calendar subscriptions (doseplan serve, issue 21): one secret token a patient, which a
    // calendar program uses to read that patient's calendar without the server's key. A new token
    // replaces the old one; revoking deletes it, and the old address then answers 404.
    R"sql(
CREATE TABLE calendar_feeds (
  patient_id INTEGER PRIMARY KEY REFERENCES patients(id),
  token TEXT NOT NULL UNIQUE,
  created_on TEXT NOT NULL
);
)sql",
    // 7: a clinic's deployment (issue 22): the clinic a patient belongs to, accounts with roles
    // (passwords as Argon2id hashes), sessions (the SHA-256 of their token only), failed logins
    // (rate limiting across servers) and the audit log, a hash chain: each entry's sha256 is over
    // the previous entry's and its own content, and prev_sha256 is UNIQUE, so that two servers
    // appending at once can not fork it (one is refused and runs its change again). Entries are
    // never changed or deleted.
    R"sql(
ALTER TABLE patients ADD COLUMN clinic TEXT NOT NULL DEFAULT '';
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'clinician', 'patient', 'carer')),
  clinic TEXT NOT NULL DEFAULT '',
  patient_id INTEGER REFERENCES patients(id),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_on TEXT NOT NULL,
  CHECK ((role IN ('patient', 'carer')) = (patient_id IS NOT NULL))
);
CREATE TABLE sessions (
  token_sha256 TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE login_failures (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX login_failures_by_name ON login_failures (name, at);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  patient TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL,
  prev_sha256 TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_by_patient ON audit (patient, id);
CREATE TRIGGER audit_kept_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is never changed'); END;
CREATE TRIGGER audit_kept_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is never changed'); END;
)sql",
};
static_assert(static_cast<int>(std::size(kMigrations)) == kTrackerSchemaVersion);

// The same migrations for PostgreSQL (nullptr: the SQLite text above is PostgreSQL's too).
// INTEGER PRIMARY KEY is a BIGINT identity; REAL is DOUBLE PRECISION; a trigger that refuses a
// change runs doseplan_refuse() with its message; TRUNCATE, which fires no row trigger, is
// refused as DELETE is. visit_items is unique by md5(items_json), since a B-tree can not index
// texts over about 2,700 bytes; a hash index finds a set by its text.
const char* const kPostgresMigrations[] = {
    // 1
    R"sql(
CREATE FUNCTION doseplan_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TABLE patients (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  label TEXT NOT NULL UNIQUE,
  created_on TEXT NOT NULL
);
CREATE TABLE plans (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id BIGINT NOT NULL UNIQUE REFERENCES patients(id),
  regimen_id TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  plan_json TEXT NOT NULL,
  request_json TEXT NOT NULL,
  created_on TEXT NOT NULL
);
CREATE TABLE visits (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id BIGINT NOT NULL REFERENCES plans(id),
  date TEXT NOT NULL,
  baseline INTEGER NOT NULL CHECK (baseline IN (0, 1)),
  window_before INTEGER NOT NULL,
  window_after INTEGER NOT NULL,
  tests_json TEXT NOT NULL,
  items_json TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
  done_on TEXT,
  done_note TEXT NOT NULL DEFAULT '',
  UNIQUE (plan_id, date)
);
CREATE TABLE results (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  test TEXT NOT NULL,
  date TEXT NOT NULL,
  value_as_entered TEXT NOT NULL,
  unit_as_entered TEXT NOT NULL,
  value_canonical DOUBLE PRECISION NOT NULL,
  unit_canonical TEXT NOT NULL,
  uln_as_entered TEXT,
  uln_unit_as_entered TEXT,
  uln_canonical DOUBLE PRECISION,
  note TEXT NOT NULL DEFAULT '',
  recorded_on TEXT NOT NULL
);
CREATE INDEX results_by_patient ON results (patient_id, test, date);
CREATE TRIGGER results_append_only_update BEFORE UPDATE ON results
  FOR EACH ROW EXECUTE FUNCTION doseplan_refuse('recorded results are never changed');
CREATE TRIGGER results_append_only_delete BEFORE DELETE ON results
  FOR EACH ROW EXECUTE FUNCTION doseplan_refuse('recorded results are never deleted');
CREATE TRIGGER results_append_only_truncate BEFORE TRUNCATE ON results
  FOR EACH STATEMENT EXECUTE FUNCTION doseplan_refuse('recorded results are never deleted');
CREATE TRIGGER patients_kept BEFORE DELETE ON patients
  FOR EACH ROW EXECUTE FUNCTION doseplan_refuse('tracked patients are never deleted');
CREATE TRIGGER patients_kept_truncate BEFORE TRUNCATE ON patients
  FOR EACH STATEMENT EXECUTE FUNCTION doseplan_refuse('tracked patients are never deleted');
CREATE TRIGGER plans_kept BEFORE DELETE ON plans
  FOR EACH ROW EXECUTE FUNCTION doseplan_refuse('tracked plans are never deleted');
CREATE TRIGGER plans_kept_truncate BEFORE TRUNCATE ON plans
  FOR EACH STATEMENT EXECUTE FUNCTION doseplan_refuse('tracked plans are never deleted');
CREATE TRIGGER visits_kept BEFORE DELETE ON visits
  FOR EACH ROW EXECUTE FUNCTION doseplan_refuse('planned visits are never deleted');
CREATE TRIGGER visits_kept_truncate BEFORE TRUNCATE ON visits
  FOR EACH STATEMENT EXECUTE FUNCTION doseplan_refuse('planned visits are never deleted');
CREATE TRIGGER visits_done_kept BEFORE UPDATE ON visits FOR EACH ROW WHEN (OLD.done = 1)
  EXECUTE FUNCTION doseplan_refuse('a visit marked done stays done');
)sql",
    // 2
    R"sql(
CREATE TABLE visit_items (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  items_json TEXT NOT NULL,
  tests_json TEXT NOT NULL
);
CREATE UNIQUE INDEX visit_items_unique ON visit_items (md5(items_json));
CREATE INDEX visit_items_by_json ON visit_items USING hash (items_json);
INSERT INTO visit_items (items_json, tests_json)
  SELECT items_json, tests_json FROM (SELECT DISTINCT ON (items_json) items_json, tests_json, id
    FROM visits ORDER BY items_json, id) first_use ORDER BY id;
DROP TRIGGER visits_done_kept ON visits;
ALTER TABLE visits ADD COLUMN items_id BIGINT REFERENCES visit_items(id);
ALTER TABLE visits ADD COLUMN window_first BIGINT;
ALTER TABLE visits ADD COLUMN window_last BIGINT;
UPDATE visits SET
  items_id = (SELECT i.id FROM visit_items i WHERE i.items_json = visits.items_json),
  window_first = (CAST(date AS DATE) - DATE '1970-01-01') - window_before,
  window_last = (CAST(date AS DATE) - DATE '1970-01-01') + window_after;
ALTER TABLE visits DROP COLUMN items_json;
ALTER TABLE visits DROP COLUMN tests_json;
CREATE TRIGGER visits_done_kept BEFORE UPDATE ON visits FOR EACH ROW WHEN (OLD.done = 1)
  EXECUTE FUNCTION doseplan_refuse('a visit marked done stays done');
CREATE TRIGGER visit_items_kept_update BEFORE UPDATE ON visit_items
  FOR EACH ROW EXECUTE FUNCTION doseplan_refuse('planned visits are never changed');
CREATE TRIGGER visit_items_kept_delete BEFORE DELETE ON visit_items
  FOR EACH ROW EXECUTE FUNCTION doseplan_refuse('planned visits are never deleted');
CREATE TRIGGER visit_items_kept_truncate BEFORE TRUNCATE ON visit_items
  FOR EACH STATEMENT EXECUTE FUNCTION doseplan_refuse('planned visits are never deleted');
CREATE INDEX visits_open ON visits (plan_id, window_first, window_last, date, baseline,
  window_before, window_after, items_id, done) WHERE done = 0;
CREATE INDEX plans_by_patient ON plans (patient_id, regimen_id);
)sql",
    nullptr,  // 3
    nullptr,  // 4
    // 5
    R"sql(
CREATE TABLE entered_in_error (
  result_id BIGINT PRIMARY KEY REFERENCES results(id),
  marked_on TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE TRIGGER entered_in_error_kept_update BEFORE UPDATE ON entered_in_error
  FOR EACH ROW EXECUTE FUNCTION doseplan_refuse('a result marked entered in error stays marked');
CREATE TRIGGER entered_in_error_kept_delete BEFORE DELETE ON entered_in_error
  FOR EACH ROW EXECUTE FUNCTION doseplan_refuse('a result marked entered in error stays marked');
CREATE TRIGGER entered_in_error_kept_truncate BEFORE TRUNCATE ON entered_in_error
  FOR EACH STATEMENT EXECUTE FUNCTION doseplan_refuse('a result marked entered in error stays marked');
)sql",
    // 6
    R"sql(
CREATE TABLE calendar_feeds (
  patient_id BIGINT PRIMARY KEY REFERENCES patients(id),
  token TEXT NOT NULL UNIQUE,
  created_on TEXT NOT NULL
);
)sql",
    // 7
    R"sql(
ALTER TABLE patients ADD COLUMN clinic TEXT NOT NULL DEFAULT '';
CREATE TABLE accounts (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'clinician', 'patient', 'carer')),
  clinic TEXT NOT NULL DEFAULT '',
  patient_id BIGINT REFERENCES patients(id),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_on TEXT NOT NULL,
  CHECK ((role IN ('patient', 'carer')) = (patient_id IS NOT NULL))
);
CREATE TABLE sessions (
  token_sha256 TEXT PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE login_failures (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX login_failures_by_name ON login_failures (name, at);
CREATE TABLE audit (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  patient TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL,
  prev_sha256 TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_by_patient ON audit (patient, id);
CREATE TRIGGER audit_kept_update BEFORE UPDATE ON audit
  FOR EACH ROW EXECUTE FUNCTION doseplan_refuse('the audit log is never changed');
CREATE TRIGGER audit_kept_delete BEFORE DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION doseplan_refuse('the audit log is never changed');
CREATE TRIGGER audit_kept_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION doseplan_refuse('the audit log is never changed');
)sql",
};
static_assert(std::size(kPostgresMigrations) == std::size(kMigrations));

}  // namespace

void detail::run_migrations(SQLite::Database& db, int from) {
  if (from == 0) db.exec("PRAGMA application_id = " + std::to_string(kTrackerApplicationId));
  for (int v = from; v < kTrackerSchemaVersion; ++v) db.exec(kMigrations[v]);
  db.exec("PRAGMA user_version = " + std::to_string(kTrackerSchemaVersion));
}

void detail::run_postgres_migrations(sql::Connection& c, int from) {
  if (from == 0) {
    c.exec_script(
        "CREATE TABLE doseplan_schema (application_id INTEGER NOT NULL, version INTEGER NOT NULL)");
    c.run("INSERT INTO doseplan_schema (application_id, version) VALUES (?, 0)",
          {std::int64_t{kTrackerApplicationId}});
  }
  for (int v = from; v < kTrackerSchemaVersion; ++v) {
    c.exec_script(kPostgresMigrations[v] != nullptr ? kPostgresMigrations[v] : kMigrations[v]);
  }
  c.run("UPDATE doseplan_schema SET version = ?", {std::int64_t{kTrackerSchemaVersion}});
}

}  // namespace doseplan
