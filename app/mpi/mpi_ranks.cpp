// glassy_mpi.so: the MPI ranks of a run started by mpirun or srun (core/ranks). A plugin, so that
// the glassy executable starts without the MPI libraries; app/plugins.cpp loads it only when a
// parallel launcher started the process.
#include <glassy/core/error.hpp>
#include <glassy/core/ranks.hpp>

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <string>

namespace {

// MPI counts are ints: long vectors (a 2048^2 map of several bins) go in pieces.
constexpr std::size_t kPiece = std::size_t{1} << 28;

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw glassy::Error(std::string("MPI ") + what + " failed: " + std::string(text, length));
}

class MpiRanks final : public glassy::Ranks {
 public:
  MpiRanks() {
    int ready = 0;
    MPI_Initialized(&ready);
    if (!ready) {
      // Only the main thread talks to MPI (OpenMP threads compute between the calls).
      int provided = 0;
      check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "init");
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void send(int to, std::span<const double> values) override {
    for (std::size_t at = 0; at < values.size(); at += kPiece) {
      const auto n = static_cast<int>(std::min(kPiece, values.size() - at));
      check(MPI_Send(values.data() + at, n, MPI_DOUBLE, to, 0, MPI_COMM_WORLD), "send");
    }
  }
  void receive(int from, std::span<double> values) override {
    for (std::size_t at = 0; at < values.size(); at += kPiece) {
      const auto n = static_cast<int>(std::min(kPiece, values.size() - at));
      check(MPI_Recv(values.data() + at, n, MPI_DOUBLE, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
            "receive");
    }
  }
  void broadcast(std::span<double> values, int root) override {
    for (std::size_t at = 0; at < values.size(); at += kPiece) {
      const auto n = static_cast<int>(std::min(kPiece, values.size() - at));
      check(MPI_Bcast(values.data() + at, n, MPI_DOUBLE, root, MPI_COMM_WORLD), "broadcast");
    }
  }
  void finish() override {
    int done = 0;
    MPI_Finalized(&done);
    if (!done) MPI_Finalize();
  }

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace

extern "C" glassy::Ranks* glassy_mpi_ranks() { return new MpiRanks(); }
