#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>

#include <unistd.h>

#include <system_error>

namespace glassy {

AtomicOutput::AtomicOutput(std::filesystem::path target) : target_(std::move(target)) {
  const auto dir = target_.has_parent_path() ? target_.parent_path() : std::filesystem::path(".");
  require(std::filesystem::is_directory(dir),
          "output folder '" + dir.string() + "' does not exist: create it or choose another --out");
  temp_ = dir / ("." + target_.filename().string() + ".part" + std::to_string(::getpid()));
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
  }
}

void AtomicOutput::commit() {
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  require(!ec, "cannot move finished output onto '" + target_.string() + "': " + ec.message());
  committed_ = true;
}

}  // namespace glassy
