// libFuzzer target: the .npy header parser (io/npy_header.cpp) on arbitrary bytes. Any input must
// either parse into a header that is consistent with its own bytes or throw glassy::Error.
#include <glassy/core/error.hpp>
#include <glassy/io/npy_frames.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto h = glassy::parse_npy_header(reinterpret_cast<const char*>(data), size, "fuzz.npy");
    // What the parser promises its callers (npy_frames.cpp reads data_offset onwards).
    if (h.data_offset > size || h.item_size == 0 || h.item_size > 8) std::abort();
  } catch (const glassy::Error&) {
  }
  return 0;
}
