#include <glassy/core/error.hpp>
#include <glassy/core/ranks.hpp>

#include <cstdlib>
#include <string>

namespace glassy {

void Ranks::send(int, std::span<const double>) {
  throw Error("internal: a single process has no other rank to send to");
}
void Ranks::receive(int, std::span<double>) {
  throw Error("internal: a single process has no other rank to receive from");
}
void Ranks::broadcast(std::span<double>, int) {}

namespace {
std::unique_ptr<Ranks>& installed() {
  static std::unique_ptr<Ranks> r = std::make_unique<Ranks>();
  return r;
}

int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return -1;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return end != v && *end == '\0' && n >= 0 && n < 1'000'000 ? static_cast<int>(n) : -1;
}
}  // namespace

Ranks& ranks() { return *installed(); }

void set_ranks(std::unique_ptr<Ranks> r) {
  installed() = r ? std::move(r) : std::make_unique<Ranks>();
}

bool started_by_mpi_launcher() {
  // OpenMPI's mpirun, MPICH's Hydra (PMI), and srun with PMIx or PMI-2.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (env_int(name) >= 0) return true;
  return false;
}

int ranks_on_this_node() {
  for (const char* name :
       {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"})
    if (const int n = env_int(name); n > 0) return n;
  return 0;
}

}  // namespace glassy
