// Finding, creating, opening and migrating the store (Tracker::Impl's open functions), and
// SQLite's errors said as doseplan's.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include "tracker/store.hpp"

namespace doseplan {

namespace fs = std::filesystem;
using namespace detail;  // NOLINT: the tracker's own helpers (store.hpp)

namespace {

// The default database under the directory `dir`, taken from the environment variable `name`:
// refused (tracker.bad_db_path) when that path can not be a file's name (longer than the system
// allows: PATH_MAX bytes, or NAME_MAX a component) or `dir` is there but not a directory.
std::string tracker_path_under(const std::string& dir, const fs::path& tail,
                               std::string_view name) {
  const fs::path file = fs::path(dir) / tail;
  const auto refuse = [&](const std::string& why, const LocalizedText& zh_why) {
    throw Error("tracker.bad_db_path", std::string("$") + std::string(name),
                "$" + std::string(name) + " " + quoted_stored(dir) + " " + why +
                    "; set it to a directory of yours, or give --db FILE",
                zh(tr_both("${name} {dir} can not hold the tracker database ({why}): set it to a "
                           "directory of yours, or give the database file with --db",
                           {{"name", same_text(std::string(name))},
                            {"dir", same_text(printable(dir.substr(0, 60)))},
                            {"why", zh_why}})));
  };
  bool long_name = file.string().size() >= PATH_MAX;
  for (const fs::path& part : file) long_name = long_name || part.string().size() > NAME_MAX;
  if (long_name) {
    refuse("is " + std::to_string(dir.size()) +
               " bytes long: a file under it would have a name "
               "longer than the system allows (" +
               std::to_string(PATH_MAX - 1) + " bytes, " + std::to_string(NAME_MAX) + " a part)",
           tr_both("too long a name"));
  }
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (fs::exists(st) && !fs::is_directory(st)) {
    refuse("is not a directory", tr_both("not a directory"));
  }
  return file.string();
}

}  // namespace

std::string default_tracker_path(const char* xdg_data_home, const char* home) {
  if (xdg_data_home != nullptr && xdg_data_home[0] == '/') {
    return tracker_path_under(xdg_data_home, fs::path("doseplan") / "tracker.db", "XDG_DATA_HOME");
  }
  if (home != nullptr && home[0] == '/') {
    return tracker_path_under(home, fs::path(".local") / "share" / "doseplan" / "tracker.db",
                              "HOME");
  }
  throw Error("tracker.no_db_path", "db",
              "neither $XDG_DATA_HOME nor $HOME is an absolute directory; give --db FILE");
}

// Whether errno `e` means that no more can be written: the disk (or the user's quota) is full, or
// the process's file size limit (RLIMIT_FSIZE: EFBIG) is reached.
bool detail::no_space_errno(int e) {
  return e == ENOSPC || e == EDQUOT || e == EFBIG;
}

// Whether a failed write may have met a full disk although errno no longer says so (SQLite reads
// errno after cleaning up, which may have changed it): the file system holding `path` has less
// than 1 MiB free for this user, or the process has a file size limit (RLIMIT_FSIZE).
bool detail::out_of_space(const std::string& path) {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) return true;
  const fs::path p = fs::absolute(fs::path(path));
  struct statvfs vfs {};
  return ::statvfs(p.parent_path().c_str(), &vfs) == 0 &&
         static_cast<unsigned long long>(vfs.f_bavail) * vfs.f_frsize < (1ULL << 20);
}

void detail::throw_disk_full(const std::string& path, const std::string& what) {
  throw Error("tracker.disk_full", path,
              "the disk is full or a file size limit is reached (" + what +
                  "); nothing was changed. Free some space on the disk that holds " + path +
                  " and run the command again; patients, due, history, advise and export still "
                  "work",
              zh(tr_both("the disk that holds {path} is full; nothing was changed. Free some space "
                         "on it and run the command again; patients, due, history, advise and "
                         "export still work",
                         {{"path", same_text(path)}})));
}

void detail::throw_read_only(const std::string& path, const std::string& what) {
  throw Error("tracker.read_only", path,
              path + " can not be written (" + what +
                  "): its file system is read-only, or you may not write it or its directory; "
                  "nothing was changed. patients, due, history, advise and export still work; to "
                  "change it, make it writable or copy it to a writable place and give --db",
              zh(tr_both("{path} can not be written: its file system is read-only, or you may not "
                         "write it or its directory; nothing was changed. patients, due, history, "
                         "advise and export still work; to change it, make it writable or copy it "
                         "to a writable place and give --db",
                         {{"path", same_text(path)}})));
}

// `sys_errno` is sqlite3_system_errno() of the connection that failed (0 if none): it tells a full
// disk (SQLite says SQLITE_FULL only for ENOSPC; a file size limit is an I/O error) and a
// read-only file system from other I/O errors.
void detail::rethrow_sqlite(const SQLite::Exception& e, const std::string& path, int sys_errno) {
  const int code = e.getErrorCode() & 0xff;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    throw Error("tracker.db_busy", path,
                std::string("the database stayed locked by another process for more than ") +
                    std::to_string(kBusyTimeoutMs / 1000) + " s (" + e.what() +
                    "); nothing was changed, try again");
  }
  if (code == SQLITE_NOTADB) {
    throw Error("tracker.not_tracker_db", path,
                "not a doseplan tracker database (not an SQLite file); give another --db FILE");
  }
  const bool io = code == SQLITE_IOERR || code == SQLITE_CANTOPEN;
  if (code == SQLITE_FULL || (io && (no_space_errno(sys_errno) || out_of_space(path)))) {
    throw_disk_full(
        path, std::string(e.what()) +
                  (no_space_errno(sys_errno) ? std::string(": ") + std::strerror(sys_errno) : ""));
  }
  // A plain SQLITE_READONLY is also a change tried through a read-only connection (query_only),
  // a mistake of the program rather than of the disk: it stays tracker.db_error.
  const bool read_only_file =
      code == SQLITE_READONLY && e.getExtendedErrorCode() != SQLITE_READONLY;
  if (read_only_file || (io && (sys_errno == EROFS || sys_errno == EACCES || sys_errno == EPERM))) {
    throw_read_only(path, std::string(e.what()) +
                              (sys_errno != 0 ? std::string(": ") + std::strerror(sys_errno) : ""));
  }
  throw Error("tracker.db_error", path,
              std::string("database error: ") + e.what() + "; nothing was changed");
}

Tracker::Impl::~Impl() {
  if (unpublished) {  // the open failed before the new store was linked
    db.reset();
    remove_new_store(file);
  }
}

// Whether the file this connection opened is no longer at `path` (remove_if_unused() of the
// start that made it removed it).
bool Tracker::Impl::moved() const {
  int moved = 0;
  return sqlite3_file_control(db->getHandle(), "main", SQLITE_FCNTL_HAS_MOVED, &moved) ==
             SQLITE_OK &&
         moved != 0;
}

// The first start into a store that this connection's open made failed (a full disk): the store
// is removed if nobody stored a patient in it, so that a failed start leaves no file. Under the
// write lock, so that no start can be storing a patient meanwhile; a start that opened the store
// before it was removed finds it moved once it has the lock (Tracker::start) and stores nothing.
void Tracker::Impl::remove_if_unused() noexcept {
  if (!made_here || started || !db) return;
  made_here = false;
  try {
    SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
    if (moved() || db->execAndGet("SELECT count(*) FROM patients").getInt64() != 0) return;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      ::unlink((path + suffix).c_str());
    }
  } catch (...) {  // the store stays, whole: it is still a tracker database without patients
  }
}

// Why a file could not be made: a full disk and a read-only place have their own ids.
void Tracker::Impl::throw_cannot_create(const std::string& name, int err) const {
  const std::string why = "cannot create " + name + ": " + std::strerror(err);
  if (no_space_errno(err)) throw_disk_full(path, why);
  if (err == EROFS || err == EACCES || err == EPERM) throw_read_only(path, why);
  const fs::path p(path);
  std::error_code ec;
  throw Error("tracker.db_open", "db",
              why + (p.has_parent_path() && !fs::exists(p.parent_path(), ec)
                         ? " (the directory does not exist)"
                         : ""));
}

// Creates an empty file with O_EXCL and mode 0600; false if it exists.
bool Tracker::Impl::create_empty(const std::string& name) const {
  const int fd = ::open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw_cannot_create(name, errno);
  }
  const bool ok = ::fchmod(fd, 0600) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(name.c_str());
    throw Error("tracker.db_open", "db", "cannot set mode 0600 on " + name);
  }
  return true;
}

// The private file of a new store, and what SQLite made beside it.
void Tracker::Impl::remove_new_store(const std::string& name) {
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((name + suffix).c_str());
}

// Writes the whole schema into the empty file `new_file`: every migration in one transaction,
// in rollback-journal mode, so that what is committed is in the file itself. On failure
// `new_file` is removed.
void Tracker::Impl::write_new_store(const std::string& new_file) const {
  int err = 0;
  try {
    SQLite::Database store(new_file, SQLite::OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, kBusyTimeoutMs);
    try {
      store.exec("PRAGMA synchronous = FULL");
      SQLite::Transaction tx(store, SQLite::TransactionBehavior::IMMEDIATE);
      run_migrations(store, 0);
      tx.commit();
    } catch (const SQLite::Exception&) {
      err = sqlite3_system_errno(store.getHandle());
      throw;
    }
  } catch (const SQLite::Exception& e) {
    remove_new_store(new_file);
    rethrow_sqlite(e, path, err);
  } catch (...) {
    remove_new_store(new_file);
    throw;
  }
}

// A new store is made whole before it has its name, so that `path` never exists empty or half
// made: the schema is written into a private file beside it (PATH.new-XXXXXXXX, mode 0600),
// which open() then links to `path` (publish()). A start killed meanwhile leaves at most the
// private file, which holds no patient data; one that fails (a full disk) leaves nothing.
// Returns false when `path` exists: check_file_safe() and the reads that follow judge it. Makes
// the default path's directories with mode 0700.
bool Tracker::Impl::create_file(bool create_directory) {
  const fs::path p(path);
  std::error_code ec;
  if (create_directory && p.has_parent_path()) {
    fs::path dir;
    for (const fs::path& part : p.parent_path()) {
      dir /= part;
      if (fs::exists(dir, ec)) continue;
      if (!fs::create_directory(dir, ec) || ec) break;
      fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    }
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) return false;
  std::string new_file;
  std::random_device random;
  for (int attempt = 0; new_file.empty(); ++attempt) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, ".new-%08x", static_cast<unsigned>(random()));
    if (create_empty(path + suffix)) {
      new_file = path + suffix;
    } else if (attempt == 10) {
      throw_cannot_create(path + suffix, EEXIST);
    }
  }
  write_new_store(new_file);
  file = new_file;
  unpublished = true;
  return true;
}

// Links the new store (the connection's private file) to `path`: switched to WAL, closed, then
// link(2), which fails if `path` exists. Returns true when linked (the connection is then to
// `path`); false when another start linked its store first, or on a file system without hard
// links (an empty file made at `path` with O_EXCL and given its schema, as a start did before):
// the connection is then to that store, and what was written into the private file is gone.
// The private file is removed in every case.
bool Tracker::Impl::publish() {
  const std::string new_file = file;
  unpublished = false;
  file = path;
  try {
    db->exec("PRAGMA journal_mode = WAL");
  } catch (const SQLite::Exception& e) {
    const int err = sqlite3_system_errno(db->getHandle());
    db.reset();
    remove_new_store(new_file);
    rethrow_sqlite(e, path, err);
  }
  db.reset();
  // Nothing was written after the switch to WAL: a WAL file with frames would mean that the
  // store is not all in the file.
  struct stat wal {};
  if (::stat((new_file + "-wal").c_str(), &wal) == 0 && wal.st_size > 0) {
    remove_new_store(new_file);
    throw Error("tracker.db_error", path,
                "database error: the new database could not be closed cleanly; nothing was "
                "changed, try again");
  }
  const bool linked = ::link(new_file.c_str(), path.c_str()) == 0;
  const int err = errno;
  remove_new_store(new_file);
  if (linked) {
    // The new name made durable, as SQLite makes a commit durable.
    const fs::path p(path);
    const std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    connect(Mode::open_existing, false);
    return true;
  }
  bool made = false;
  if (err == EPERM || err == ENOTSUP || err == ENOSYS || err == EMLINK) {
    made = create_empty(path);
  } else if (err != EEXIST) {
    throw_cannot_create(path, err);
  }
  check_file_safe();
  connect(Mode::create_if_missing, made);
  if (version < kTrackerSchemaVersion) migrate();
  return false;
}

// Refuses a store that other users could read or replace: owned by another user, or with any
// permission for group or others (the file holds patient data).
void Tracker::Impl::check_file_safe() const {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error("tracker.db_open", "db", "cannot open " + path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    throw Error("tracker.db_open", "db", path + " is a directory; give --db FILE");
  }
  if (st.st_uid != ::geteuid()) {
    throw Error("tracker.unsafe_owner", "db",
                path + " belongs to another user (uid " + std::to_string(st.st_uid) +
                    "), who can read and change its patient data; nothing was read. Have its "
                    "owner move it to you (chown), or start a new database with --db FILE",
                zh(tr_both("{path} belongs to another user, who can read and change its patient "
                           "data; nothing was read. Have its owner hand it over (chown), or "
                           "start a new database with --db",
                           {{"path", same_text(path)}})));
  }
  if ((st.st_mode & 0077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw Error("tracker.unsafe_mode", "db",
                path + " has mode " + mode +
                    ": other users may read or change its patient data; nothing was read. "
                    "Make it private with: chmod 600 " +
                    path,
                zh(tr_both("{path} has mode {mode}: other users may read or change its patient "
                           "data; nothing was read. Make it private with: chmod 600 {path}",
                           {{"path", same_text(path)}, {"mode", same_text(mode)}})));
  }
}

void Tracker::Impl::open(Mode mode, bool create_directory) {
  if (sql::is_postgres_url(path)) {
    write([&] {
      open_postgres(mode);
      return 0;
    });
    return;
  }
  bool created = false;
  if (mode == Mode::create_if_missing) {
    created = create_file(create_directory);
  } else {
    std::error_code ec;
    if (!fs::exists(fs::path(path), ec)) {
      throw Error("tracker.no_db", "db",
                  "no tracker database at " + path +
                      "; start tracking a patient first (doseplan track start --label ... "
                      "--regimen ...), or give --db FILE",
                  zh(tr_both("there is no tracker database at {path} yet; start tracking a patient "
                             "first with doseplan track start, or give the database file with --db",
                             {{"path", same_text(path)}})));
    }
  }
  if (!unpublished) {
    check_file_safe();
    if (mode != Mode::read_only) check_writable();
  }
  guarded([&] {
    if (mode == Mode::read_only) {
      connect_read_only();
    } else {
      connect(mode, created);
    }
    if (version < kTrackerSchemaVersion && mode == Mode::read_only) {
      // An older tracker database: migrated once, by a connection that may write.
      try {
        check_writable();
      } catch (const Error&) {
        throw_read_only(path, "its schema version " + std::to_string(version) +
                                  " is older than this doseplan's, and must be migrated once");
      }
      connect(Mode::open_existing, false);
    }
    if (version < kTrackerSchemaVersion) migrate();
    // A new store is named once it is whole.
    if (unpublished) made_here = publish();
    sql = sql::sqlite_connection(*db);
    return 0;
  });
}

// A PostgreSQL database: the connection's URL names it, and its administrator made it (createdb).
// An empty database is given the schema by `track start` (Mode::create_if_missing) and by no other
// use; one with tables but no doseplan_schema is another program's. A migration holds an advisory
// lock, so that of several servers starting at once one migrates and the others wait for it.
void Tracker::Impl::open_postgres(Mode mode) {
  sql = sql::postgres_connection(path, mode == Mode::read_only);
  const auto read_version = [&](sql::Connection& c) -> std::optional<int> {
    // One statement, one snapshot: a server migrating meanwhile can not make the new schema look
    // like another program's (its tables seen, its doseplan_schema not yet).
    const std::unique_ptr<sql::Rows> tables = c.query(
        "SELECT count(*) FILTER (WHERE tablename = 'doseplan_schema'), count(*) FROM "
        "pg_catalog.pg_tables WHERE schemaname = current_schema()");
    tables->next();
    if (tables->int64(0) == 1) {
      const std::unique_ptr<sql::Rows> st =
          c.query("SELECT application_id, version FROM doseplan_schema");
      if (!st->next() || st->int64(0) != kTrackerApplicationId) {
        throw Error("tracker.not_tracker_db", "db",
                    path + " has a table doseplan_schema of another program; give another --db");
      }
      return static_cast<int>(st->int64(1));
    }
    if (tables->int64(1) != 0) {
      throw Error("tracker.not_tracker_db", "db",
                  path + " holds the tables of another program; give another --db");
    }
    return std::nullopt;  // empty
  };
  const std::optional<int> found = read_version(*sql);
  if (!found && mode != Mode::create_if_missing) {
    throw Error("tracker.no_db", "db",
                "no tracker database in " + path +
                    " yet (it holds no table); start tracking a patient first (doseplan track "
                    "start --label ... --regimen ...), or give another --db",
                zh(tr_both("there is no tracker database in {path} yet (it holds no table); start "
                           "tracking a patient first with doseplan track start, or give another "
                           "database with --db",
                           {{"path", same_text(path)}})));
  }
  version = found.value_or(0);
  if (version > kTrackerSchemaVersion) {
    throw Error("tracker.db_newer", "db",
                path + " has schema version " + std::to_string(version) +
                    ", newer than this doseplan knows (" + std::to_string(kTrackerSchemaVersion) +
                    "); use a newer doseplan");
  }
  if (version < kTrackerSchemaVersion) {
    // Once, by a connection that may write (a read-only use migrates too, as on SQLite). The
    // write transaction holds the writers' lock (sql_postgres.cpp), so of several servers
    // starting at once one migrates; the others read the version again after it, and find it
    // done.
    const std::unique_ptr<sql::Connection> writer = sql::postgres_connection(path, false);
    sql::Transaction tx(*writer, sql::kWrite);
    version = read_version(*writer).value_or(0);
    if (version < kTrackerSchemaVersion) run_postgres_migrations(*writer, version);
    tx.commit();
    version = kTrackerSchemaVersion;
  }
}

// A store to be changed on a read-only file system, or that this user may not write, is said so
// before SQLite opens it (which would open it read-only and fail later: "unable to open database
// file").
void Tracker::Impl::check_writable() const {
  struct statvfs vfs {};
  if (::statvfs(path.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0) {
    throw_read_only(path, "read-only file system");
  }
  if (::access(path.c_str(), W_OK) != 0 && errno != ENOENT) {
    throw_read_only(path, std::strerror(errno));
  }
}

// Read-only subcommands on a full disk: SQLite can not size the -shm file that WAL readers
// share. With no WAL frames (no -wal file, or an empty one) the file alone is the whole
// database, and no writer can add to it while the disk is full: it is read as a file that does
// not change, as in a read-only directory. Changes committed in a -wal file can not be read
// without the -shm file: tracker.disk_full.
void Tracker::Impl::connect_read_only() {
  try {
    connect(Mode::read_only, false);
  } catch (const SQLite::Exception& e) {
    const int err = db ? sqlite3_system_errno(db->getHandle()) : 0;
    const int code = e.getErrorCode() & 0xff;
    const bool full = code == SQLITE_FULL || ((code == SQLITE_IOERR || code == SQLITE_CANTOPEN) &&
                                              (no_space_errno(err) || out_of_space(path)));
    struct stat wal {};
    const bool no_frames = ::stat((path + "-wal").c_str(), &wal) != 0 || wal.st_size == 0;
    if (!full || !no_frames) rethrow_sqlite(e, path, err);
    connect(Mode::read_only, false, true);
  }
}

// Whether a process may be writing the database: its directory is writable (a writer makes the
// -wal file there), or a -wal file is there already.
bool Tracker::Impl::writer_possible() const {
  const fs::path p = fs::absolute(fs::path(path));
  std::error_code ec;
  return ::access(p.parent_path().c_str(), W_OK) == 0 || fs::exists(path + "-wal", ec);
}

// The database as an SQLite URI: file:///absolute/path, with %, ? and # escaped.
std::string Tracker::Impl::file_uri() const {
  std::string abs = fs::absolute(fs::path(path)).lexically_normal().string();
  while (abs.size() > 1 && abs[0] == '/' && abs[1] == '/') abs.erase(0, 1);
  std::string uri = "file://";
  for (const char c : abs) {
    if (c == '%' || c == '?' || c == '#') {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      uri += hex;
    } else {
      uri += c;
    }
  }
  return uri;
}

// One statement, one snapshot: a start that commits the schema between two reads can not make
// a new database look like another program's. A file that is not SQLite fails here.
Tracker::Impl::Contents Tracker::Impl::read_contents() const {
  SQLite::Statement st(*db,
                       "SELECT (SELECT application_id FROM pragma_application_id), (SELECT "
                       "count(*) FROM sqlite_master), (SELECT user_version FROM "
                       "pragma_user_version)");
  st.executeStep();
  return {st.getColumn(0).getInt(), st.getColumn(1).getInt(), st.getColumn(2).getInt()};
}

// Opens the connection and checks that the file is a tracker database, or (for track start
// only) an empty one. An empty file that another start created is given that start's schema:
// this one waits for it (up to the busy timeout), so that one process alone sets the journal
// mode and creates the tables.
void Tracker::Impl::connect(Mode mode, bool created, bool immutable) {
  const bool read_only = mode == Mode::read_only;
  db.reset();
  if (read_only && (immutable || !writer_possible())) {
    // SQLite can not make the -shm file of a WAL database in a directory it can not write;
    // nobody can write the database there either, so it is read as a file that does not change.
    db = std::make_unique<SQLite::Database>(
        file_uri() + "?immutable=1", SQLite::OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
        kBusyTimeoutMs);
  } else {
    // Read-only use opens the file for writing too, so that closing it removes the -wal and -shm
    // files as every other subcommand does; query_only refuses any change through it.
    db = std::make_unique<SQLite::Database>(file, SQLite::OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                            kBusyTimeoutMs);
    if (read_only) db->exec("PRAGMA query_only = ON");
  }
  db->exec("PRAGMA foreign_keys = ON");
  Contents c = read_contents();
  if (c.empty() && mode == Mode::create_if_missing && !created) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    while (c.empty() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      c = read_contents();
    }
  }
  version = c.version;
  if (c.empty() && mode != Mode::create_if_missing) {
    throw Error("tracker.not_tracker_db", "db",
                path +
                    " is empty, not a tracker database; nothing was written (doseplan track "
                    "start creates one)");
  }
  if (c.app_id != kTrackerApplicationId && !c.empty()) {
    throw Error("tracker.not_tracker_db", "db",
                path + " is an SQLite database of another program; give another --db FILE");
  }
  if (version > kTrackerSchemaVersion) {
    throw Error("tracker.db_newer", "db",
                path + " has schema version " + std::to_string(version) +
                    ", newer than this doseplan knows (" + std::to_string(kTrackerSchemaVersion) +
                    "); use a newer doseplan");
  }
  if (read_only) return;
  db->exec("PRAGMA synchronous = FULL");
  // A new store keeps its rollback journal until publish(). Set once, by the start that made the
  // file; asking again takes no lock.
  if (!unpublished && db->execAndGet("PRAGMA journal_mode").getString() != "wal") {
    db->exec("PRAGMA journal_mode = WAL");  // a file system without shared memory keeps its own
  }
}

void Tracker::Impl::migrate() {
  SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
  // Another process may have migrated while this one waited for the lock.
  version = db->execAndGet("PRAGMA user_version").getInt();
  if (version > kTrackerSchemaVersion) {
    throw Error("tracker.db_newer", "db",
                path + " has schema version " + std::to_string(version) +
                    ", newer than this doseplan knows; use a newer doseplan");
  }
  run_migrations(*db, version);
  tx.commit();
  version = kTrackerSchemaVersion;
}

bool is_database_url(const std::string& db) {
  return sql::is_postgres_url(db);
}

Tracker::Tracker(const std::string& path, Mode mode, bool create_directory)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->file = path;
  impl_->actor = default_actor();
  impl_->open(mode, create_directory);
}
Tracker::~Tracker() = default;
Tracker::Tracker(Tracker&&) noexcept = default;
Tracker& Tracker::operator=(Tracker&&) noexcept = default;

const std::string& Tracker::path() const {
  return impl_->path;
}
int Tracker::schema_version() const {
  return impl_->version;
}

}  // namespace doseplan
