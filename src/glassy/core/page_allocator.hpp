// core/page_allocator: a std::allocator for large buffers that come and go many times in a run
// (the two-time correlator's frame blocks, loaded, evicted and loaded again). Each allocation of
// 64 KiB or more is its own anonymous mapping, returned to the kernel when freed. Through malloc
// they fragmented the heap: blocks of slightly different sizes, freed in another order than
// allocated, left the heap's resident size at two to three times what was alive (the paper
// preset's `glassy age`: 3.5 GB resident for 1.6 GB alive under a 2 GB --memory budget).
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <vector>

namespace glassy {

template <class T>
struct PageAllocator {
  using value_type = T;
  static constexpr std::size_t kMappedFrom = std::size_t{64} << 10;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  PageAllocator() = default;
  template <class U>
  PageAllocator(const PageAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kMappedFrom) return static_cast<T*>(::operator new(bytes));
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    // Advice only: fewer page faults where transparent huge pages are on "madvise".
    if (bytes >= kHugePage) madvise(p, bytes, MADV_HUGEPAGE);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kMappedFrom)
      ::operator delete(p);
    else
      munmap(p, bytes);
  }
  template <class U>
  bool operator==(const PageAllocator<U>&) const noexcept {
    return true;
  }
};

template <class T>
using PageVector = std::vector<T, PageAllocator<T>>;

}  // namespace glassy
