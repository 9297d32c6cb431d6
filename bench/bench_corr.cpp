// Correlator speed beside its anchors (issue: correlators):
//  - dense two-time vs the DSYRK rate OpenBLAS reaches for the same shape (anchor: >= 60%);
//  - sparse vs dense two-time at 0.01 photons per pixel per frame (anchor: >= 20x faster);
//  - two-time of 1000 frames of 64 x 64 (boost_corr on PyTorch needs 0.23 s here, scikit-beam 32
//  s);
//  - multi-tau frames/s for 256 x 256 frames with 10% non-zero pixels (anchor: >= 1500 frames/s).
#include "bench_common.hpp"

#include <glassy/corr/multitau.hpp>
#include <glassy/corr/reducers.hpp>
#include <glassy/corr/twotime.hpp>
#include <glassy/io/frame_writer.hpp>
#include <glassy/io/npy_frames.hpp>

#include <cblas.h>

#include <random>

using namespace glassy;

namespace {

// Frames with Poisson counts of the given mean: the correlator's cost depends on counts, not
// on their correlations.
std::filesystem::path make_frames(const std::filesystem::path& dir, const char* name, std::size_t t,
                                  std::size_t side, double rate) {
  const auto file = dir / name;
  std::vector<float> frames(t * side * side);
  std::mt19937_64 rng(1);
  std::poisson_distribution<int> poisson(rate);
  for (auto& v : frames) v = static_cast<float>(poisson(rng));
  write_npy(file, {t, side, side}, frames.data());
  return file;
}

// Counts every tile's entries: the cheapest subscriber, so the correlator's own cost shows.
class CountingReducer : public TileReducer {
 public:
  std::size_t max_lag_frames() const override { return static_cast<std::size_t>(-1); }
  void consume(const Tile& t) override { entries += t.t1_count * t.t2_count; }
  std::vector<std::pair<std::string, std::vector<double>*>> state() override { return {}; }
  std::size_t entries = 0;
};

double twotime_seconds(const std::filesystem::path& file, CorrPath path, double frame_time = 1.0) {
  DetectorMetadata meta;
  meta.frame_time = frame_time;
  auto src = open_frames(file, meta);
  const auto& info = src->info();
  const auto part =
      single_bin_partition(info.height, info.width, std::vector<std::uint8_t>(info.pixels(), 1));
  CountingReducer counter;
  TileReducer* reducers[] = {&counter};
  TwoTimeOptions o;
  o.path = path;
  o.budget = MemoryBudget(std::size_t{4} << 30);
  src->read_dense(0, 1, *std::make_unique<FrameBlock>());  // open the file once before timing
  const double t0 = bench::now_s();
  run_twotime(
      *src,
      {part, std::vector<double>(info.pixels(), 1.0), std::vector<std::uint8_t>(info.frames, 1)}, o,
      reducers);
  return bench::now_s() - t0;
}

}  // namespace

int main() {
  const auto dir = bench::scratch("corr");
  // 1. Dense two-time against DSYRK on the same shape (T = 2048 frames, P = 128 x 128 pixels).
  {
    const std::size_t t = 2048, side = 128, p = side * side;
    const auto file = make_frames(dir, "dense.npy", t, side, 1.0);
    std::vector<double> x(t * p), c(t * t);
    std::mt19937_64 rng(2);
    std::poisson_distribution<int> poisson(1.0);
    for (auto& v : x) v = poisson(rng);
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, 256, static_cast<blasint>(p), 1.0,
                x.data(), static_cast<blasint>(p), 0.0, c.data(), 256);  // warm up threads
    const double s0 = bench::now_s();
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, static_cast<blasint>(t),
                static_cast<blasint>(p), 1.0, x.data(), static_cast<blasint>(p), 0.0, c.data(),
                static_cast<blasint>(t));
    const double syrk = bench::now_s() - s0;
    const double flops = static_cast<double>(t) * (t + 1) * p;  // DSYRK: n (n+1) k
    const double ours = twotime_seconds(file, CorrPath::Dense);
    std::printf(
        "two-time dense %zu frames x %zu px: %.2f s = %.1f GFLOP/s end to end | DSYRK same shape "
        "%.2f s = %.1f GFLOP/s"
        " | ratio %.2f (anchor >= 0.60)\n",
        t, p, ours, flops / ours / 1e9, syrk, flops / syrk / 1e9, syrk / ours);
  }
  // 2. Sparse vs dense at 0.01 photons per pixel per frame, the same photon-event file for both
  //    (how photon-starved runs are stored; reading it costs both paths the same).
  {
    const auto npy = make_frames(dir, "starved.npy", 2048, 128, 0.01);
    const auto file = dir / "starved.h5";
    {
      auto src = open_frames(npy);
      FrameFileSpec spec{128, 128, FrameLayout::Sparse, h5::Compression::None, "uint32"};
      convert_frames(*src, npy, file, spec, MemoryBudget());
    }
    const double dense = twotime_seconds(file, CorrPath::Dense);
    const double sparse = twotime_seconds(file, CorrPath::Sparse);
    std::printf(
        "two-time 0.01 photons/px/frame, 2048 frames x 16384 px: dense %.3f s, sparse %.3f s | "
        "sparse %.0fx faster"
        " (anchor >= 20x)\n",
        dense, sparse, dense / sparse);
  }
  // 3. 1000 frames of 64 x 64 (the anchor of the existing correlators).
  for (double rate : {0.01, 1.0}) {
    const auto file = make_frames(dir, "small.npy", 1000, 64, rate);
    const double s =
        std::min(twotime_seconds(file, CorrPath::Auto), twotime_seconds(file, CorrPath::Auto));
    std::printf(
        "two-time 1000 frames of 64 x 64 at %.2g photons/px/frame: %.3f s | boost_corr (PyTorch "
        "CPU) 0.23 s:"
        " ratio %.1fx, scikit-beam 32 s: ratio %.0fx\n",
        rate, s, 0.23 / s, 32 / s);
  }
  // 4. Multi-tau, 256 x 256, 10% non-zero.
  {
    const std::size_t t = 4000;
    const auto file =
        make_frames(dir, "mt.npy", t, 256, 0.1054);  // P(n > 0) = 1 - exp(-0.1054) = 10%
    DetectorMetadata meta;
    meta.frame_time = 1.0;
    auto src = open_frames(file, meta);
    const auto part = single_bin_partition(256, 256, std::vector<std::uint8_t>(256 * 256, 1));
    run_multitau(*src, part, 256);  // warm the page cache
    const double t0 = bench::now_s();
    run_multitau(*src, part, 256);
    const double s = bench::now_s() - t0;
    std::printf(
        "multi-tau 256 x 256, 10%% non-zero, %zu frames: %.0f frames/s (anchor >= 1500; xpcs-eigen "
        "and boost_corr"
        " ~250 here): ratio %.2f\n",
        t, t / s, t / s / 1500);
  }
  std::printf("peak RSS %.0f MiB\n", bench::peak_rss_mib());
  std::filesystem::remove_all(dir);
  return 0;
}
