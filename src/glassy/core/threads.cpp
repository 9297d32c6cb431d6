#include <glassy/core/error.hpp>
#include <glassy/core/ranks.hpp>
#include <glassy/core/threads.hpp>

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <string>

// The pthread OpenBLAS's own shutdown of its server threads (what it runs before a fork). Not in
// cblas.h and absent from the serial and OpenMP builds: a weak reference, null there. Any later
// openblas_set_num_threads starts the threads again (its re-initialisation after a fork), so
// glassy sets the count only where it is not already 1 (corr/twotime).
extern "C" int blas_thread_shutdown_(void) __attribute__((weak));

namespace glassy {

void set_threads(int n) {
  if (n <= 0) {
    if (const char* env = std::getenv("GLASSY_THREADS"); env != nullptr && *env != '\0') {
      n = std::atoi(env);
      require(n > 0, std::string("GLASSY_THREADS='") + env + "' is not a positive integer");
    } else if (const int local = ranks_on_this_node(); local > 1) {
      // MPI ranks sharing a node share its cores: no rank oversubscribes them.
      n = std::max(1, omp_get_num_procs() / local);
    }
  }
  if (n > 0) omp_set_num_threads(n);
}

int thread_count() { return omp_get_max_threads(); }

void stop_blas_threads() {
  openblas_set_num_threads(1);
  if (blas_thread_shutdown_ != nullptr) blas_thread_shutdown_();
}

}  // namespace glassy
