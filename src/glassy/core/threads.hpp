// core/threads: one place that decides how many OpenMP threads glassy uses
// (--threads, else GLASSY_THREADS, else the node's cores shared by the MPI ranks on it, else
// OpenMP's default).
#pragma once

namespace glassy {

// Sets the thread count for the rest of the process; n <= 0 means "from the environment".
void set_threads(int n);
int thread_count();

// For a process that is glassy alone (the command line, not a Python session): BLAS on the
// calling thread only, and OpenBLAS's own server threads stopped, when BLAS loads (core/blas: on
// the first dense tile) or now if it is loaded. glassy calls BLAS from its OpenMP workers, one
// slice per call, and never wants BLAS threads; the pthread OpenBLAS starts them when it loads
// and they spin on sched_yield for ~0.1 s, taking a core from the workers (10 % of the wall of a
// small `corr`, docs/performance.md). A BLAS without such threads (serial or OpenMP OpenBLAS) is
// left as it is.
void stop_blas_threads();

}  // namespace glassy
