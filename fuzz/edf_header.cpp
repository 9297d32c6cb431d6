// libFuzzer target: the EDF header parser (io/edf_frames.cpp) on arbitrary bytes. Any input must
// either parse into a header consistent with its own bytes or throw glassy::Error.
#include <glassy/core/error.hpp>
#include <glassy/io/edf_frames.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto h = glassy::parse_edf_header(reinterpret_cast<const char*>(data), size, "fuzz.edf");
    // What EdfFrameSource relies on: the header lies inside the bytes read, the image fits its
    // Size, and the value type is one it can widen.
    if (h.header_bytes == 0 || h.header_bytes > size) std::abort();
    if (h.width == 0 || h.height == 0 || h.item_size == 0 || h.item_size > 8) std::abort();
    if (h.data_bytes / h.item_size / h.width < h.height) std::abort();
    if (h.kind != 'u' && h.kind != 'i' && h.kind != 'f') std::abort();
  } catch (const glassy::Error&) {
  }
  return 0;
}
