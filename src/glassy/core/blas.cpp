#include <glassy/core/blas.hpp>
#include <glassy/core/plugin.hpp>

#include <atomic>
#include <mutex>

namespace glassy::blas {
namespace {

constexpr PluginSpec kBlas{"BLAS",
                           "glassy_blas.so",
                           "GLASSY_BLAS_PLUGIN",
                           "the dense two-time path",
                           "install OpenBLAS (scripts/install-deps.sh) or rebuild glassy",
                           true};

std::atomic<bool> g_single_threaded{false};
std::atomic<const Api*> g_api{nullptr};
std::mutex g_load;

void apply_single_threaded(const Api& api) {
  // Setting the count restarts the pthread OpenBLAS's server threads after a shutdown: only
  // where it is not already 1.
  if (api.threads() != 1) api.set_threads(1);
  api.stop_server_threads();
}

const Api& api() {
  if (const Api* a = g_api.load(std::memory_order_acquire)) return *a;
  const std::lock_guard lock(g_load);
  if (const Api* a = g_api.load(std::memory_order_acquire)) return *a;
  using ApiFn = const Api* (*)();
  const Api* a = reinterpret_cast<ApiFn>(
      plugin_symbol(kBlas, library_plugin_places(kBlas.file), "glassy_blas_api"))();
  if (g_single_threaded) apply_single_threaded(*a);
  g_api.store(a, std::memory_order_release);
  return *a;
}

}  // namespace

void gemm_abt(std::size_t rows, std::size_t cols, std::size_t k, const double* a, std::size_t lda,
              const double* b, std::size_t ldb, double* c, std::size_t ldc) {
  api().gemm_abt(rows, cols, k, a, lda, b, ldb, c, ldc);
}

int threads() { return api().threads(); }
void set_threads(int n) { api().set_threads(n); }

void keep_single_threaded() {
  const std::lock_guard lock(g_load);
  g_single_threaded = true;
  if (const Api* a = g_api.load(std::memory_order_acquire)) apply_single_threaded(*a);
}

bool loaded() { return g_api.load(std::memory_order_acquire) != nullptr; }

void after_plugin_loaded_blas() {
  if (g_single_threaded) api();  // loading glassy_blas.so applies it (OpenBLAS is there already)
}

}  // namespace glassy::blas
