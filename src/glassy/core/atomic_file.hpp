// core/atomic_file: results are written to a temporary name beside the target and renamed into
// place only when complete, so an interrupted or failed run never leaves a half-written file,
// and no output may ever replace an input or anything that is not a regular file. Whoever writes
// names the inputs (the command line before any work, library writers such as convert and
// report again), and the target is checked once more just before the rename.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace glassy {

// Refuses (glassy::Error naming `option`) an output path that is the same file as one of
// `inputs` (compared by identity, so ./x.h5, links and hard links count), an existing path that is
// not a regular file (a folder, /dev/full, a fifo), or one whose folder does not exist.
void check_output(const std::filesystem::path& target,
                  const std::vector<std::filesystem::path>& inputs = {},
                  const std::string& option = "--out");

// On SIGINT/SIGTERM/SIGHUP, removes every temporary output still open, then ends the process
// with the usual 128 + signal status. Installed once by the command line.
void remove_partial_outputs_on_signal();

class AtomicOutput {
 public:
  // Runs check_output(target, inputs, option) first.
  explicit AtomicOutput(std::filesystem::path target,
                        const std::vector<std::filesystem::path>& inputs = {},
                        std::string option = "--out");
  // For commands that update a file on purpose (md tg stores Tg into its glass file): the
  // target may be an input, but must still be a regular file.
  struct UpdateInPlace {};
  AtomicOutput(std::filesystem::path target, UpdateInPlace);
  ~AtomicOutput();  // removes the temporary file unless commit() ran
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }
  void commit();  // checks the target again, then renames the temporary onto it

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::string option_;
  std::vector<std::filesystem::path> inputs_;
  bool in_place_ = false;
  bool committed_ = false;
  void check() const;
  void make_temp();
};

}  // namespace glassy
