#include "cli/file_io.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <streambuf>

#include "doseplan/error.hpp"

namespace doseplan::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTmpMark = ".doseplan-tmp-";

Error unwritable(const std::string& what) {
  return Error("output.unwritable", "output", "cannot write " + what);
}

bool write_all(int fd, const char* data, std::size_t size) {
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The first 16 bytes of a regular file ("" when it is not one or can not be read). Devices and
// FIFOs are not opened: reading a FIFO would wait for a writer.
std::string file_start(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  std::ifstream in(path, std::ios::binary);
  char head[16] = {};
  in.read(head, sizeof head);
  return std::string(head, static_cast<std::size_t>(in.gcount()));
}

bool is_sqlite_file(const std::string& path) {
  const std::string head = file_start(path);
  static const std::string kDb("SQLite format 3\0", 16);
  static const std::string kWal1("\x37\x7f\x06\x82", 4), kWal2("\x37\x7f\x06\x83", 4);
  return head == kDb || head.rfind(kWal1, 0) == 0 || head.rfind(kWal2, 0) == 0;
}

// Removes `.<name>.doseplan-tmp-<pid>` files in `dir` whose process is gone (killed while
// writing). A live process's temporary is left alone.
void remove_stale_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::size_t mark = name.rfind(kTmpMark);
    if (name.empty() || name[0] != '.' || mark == std::string::npos) continue;
    const std::string pid_text = name.substr(mark + std::strlen(kTmpMark));
    if (pid_text.empty() || pid_text.size() > 9 ||
        pid_text.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    fs::remove(it->path(), ignored);
  }
}

}  // namespace

class OutputFile::Buffer : public std::streambuf {
 public:
  explicit Buffer(int fd) : fd_(fd) { setp(data_, data_ + sizeof data_); }
  bool failed() const { return failed_; }

 protected:
  int overflow(int c) override {
    if (!drain()) return traits_type::eof();
    if (c != traits_type::eof()) {
      *pptr() = static_cast<char>(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    if (!failed_ && !write_all(fd_, pbase(), static_cast<std::size_t>(pptr() - pbase()))) {
      failed_ = true;
    }
    setp(data_, data_ + sizeof data_);
    return !failed_;
  }
  int fd_;
  bool failed_ = false;
  char data_[1 << 16];
};

std::string read_text_file(const std::string& path, const std::string& field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("input.unreadable", field, "cannot read \"" + path + "\"");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void check_output_target(const std::string& path, const std::vector<std::string>& inputs) {
  if (path.empty() || path == "-") return;  // standard output
  if (is_sqlite_file(path)) {
    throw Error("output.is_input", "output",
                "\"" + path + "\" is an SQLite database (a tracker store?); -o never replaces one");
  }
  for (const std::string& input : inputs) {
    if (input.empty() || input == "-") continue;
    std::error_code ec;  // false, not an error, when either file does not exist
    const bool same = fs::equivalent(path, input, ec) || path == input + "-wal" ||
                      path == input + "-shm" || path == input + "-journal";
    if (same) {
      throw Error(
          "output.is_input", "output",
          "\"" + path + "\" is an input of this command (" + input + "); choose another -o");
    }
  }
}

OutputFile::OutputFile(const std::string& path) : path_(path) {
  check_output_target(path, {});
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {  // a device or a FIFO: in place, never renamed over
    fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) throw unwritable(path);
  } else {
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    remove_stale_temporaries(dir);
    // At most 200 bytes of the name, so that the temporary's name is not too long.
    const std::string name = target.filename().string().substr(0, 200);
    tmp_ = (dir / ("." + name + kTmpMark + std::to_string(::getpid()))).string();
    ::unlink(tmp_.c_str());  // this process's own, from an earlier process with the same pid
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      tmp_.clear();
      throw Error("output.unwritable", "output", "cannot create a file in " + dir.string());
    }
    if (exists) ::fchmod(fd_, st.st_mode & 0777);  // keep the replaced file's permission bits
  }
  buf_ = std::make_unique<Buffer>(fd_);
  out_ = std::make_unique<std::ostream>(buf_.get());
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

void OutputFile::commit() {
  out_->flush();
  const bool in_place = tmp_.empty();
  bool ok = !buf_->failed() && out_->good();
  if (!in_place) ok = ::fsync(fd_) == 0 && ok;
  ok = ::close(fd_) == 0 && ok;
  fd_ = -1;
  if (ok && !in_place) ok = std::rename(tmp_.c_str(), path_.c_str()) == 0;
  if (!ok) throw unwritable(path_);  // the destructor removes the temporary
  tmp_.clear();
}

void write_atomically(const std::string& path, const std::string& data) {
  OutputFile out(path);
  out.stream().write(data.data(), static_cast<std::streamsize>(data.size()));
  out.commit();
}

void finish_stdout() {
  std::cout.flush();
  const bool ok = std::cout.good() && std::fflush(stdout) == 0 && !std::ferror(stdout);
  if (!ok) {
    throw Error("output.unwritable", "stdout",
                "cannot write to standard output (a full disk?); the output is incomplete");
  }
}

void emit(const std::string& data, const std::string& output) {
  if (output.empty() || output == "-") {
    std::cout << data;
    finish_stdout();
  } else {
    write_atomically(output, data);
  }
}

}  // namespace doseplan::cli
