// core/blas: glassy's BLAS calls (the dense two-time numerators) and OpenBLAS's thread count,
// through the plugin glassy_blas.so (core/plugin), loaded on the first call. Linked into
// libglassy, OpenBLAS and its Fortran runtime were loaded by every command at start and started
// OpenBLAS's server threads: ~4 ms of a 1000-frame sparse `glassy corr`, which never calls BLAS
// (docs/performance.md).
#pragma once

#include <cstddef>

namespace glassy::blas {

// C = A B^T in double, row-major: c[i * ldc + j] = sum_q a[i * lda + q] b[j * ldb + q] for
// i < rows, j < cols, q < k (DGEMM).
void gemm_abt(std::size_t rows, std::size_t cols, std::size_t k, const double* a, std::size_t lda,
              const double* b, std::size_t ldb, double* c, std::size_t ldc);

// OpenBLAS's thread count (loads the plugin).
int threads();
void set_threads(int n);

// For a process that is glassy alone (the command line): BLAS on the calling thread only and
// OpenBLAS's own server threads stopped, now if BLAS is loaded, else as soon as it loads (it is
// not loaded for this). See core/threads: stop_blas_threads.
void keep_single_threaded();

// Whether the plugin (and so OpenBLAS) is loaded in this process yet.
bool loaded();

// Another plugin loaded OpenBLAS (the fits' Ceres, through LAPACK) and with it OpenBLAS's server
// threads: where keep_single_threaded was asked, they are stopped now, as if glassy's own BLAS
// plugin had loaded it (see core/threads: stop_blas_threads for what they cost).
void after_plugin_loaded_blas();

// The plugin's table (glassy_blas_api), for core/blas and the plugin alone.
struct Api {
  void (*gemm_abt)(std::size_t rows, std::size_t cols, std::size_t k, const double* a,
                   std::size_t lda, const double* b, std::size_t ldb, double* c, std::size_t ldc);
  int (*threads)();
  void (*set_threads)(int n);
  void (*stop_server_threads)();  // the pthread OpenBLAS's own; nothing for the other builds
};

}  // namespace glassy::blas
