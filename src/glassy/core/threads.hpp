// core/threads: one place that decides how many OpenMP threads glassy uses
// (--threads, else GLASSY_THREADS, else the node's cores shared by the MPI ranks on it, else
// OpenMP's default).
#pragma once

namespace glassy {

// Sets the thread count for the rest of the process; n <= 0 means "from the environment".
void set_threads(int n);
int thread_count();

}  // namespace glassy
