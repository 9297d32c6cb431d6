// glassy_blas.so: OpenBLAS behind core/blas's table, loaded by libglassy on its first BLAS call.
#include <glassy/core/blas.hpp>

#include <cblas.h>

// The pthread OpenBLAS's own shutdown of its server threads (what it runs before a fork). Not in
// cblas.h and absent from the serial and OpenMP builds: a weak reference, null there.
extern "C" int blas_thread_shutdown_(void) __attribute__((weak));

namespace {

void gemm_abt(std::size_t rows, std::size_t cols, std::size_t k, const double* a, std::size_t lda,
              const double* b, std::size_t ldb, double* c, std::size_t ldc) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<blasint>(rows),
              static_cast<blasint>(cols), static_cast<blasint>(k), 1.0, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), 0.0, c,
              static_cast<blasint>(ldc));
}

int threads() { return openblas_get_num_threads(); }
void set_threads(int n) { openblas_set_num_threads(n); }
void stop_server_threads() {
  if (blas_thread_shutdown_ != nullptr) blas_thread_shutdown_();
}

constexpr glassy::blas::Api kApi{gemm_abt, threads, set_threads, stop_server_threads};

}  // namespace

extern "C" __attribute__((visibility("default"))) const glassy::blas::Api* glassy_blas_api() {
  return &kApi;
}
