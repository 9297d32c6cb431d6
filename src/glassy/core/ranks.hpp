// core/ranks: the processes that share one run. One process unless glassy was started by mpirun
// or srun; then the MPI plugin (glassy_mpi.so, loaded by the command line) installs its ranks
// here and the two-time correlator shares its rows of tiles out over them (corr/row_fold).
// glassy itself never links MPI: a single-process run starts without it.
#pragma once

#include <memory>
#include <span>

namespace glassy {

class Ranks {
 public:
  virtual ~Ranks() = default;
  virtual int rank() const { return 0; }
  virtual int size() const { return 1; }
  // Blocking point-to-point transfer of doubles, and a broadcast from `root` to every rank.
  // The single process has no one to talk to: these throw there.
  virtual void send(int to, std::span<const double> values);
  virtual void receive(int from, std::span<double> values);
  virtual void broadcast(std::span<double> values, int root);
  // Called once at a normal end (MPI_Finalize).
  virtual void finish() {}
};

// The ranks of this process: the single process unless set_ranks installed others.
Ranks& ranks();
void set_ranks(std::unique_ptr<Ranks> r);

// Whether a parallel launcher started this process (OpenMPI, MPICH/Hydra or Slurm with PMI/PMIx)
// and how many of its ranks share this node (0 when unknown).
bool started_by_mpi_launcher();
int ranks_on_this_node();

}  // namespace glassy
