// The audit log (issue 22): who started, recorded, marked, looked at or logged in, when, and about
// which patient, appended in the same transaction as the change it records. A hash chain: each
// entry's sha256 is the SHA-256 of the JSON array [prev_sha256, at, actor, action, patient,
// detail], and prev_sha256 is the previous entry's sha256 (64 zeros for the first). Editing an
// entry or removing one from the middle breaks the chain (verify_audit); removing the last
// entries is seen by comparing the head with one noted before.
#include <pwd.h>
#include <unistd.h>

#include <chrono>

#include "doseplan/provenance.hpp"
#include "tracker/store.hpp"

namespace doseplan {

using namespace detail;  // NOLINT: the tracker's own helpers (store.hpp)

namespace {

const std::string kGenesis(64, '0');

std::string entry_hash(const std::string& prev, const std::string& at, const std::string& actor,
                       const std::string& action, const std::string& patient,
                       const std::string& detail) {
  return sha256_hex(json::array({prev, at, actor, action, patient, detail}).dump());
}

std::string utc_now() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return date::format("%FT%TZ", now);
}

}  // namespace

// The system user running the command line: "cli:alice" (or "cli:uid 1000").
Actor default_actor() {
  const struct passwd* pw = ::getpwuid(::geteuid());
  return {std::string("cli:") +
              (pw != nullptr ? std::string(pw->pw_name) : "uid " + std::to_string(::geteuid())),
          ""};
}

void Tracker::Impl::append_audit(const std::string& action, const std::string& patient,
                                 const json& detail) {
  const auto last = sql->one("SELECT sha256 FROM audit ORDER BY id DESC LIMIT 1");
  const std::string prev = last ? last->text : kGenesis;
  const std::string at = utc_now();
  const std::string text = detail.dump();
  sql->run(
      "INSERT INTO audit (at, actor, action, patient, detail, prev_sha256, sha256) VALUES (?, ?, "
      "?, ?, ?, ?, ?)",
      {at, actor.name, action, patient, text, prev,
       entry_hash(prev, at, actor.name, action, patient, text)});
}

void Tracker::set_actor(Actor actor) {
  impl_->actor = std::move(actor);
}

const Actor& Tracker::actor() const {
  return impl_->actor;
}

void Tracker::record_view(const std::string& label, const std::string& what) {
  check_label(label);
  impl_->write([&] {
    sql::Transaction tx(*impl_->sql, sql::kWrite);
    impl_->patient_id(label);
    impl_->append_audit("view", label, {{"what", what}});
    tx.commit();
    return 0;
  });
}

std::vector<AuditEntry> Tracker::audit(const std::optional<std::string>& label) const {
  return impl_->guarded([&] {
    if (label) impl_->patient_id(*label);
    const std::unique_ptr<sql::Rows> st = impl_->sql->query(
        std::string("SELECT id, at, actor, action, patient, detail, prev_sha256, sha256 FROM "
                    "audit") +
            (label ? " WHERE patient = ?" : "") + " ORDER BY id",
        label ? sql::Params{*label} : sql::Params{});
    std::vector<AuditEntry> out;
    while (st->next()) {
      AuditEntry e;
      e.id = st->int64(0);
      e.at = stored_text(st->text(1), "audit.at", e.id);
      e.actor = stored_text(st->text(2), "audit.actor", e.id);
      e.action = stored_text(st->text(3), "audit.action", e.id);
      e.patient = stored_text(st->text(4), "audit.patient", e.id);
      e.detail = stored_text(st->text(5), "audit.detail", e.id);
      e.prev_sha256 = st->text(6);
      e.sha256 = st->text(7);
      out.push_back(std::move(e));
    }
    return out;
  });
}

AuditCheck Tracker::verify_audit() const {
  return impl_->guarded([&] {
    // One snapshot: entries appended meanwhile are checked next time.
    sql::Transaction tx(*impl_->sql, sql::kRead);
    const std::unique_ptr<sql::Rows> st = impl_->sql->query(
        "SELECT id, at, actor, action, patient, detail, prev_sha256, sha256 FROM audit ORDER BY "
        "id");
    AuditCheck check;
    std::string prev = kGenesis;
    while (st->next()) {
      const std::int64_t id = st->int64(0);
      const std::string at = st->text(1), actor = st->text(2), action = st->text(3),
                        patient = st->text(4), detail = st->text(5), stored_prev = st->text(6),
                        sha = st->text(7);
      const std::string where = "entry " + std::to_string(id);
      if (stored_prev != prev) {
        check.problems.push_back(where +
                                 ": does not follow the entry before it (an entry was removed "
                                 "or put in)");
      }
      if (entry_hash(stored_prev, at, actor, action, patient, detail) != sha) {
        check.problems.push_back(where + ": its content does not match its hash (it was edited)");
      }
      prev = sha;
      ++check.entries;
    }
    if (check.entries > 0) check.head = prev;
    return check;
  });
}

}  // namespace doseplan
