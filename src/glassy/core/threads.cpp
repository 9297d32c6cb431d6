#include <glassy/core/error.hpp>
#include <glassy/core/ranks.hpp>
#include <glassy/core/threads.hpp>

#include <glassy/core/blas.hpp>

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <string>

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

void stop_blas_threads() { blas::keep_single_threaded(); }

}  // namespace glassy
