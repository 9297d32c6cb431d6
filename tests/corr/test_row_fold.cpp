// The two-time correlator shared over ranks (corr/row_fold): 1, 2 and 3 ranks give every reducer
// the same bits, on both paths, for summed tables (age band, one-time g2, a downsampled map) and
// assigned ones (a full-resolution map, the diagonal band), whatever the threads of a rank (rows
// computed one after another or side by side), and multi-tau shared out by pixels; a checkpoint
// written by one process is resumed by three. The ranks here are threads that pass messages through
// memory (the same Ranks interface the MPI plugin implements; the CLI test runs real mpirun).
#include "test_support.hpp"

#include <glassy/core/ranks.hpp>
#include <glassy/corr/multitau.hpp>
#include <glassy/corr/reducers.hpp>
#include <glassy/corr/twotime.hpp>
#include <glassy/io/npy_frames.hpp>

#include <omp.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace glassy {
namespace {

using test::ScratchDir;

// Messages between threads, first in first out per (from, to) pair, as MPI orders them.
class Mailboxes {
 public:
  void put(int from, int to, std::vector<double> message) {
    {
      std::lock_guard lock(mutex_);
      boxes_[{from, to}].push_back(std::move(message));
    }
    ready_.notify_all();
  }
  std::vector<double> take(int from, int to) {
    std::unique_lock lock(mutex_);
    auto& box = boxes_[{from, to}];
    ready_.wait(lock, [&] { return !box.empty(); });
    auto message = std::move(box.front());
    box.pop_front();
    return message;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::map<std::pair<int, int>, std::deque<std::vector<double>>> boxes_;
};

class ThreadRanks : public Ranks {
 public:
  ThreadRanks(Mailboxes& boxes, int rank, int size) : boxes_(boxes), rank_(rank), size_(size) {}
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void send(int to, std::span<const double> values) override {
    boxes_.put(rank_, to, {values.begin(), values.end()});
  }
  void receive(int from, std::span<double> values) override {
    const auto message = boxes_.take(from, rank_);
    ASSERT_EQ(message.size(), values.size()) << "message length";
    std::copy(message.begin(), message.end(), values.begin());
  }
  void broadcast(std::span<double> values, int root) override {
    if (rank_ == root) {
      for (int r = 0; r < size_; ++r)
        if (r != root) send(r, values);
    } else {
      receive(root, values);
    }
  }

 private:
  Mailboxes& boxes_;
  int rank_, size_;
};

struct RunInputs {
  std::vector<std::uint8_t> valid;
  std::vector<double> weights;
  Partition partition;
  FrameClock clock;
};

RunInputs make_run(std::size_t frames, std::size_t h, std::size_t w) {
  Partition p;
  p.height = h;
  p.width = w;
  p.mask.assign(h * w, 1);
  p.dynamic_q = p.static_q = 2;
  p.dynamic_q_values = p.static_q_values = {1, 2};
  p.dynamic_phi_values = p.static_phi_values = {0};
  p.dynamic_map.assign(h * w, 0);
  for (std::size_t i = 0; i < h * w; ++i) {
    if (i % 11 == 4) p.mask[i] = 0;
    p.dynamic_map[i] = p.mask[i] ? 1 + static_cast<int>(i % 2) : 0;
  }
  p.static_map = p.dynamic_map;
  std::vector<double> weights(h * w);
  for (std::size_t i = 0; i < weights.size(); ++i)
    weights[i] = 0.8 + 0.05 * static_cast<double>(i % 9);
  std::vector<std::uint8_t> valid(frames, 1);
  valid[17] = 0;
  std::vector<double> times(frames);
  for (std::size_t t = 0; t < frames; ++t) times[t] = 0.5 * static_cast<double>(t);
  return {valid, weights, p, FrameClock(times, 0.5)};
}

// Every table the analysis keeps, both ways of joining them.
struct Tables {
  explicit Tables(const FrameClock& clock)
      : band(clock, 2, 40.0, 5, 25.0),
        onetime(clock, 2, 1e9, 5),
        plateau(clock, 2, 1e9, 5, std::make_pair(20.0, 120.0)),
        coarse_map(clock, 2, 37),
        full_map(clock, 2, clock.frames()),
        diagonal(clock.frames(), 2, 6) {}
  AgeBandReducer band;
  OneTimeReducer onetime, plateau;
  MapReducer coarse_map, full_map;
  DiagonalBandReducer diagonal;
  std::vector<TileReducer*> all() {
    return {&band, &onetime, &plateau, &coarse_map, &full_map, &diagonal};
  }
};

std::filesystem::path write_frames(const ScratchDir& dir, std::size_t t, std::size_t h,
                                   std::size_t w, double rate, unsigned seed) {
  const auto frames = test::speckle_frames(t, h, w, rate, 0.9, seed);
  const auto file = dir / ("f" + std::to_string(seed) + ".npy");
  write_npy(file, {t, h, w}, frames.data());
  return file;
}

// The tables of every rank after a run shared over `size` ranks (threads).
std::vector<std::vector<std::vector<double>>> run_ranks(const std::filesystem::path& frames,
                                                        const RunInputs& run, int size,
                                                        CorrPath path, TwoTimeOptions base = {},
                                                        int threads = 2) {
  Mailboxes boxes;
  std::vector<std::vector<std::vector<double>>> states(static_cast<std::size_t>(size));
  std::vector<std::thread> workers;
  for (int r = 0; r < size; ++r)
    workers.emplace_back([&, r] {
      omp_set_num_threads(threads);  // this thread's OpenMP team: rows computed side by side
      ThreadRanks ranks(boxes, r, size);
      auto source = open_frames(frames);
      Tables tables(run.clock);
      TwoTimeOptions o = base;
      o.path = path;
      o.block_frames = 24;
      o.ranks = &ranks;
      const auto reducers = tables.all();
      run_twotime(*source, TwoTimeInputs{run.partition, run.weights, run.valid}, o, reducers);
      for (auto* reducer : reducers)
        for (auto& [name, values] : reducer->state())
          states[static_cast<std::size_t>(r)].push_back(*values);
    });
  for (auto& t : workers) t.join();
  return states;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

void expect_same_bits(const std::vector<std::vector<double>>& want,
                      const std::vector<std::vector<double>>& got, const std::string& what) {
  ASSERT_EQ(want.size(), got.size()) << what;
  for (std::size_t v = 0; v < want.size(); ++v)
    EXPECT_TRUE(same_bits(want[v], got[v])) << what << ": table vector " << v << " differs";
}

class RowFoldPaths : public ::testing::TestWithParam<CorrPath> {};

TEST_P(RowFoldPaths, OneTwoAndThreeRanksGiveTheSameBits) {
  ScratchDir dir;
  const std::size_t t = 230, h = 9, w = 8;  // 10 rows of 24-frame tiles, the last one short
  const auto frames = write_frames(dir, t, h, w, GetParam() == CorrPath::Sparse ? 0.2 : 3.0, 5);
  const RunInputs run = make_run(t, h, w);
  const auto one = run_ranks(frames, run, 1, GetParam());
  // One thread (rows one after another) and three (rows side by side, 5 x 3 buffers of tiles).
  for (int threads : {1, 3})
    expect_same_bits(one[0], run_ranks(frames, run, 1, GetParam(), {}, threads)[0],
                     std::to_string(threads) + " threads");
  for (int size : {2, 3}) {
    const auto many = run_ranks(frames, run, size, GetParam());
    for (int r = 0; r < size; ++r)
      expect_same_bits(one[0], many[static_cast<std::size_t>(r)],
                       std::to_string(size) + " ranks, rank " + std::to_string(r));
  }

  // And the same tables as the reducers fed directly, to rounding (a different summation order).
  Tables direct(run.clock);
  auto source = open_frames(frames);
  TwoTimeOptions o;
  o.path = GetParam();
  o.block_frames = 24;
  const auto reducers = direct.all();
  run_twotime(*source, TwoTimeInputs{run.partition, run.weights, run.valid}, o, reducers);
  std::size_t v = 0, compared = 0;
  for (auto* reducer : reducers)
    for (auto& [name, values] : reducer->state()) {
      const auto& folded = one[0][v++];
      ASSERT_EQ(values->size(), folded.size()) << name;
      for (std::size_t i = 0; i < folded.size(); ++i) {
        const double a = (*values)[i], b = folded[i];
        if (std::isnan(a)) {
          EXPECT_TRUE(std::isnan(b)) << name << " " << i;
        } else {
          ASSERT_NEAR(a, b, 1e-12 * std::max(1.0, std::abs(a))) << name << " " << i;
          compared += a != 0;
        }
      }
    }
  EXPECT_GT(compared, 1000u);
}

INSTANTIATE_TEST_SUITE_P(Paths, RowFoldPaths, ::testing::Values(CorrPath::Dense, CorrPath::Sparse),
                         [](const auto& info) { return to_string(info.param); });

TEST(RowFold, ACheckpointOfOneProcessIsResumedByThreeRanks) {
  ScratchDir dir;
  const std::size_t t = 230, h = 9, w = 8;
  const auto frames = write_frames(dir, t, h, w, 0.5, 6);
  const RunInputs run = make_run(t, h, w);
  const auto whole = run_ranks(frames, run, 1, CorrPath::Sparse);

  TwoTimeOptions cut;
  cut.checkpoint = dir / "run.checkpoint.h5";
  cut.after_row = [](std::size_t rows) { return rows < 4; };
  {
    Mailboxes boxes;
    ThreadRanks one(boxes, 0, 1);
    auto source = open_frames(frames);
    Tables tables(run.clock);
    TwoTimeOptions o = cut;
    o.path = CorrPath::Sparse;
    o.block_frames = 24;
    o.ranks = &one;
    const auto report =
        run_twotime(*source, TwoTimeInputs{run.partition, run.weights, run.valid}, o, tables.all());
    ASSERT_FALSE(report.completed);
    ASSERT_TRUE(std::filesystem::exists(*cut.checkpoint));
  }
  TwoTimeOptions resume;
  resume.checkpoint = cut.checkpoint;
  resume.resume = true;
  const auto resumed = run_ranks(frames, run, 3, CorrPath::Sparse, resume);
  for (int r = 0; r < 3; ++r)
    expect_same_bits(whole[0], resumed[static_cast<std::size_t>(r)],
                     "resumed on 3 ranks, rank " + std::to_string(r));
  EXPECT_FALSE(std::filesystem::exists(*cut.checkpoint)) << "rank 0 removes it when done";
}

TEST(RowFold, MultiTauSharedByPixelsOverRanksGivesTheSameBits) {
  ScratchDir dir;
  const std::size_t t = 300, h = 9, w = 8;
  const auto frames = write_frames(dir, t, h, w, 0.7, 7);
  const RunInputs run = make_run(t, h, w);
  auto source = open_frames(frames);
  const auto one = run_multitau(*source, run.partition, 64);
  for (int size : {2, 3}) {
    Mailboxes boxes;
    std::vector<MultiTauResult> got(static_cast<std::size_t>(size));
    std::vector<std::thread> workers;
    for (int r = 0; r < size; ++r)
      workers.emplace_back([&, r] {
        ThreadRanks ranks(boxes, r, size);
        auto own = open_frames(frames);
        got[static_cast<std::size_t>(r)] = run_multitau(*own, run.partition, 64, &ranks);
      });
    for (auto& th : workers) th.join();
    for (const auto& g : got) {
      EXPECT_EQ(g.delays, one.delays);
      for (auto field : {&MultiTauResult::g2, &MultiTauResult::g2_err, &MultiTauResult::G2,
                         &MultiTauResult::IP, &MultiTauResult::IF})
        EXPECT_TRUE(same_bits(one.*field, g.*field)) << size << " ranks";
    }
  }
  EXPECT_GT(one.g2[0], 1.0);  // a real correlation was compared
}

}  // namespace
}  // namespace glassy
