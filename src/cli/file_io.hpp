// Files of the command line: reading a whole input, writing an output (-o) safely, and checking
// that standard output took everything written to it.
#ifndef DOSEPLAN_CLI_FILE_IO_HPP_
#define DOSEPLAN_CLI_FILE_IO_HPP_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace doseplan::cli {

// The whole file, or Error "input.unreadable" naming `field`.
std::string read_text_file(const std::string& path, const std::string& field);

// Refuses (Error "output.is_input", nothing changed) an output target that is an SQLite database
// or its write-ahead log, or the same file as one of `inputs` (the --db in use, --input, ...;
// empty entries and "-" are skipped; so is an empty or "-" path, standard output). Call it
// before the command reads or writes anything.
void check_output_target(const std::string& path, const std::vector<std::string>& inputs);

// An output file (-o). A new file or an existing regular file is written to a temporary file
// beside it, `.<name>.doseplan-tmp-<pid>` (mode 0600, or the existing file's permission bits),
// and renamed over the target by commit(): a reader never sees half a file, and a failure leaves
// none. Temporaries of processes that died (SIGKILL) are removed by the next write in that
// directory. An existing target that is not a regular file (a device, a FIFO) is written in place,
// never replaced. Errors: "output.is_input" (check_output_target), "output.unwritable".
class OutputFile {
 public:
  explicit OutputFile(const std::string& path);
  ~OutputFile();  // removes the temporary file unless commit() succeeded
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream() { return *out_; }
  void commit();

  class Buffer;  // a stream buffer over a file descriptor that remembers a failed write

 private:
  std::string path_;
  std::string tmp_;  // empty when writing in place or after commit()
  int fd_ = -1;
  std::unique_ptr<Buffer> buf_;
  std::unique_ptr<std::ostream> out_;
};

// OutputFile(path), `data`, commit().
void write_atomically(const std::string& path, const std::string& data);

// Flushes standard output; Error "output.unwritable" (field "stdout") when anything written to it
// was lost (a full disk, /dev/full). Call it before reporting success.
void finish_stdout();

// Writes `data` to standard output (`output` empty or "-", then finish_stdout()), else to the
// file `output` (write_atomically).
void emit(const std::string& data, const std::string& output);

}  // namespace doseplan::cli

#endif  // DOSEPLAN_CLI_FILE_IO_HPP_
