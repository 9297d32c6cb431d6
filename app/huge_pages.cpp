// app/huge_pages: the correlators allocate and zero large buffers (tiles, the reducers' tables
// and their per-thread copies; the two-time frame blocks have mappings of their own,
// core/page_allocator). On 4 KiB pages the page faults took a fifth of a
// whole `glassy corr` run and more of the dense one (docs/performance.md). Linux gives
// transparent huge pages to memory that asks for them (the "madvise" mode, Debian's default), so
// the executable's operator new puts every allocation of 2 MiB or more on 2 MiB-aligned memory
// marked MADV_HUGEPAGE. Smaller ones go to malloc as before; every one is released by free.
// (glibc's own glibc.malloc.hugetlb=1 tunable does the same for all malloc, but is read only when
// a process starts: restarting glassy to set it cost ~25 ms of dynamic linking per run.)
#include <malloc.h>
#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

void* allocate(std::size_t n) noexcept {
  if (n >= kHugePage) {
    const std::size_t rounded = (n + kHugePage - 1) & ~(kHugePage - 1);
    if (void* p = std::aligned_alloc(kHugePage, rounded)) {
      madvise(p, rounded, MADV_HUGEPAGE);  // advice only: a kernel without THP ignores it
      return p;
    }
    return nullptr;
  }
  return std::malloc(n == 0 ? 1 : n);
}

void* allocate_or_throw(std::size_t n) {
  while (true) {
    if (void* p = allocate(n)) return p;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

// C allocations (HDF5's chunk buffers, zlib's windows) come and go once per block: up to 32 MiB
// they stay in the heap instead of fresh mmaps, so their pages are faulted in once per run, not
// once per block (the 1000-frame sparse case 206 -> 192 ms; peak RSS of a 4000-frame dense run
// 434 -> 495 MiB, memory the heap keeps for reuse). Freed memory stays there too: with a fixed
// mmap threshold glibc trims the heap's top back to the kernel above 128 KiB, and the next block
// faults it in again, zeroed page by page (a tenth of `glassy age` on the paper preset's frames:
// 8.0 -> 7.0 s whole process on its first 16,000). The peak is unchanged; what is kept is reused.
const bool kept_in_heap = [] {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  return true;
}();

}  // namespace

void* operator new(std::size_t n) { return allocate_or_throw(n); }
void* operator new[](std::size_t n) { return allocate_or_throw(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
