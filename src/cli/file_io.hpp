// Files of the command line: reading a whole input, writing an output atomically.
#ifndef DOSEPLAN_CLI_FILE_IO_HPP_
#define DOSEPLAN_CLI_FILE_IO_HPP_

#include <string>

namespace doseplan::cli {

// The whole file, or Error "input.unreadable" naming `field`.
std::string read_text_file(const std::string& path, const std::string& field);

// Writes `data` to `path` through a temporary file in the same directory and a rename, so that a
// reader never sees half a file and a failure leaves no file behind (Error "output.unwritable").
void write_atomically(const std::string& path, const std::string& data);

}  // namespace doseplan::cli

#endif  // DOSEPLAN_CLI_FILE_IO_HPP_
