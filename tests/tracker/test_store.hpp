// The store a tracker test uses: a file in a fresh directory or, when DOSEPLAN_TEST_POSTGRES names
// a PostgreSQL server (the URL of a database the role may CREATE DATABASE from; tests/support/
// with_postgres.py starts a throwaway cluster and sets it), a new database on that server made for
// the test and dropped at its end. The same tests then run against both stores; those that are
// about SQLite's file itself carry the tag [sqlite] and are left out on PostgreSQL.
#ifndef DOSEPLAN_TESTS_TRACKER_TEST_STORE_HPP_
#define DOSEPLAN_TESTS_TRACKER_TEST_STORE_HPP_

#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <vector>

namespace doseplan::testing {

// A fresh directory, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "doseplan-tracker-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path / name).string(); }
};

// The PostgreSQL server the tests use, if any.
inline std::optional<std::string> test_postgres() {
  const char* url = std::getenv("DOSEPLAN_TEST_POSTGRES");
  if (url == nullptr || url[0] == '\0') return std::nullopt;
  return std::string(url);
}

class TestStore {
 public:
  // `name`: the file's name in the directory (SQLite), a part of the database's (PostgreSQL).
  explicit TestStore(const std::string& name = "t.db") {
    server_ = test_postgres();
    if (!server_) {
      db = dir.file(name);
      return;
    }
    std::random_device random;
    database_ = "doseplan_test_" + std::to_string(random()) + std::to_string(random());
    pqxx::connection c(*server_);
    pqxx::nontransaction(c).exec("CREATE DATABASE " + database_);
    db = server_->substr(0, server_->rfind('/') + 1) + database_;
  }
  ~TestStore() {
    if (!server_) return;
    try {
      pqxx::connection c(*server_);
      pqxx::nontransaction(c).exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    } catch (...) {  // the cluster is removed at the end anyway
    }
  }
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  bool postgres() const { return server_.has_value(); }

  // The rows of `sql`, each value as text (nullopt for NULL), read as another program would.
  std::vector<std::vector<std::optional<std::string>>> rows(const std::string& sql) const {
    std::vector<std::vector<std::optional<std::string>>> out;
    if (server_) {
      pqxx::connection c(db);
      const pqxx::result r = pqxx::nontransaction(c).exec(sql);
      for (const auto& row : r) {
        auto& o = out.emplace_back();
        for (const auto& f : row) {
          o.push_back(f.is_null() ? std::nullopt : std::optional<std::string>(f.c_str()));
        }
      }
      return out;
    }
    SQLite::Database c(db, SQLite::OPEN_READONLY);
    SQLite::Statement st(c, sql);
    while (st.executeStep()) {
      auto& o = out.emplace_back();
      for (int i = 0; i < st.getColumnCount(); ++i) {
        const SQLite::Column col = st.getColumn(i);
        o.push_back(col.isNull() ? std::nullopt : std::optional<std::string>(col.getString()));
      }
    }
    return out;
  }
  long long count(const std::string& table) const {
    return std::stoll(rows("SELECT count(*) FROM " + table).at(0).at(0).value());
  }
  // Runs `sql` as another program would (tests of what the store refuses); throws on its error.
  void exec(const std::string& sql) const {
    if (server_) {
      pqxx::connection c(db);
      pqxx::nontransaction(c).exec(sql);
      return;
    }
    SQLite::Database c(db, SQLite::OPEN_READWRITE);
    c.exec(sql);
  }

  TempDir dir;
  std::string db;  // what Tracker is given: the file, or the database's URL

 private:
  std::optional<std::string> server_;
  std::string database_;
};

}  // namespace doseplan::testing

#endif  // DOSEPLAN_TESTS_TRACKER_TEST_STORE_HPP_
