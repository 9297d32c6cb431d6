#include <glassy/core/error.hpp>
#include <glassy/corr/reducers.hpp>
#include <glassy/corr/tile_diagonals.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

namespace glassy {
namespace {

Accumulated summarise(double sum, double sum2, double n, double independent_fraction) {
  if (n <= 0) return {0.0, 0.0, 0};
  const double mean = sum / n;
  const double var = n > 1 ? std::max(sum2 / n - mean * mean, 0.0) * n / (n - 1) : 0.0;
  const double n_eff = std::max(1.0, n * independent_fraction);
  return {mean, std::sqrt(var / n_eff), static_cast<std::size_t>(n)};
}

// How many distinct integer lags fall in each bin (pairs at different lags in one row of C are
// strongly correlated; rows are the independent samples).
std::vector<double> distinct_lags(const LagBins& lags) {
  std::vector<double> n(lags.size(), 0.0);
  for (std::size_t l = 1; l <= lags.max_frames(); ++l) n[lags.bin_of_frames(l)] += 1;
  return n;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Variance of the overall mean from block sums and counts (batch means, blocks of unequal size:
// the ratio-estimator form), and the number of blocks that held pairs.
struct BatchVariance {
  double variance;
  std::size_t blocks;
};

BatchVariance batch_variance(const double* sum, const double* count, std::size_t blocks) {
  double n = 0, total = 0;
  std::size_t used = 0;
  for (std::size_t b = 0; b < blocks; ++b)
    if (count[b] > 0) n += count[b], total += sum[b], ++used;
  if (used < 2) return {kNaN, used};
  const double mean = total / n;
  double acc = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    if (count[b] == 0) continue;
    const double share = count[b] / n, d = sum[b] / count[b] - mean;
    acc += share * share * d * d;
  }
  return {acc * static_cast<double>(used) / static_cast<double>(used - 1), used};
}

// Variance of a mean of n pairs if they were independent (per-pair variance / n).
double iid_variance(double sum, double sum2, double n) {
  if (n < 2) return kNaN;
  const double mean = sum / n;
  return std::max(sum2 / n - mean * mean, 0.0) / (n - 1);
}

// A mean whose variance is `variance` (non-finite: fall back to the conservative estimate).
Accumulated with_variance(double sum, double sum2, double n, double variance,
                          double fallback_fraction) {
  if (!std::isfinite(variance)) return summarise(sum, sum2, n, fallback_fraction);
  if (n <= 0) return {0.0, 0.0, 0};
  return {sum / n, std::sqrt(std::max(variance, 0.0)), static_cast<std::size_t>(n)};
}

// The error block of each frame: `blocks` equal spans of time from `start`, `length` s long.
std::size_t block_in(double t, double start, double length, std::size_t blocks) {
  if (!(length > 0) || t <= start) return 0;
  return std::min(blocks - 1, static_cast<std::size_t>((t - start) / length * blocks));
}

double max_lag_of(const FrameClock& clock, double max_lag_s) {
  const double span = clock.time(clock.frames() - 1) - clock.time(0);
  return std::max(clock.dt(), std::min(max_lag_s, span));
}

// n pairs whose C sum to `sum` (squares to `sum2`) into cell c of a table and its error block
// entry cb: the accumulation every lag-binned table shares.
void add_pairs(std::vector<double>& sum_of, std::vector<double>& sum2_of,
               std::vector<double>& count_of, std::vector<double>& blk_sum,
               std::vector<double>& blk_count, std::size_t c, std::size_t cb, double sum,
               double sum2, double n) {
  sum_of[c] += sum;
  sum2_of[c] += sum2;
  count_of[c] += n;
  blk_sum[cb] += sum;
  blk_count[cb] += n;
}

// Visits every new pair of a tile (t1 > t2; the diagonal carries shot noise and is left out) with
// a valid C and a lag inside the binning: fn(f2, lag in frame spacings, lag bin, C). Rows whose
// frame fails keep_row are skipped whole. Shared by the reducers that bin by lag.
template <typename RowFilter, typename PairFn>
void for_each_binned_pair(const Tile& t, const FrameClock& clock, const LagBins& lags,
                          RowFilter keep_row, PairFn fn) {
  for (std::size_t i = 0; i < t.t1_count; ++i) {
    const std::size_t f1 = t.t1_first + i;
    if (!keep_row(f1)) continue;
    const long s1 = clock.slot(f1);
    const std::size_t jend = t.diagonal ? i : t.t2_count;
    for (std::size_t j = 0; j < jend; ++j) {
      const double v = t.at(i, j);
      if (std::isnan(v)) continue;
      const std::size_t f2 = t.t2_first + j;
      const auto lag = static_cast<std::size_t>(s1 - clock.slot(f2));
      const std::size_t l = lags.bin_of_frames(lag);
      if (l < lags.size()) fn(f2, lag, l, v);
    }
  }
}

}  // namespace

FrameClock::FrameClock(std::vector<double> times, double dt) : times_(std::move(times)), dt_(dt) {
  require(!times_.empty() && dt > 0, "frame clock needs frames and a positive frame time");
  slot_.resize(times_.size());
  for (std::size_t f = 0; f < times_.size(); ++f)
    slot_[f] = std::lround((times_[f] - times_[0]) / dt);
}

// ---------------- AgeBandReducer ----------------

AgeBandReducer::AgeBandReducer(const FrameClock& clock, int bins, double max_lag_s, int per_decade,
                               double window_s)
    : clock_(clock),
      bins_(bins),
      lags_(clock.dt(), max_lag_of(clock, max_lag_s), per_decade),
      max_lag_s_(max_lag_s),
      per_decade_(per_decade),
      window_s_(window_s),
      t0_(clock.time(0)) {
  require(window_s > 0, "age window must be positive seconds");
  const double span = clock.time(clock.frames() - 1) - t0_;
  n_windows_ = static_cast<std::size_t>(std::floor(span / window_s)) + 1;
  window_of_.resize(clock.frames());
  block_of_.resize(clock.frames());
  for (std::size_t f = 0; f < clock.frames(); ++f) {
    window_of_[f] =
        std::min(n_windows_ - 1, static_cast<std::size_t>((clock.time(f) - t0_) / window_s));
    block_of_[f] = block_in(clock.time(f), window_start(window_of_[f]), window_s, kBandErrorBlocks);
  }
  lags_per_bin_ = distinct_lags(lags_);
  const std::size_t cells = static_cast<std::size_t>(bins) * n_windows_ * lags_.size();
  sum_.assign(cells, 0.0);
  sum2_.assign(cells, 0.0);
  count_.assign(cells, 0.0);
  blk_sum_.assign(cells * kBandErrorBlocks, 0.0);
  blk_count_ = blk_sum_;
  lag_sum_.assign(lags_.size(), 0.0);
  p_sum_.assign(static_cast<std::size_t>(bins) * n_windows_, 0.0);
  p_sum2_ = p_sum_;
  p_count_ = p_sum_;
  p_blk_sum_.assign(p_sum_.size() * kBandErrorBlocks, 0.0);
  p_blk_count_ = p_blk_sum_;
}

std::size_t AgeBandReducer::max_lag_frames() const { return lags_.max_frames(); }

void AgeBandReducer::consume(const Tile& t) {
  forget_design_effects();
  // One pair (pair path) or one diagonal of a run of columns in one window and error block
  // (diagonal path): n pairs at one lag whose C sum to `sum` and their squares to `sum2`.
  const auto add = [&](std::size_t w, std::size_t block, std::size_t lag, std::size_t l, double sum,
                       double sum2, double n) {
    const std::size_t c = cell(t.bin, w, l);
    add_pairs(sum_, sum2_, count_, blk_sum_, blk_count_, c, c * kBandErrorBlocks + block, sum, sum2,
              n);
    lag_sum_[l] += static_cast<double>(lag) * n;
    if (lag == 1) {
      const std::size_t pc = static_cast<std::size_t>(t.bin) * n_windows_ + w;
      add_pairs(p_sum_, p_sum2_, p_count_, p_blk_sum_, p_blk_count_, pc,
                pc * kBandErrorBlocks + block, sum, sum2, n);
    }
  };
  if (diagonals_are_lags(t, clock_)) {
    const auto key = [&](std::size_t f2) {
      return window_of_[f2] * kBandErrorBlocks + block_of_[f2];
    };
    for_each_diagonal(t, clock_, key,
                      [&](std::size_t k, std::size_t lag, double sum, double sum2, double n) {
                        const std::size_t l = lags_.bin_of_frames(lag);
                        if (l < lags_.size())
                          add(k / kBandErrorBlocks, k % kBandErrorBlocks, lag, l, sum, sum2, n);
                      });
    return;
  }
  const auto all_rows = [](std::size_t) { return true; };
  for_each_binned_pair(t, clock_, lags_, all_rows,
                       [&](std::size_t f2, std::size_t lag, std::size_t l, double v) {
                         add(window_of_[f2], block_of_[f2], lag, l, v, v * v, 1.0);
                       });
}

std::vector<std::pair<std::string, std::vector<double>*>> AgeBandReducer::state() {
  forget_design_effects();  // the caller may restore the sums through these pointers
  return {{"sum", &sum_},
          {"sum2", &sum2_},
          {"count", &count_},
          {"lag_sum", &lag_sum_},
          {"p_sum", &p_sum_},
          {"p_sum2", &p_sum2_},
          {"p_count", &p_count_},
          {"blk_sum", &blk_sum_},
          {"blk_count", &blk_count_},
          {"p_blk_sum", &p_blk_sum_},
          {"p_blk_count", &p_blk_count_}};
}

bool optional_table_field(const std::string& field) {
  return field.find("blk_") != std::string::npos;
}

void AgeBandReducer::compute_design_effects() const {
  // Pooled over windows: sum of batch variances over sum of iid variances, from windows with at
  // least half their blocks filled; at least 10 degrees of freedom in all, else NaN.
  const auto pooled = [&](const std::vector<double>& sum, const std::vector<double>& sum2,
                          const std::vector<double>& count, const std::vector<double>& bsum,
                          const std::vector<double>& bcount, auto index) {
    double batch = 0, iid = 0, dof = 0;
    for (std::size_t w = 0; w < n_windows_; ++w) {
      const std::size_t c = index(w);
      const auto bv = batch_variance(&bsum[c * kBandErrorBlocks], &bcount[c * kBandErrorBlocks],
                                     kBandErrorBlocks);
      const double iv = iid_variance(sum[c], sum2[c], count[c]);
      if (bv.blocks < kBandErrorBlocks / 2 || !std::isfinite(bv.variance) || !(iv > 0)) continue;
      batch += bv.variance;
      iid += iv;
      dof += static_cast<double>(bv.blocks - 1);
    }
    return dof >= 10 && iid > 0 ? batch / iid : kNaN;
  };
  const std::size_t nl = lags_.size(), nb = static_cast<std::size_t>(bins_);
  design_.assign(nb * nl + nb, kNaN);
  for (int b = 0; b < bins_; ++b) {
    for (std::size_t l = 0; l < nl; ++l)
      design_[b * nl + l] = pooled(sum_, sum2_, count_, blk_sum_, blk_count_,
                                   [&](std::size_t w) { return cell(b, w, l); });
    design_[nb * nl + b] =
        pooled(p_sum_, p_sum2_, p_count_, p_blk_sum_, p_blk_count_,
               [&](std::size_t w) { return static_cast<std::size_t>(b) * n_windows_ + w; });
  }
}

double AgeBandReducer::design_effect(int bin, std::size_t lag) const {
  std::lock_guard lock(design_mutex_);
  if (design_.empty()) compute_design_effects();
  return design_[static_cast<std::size_t>(bin) * lags_.size() + lag];
}

double AgeBandReducer::plateau_design_effect(int bin) const {
  std::lock_guard lock(design_mutex_);
  if (design_.empty()) compute_design_effects();
  return design_[static_cast<std::size_t>(bins_) * lags_.size() + static_cast<std::size_t>(bin)];
}

double AgeBandReducer::lag_seconds(std::size_t l) const {
  double n = 0;
  for (int b = 0; b < bins_; ++b)
    for (std::size_t w = 0; w < n_windows_; ++w) n += count_[cell(b, w, l)];
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  return lag_sum_[l] / n * clock_.dt();
}

Accumulated AgeBandReducer::g2(int bin, std::size_t w, std::size_t l) const {
  const std::size_t c = cell(bin, w, l);
  const double var = design_effect(bin, l) * iid_variance(sum_[c], sum2_[c], count_[c]);
  return with_variance(sum_[c], sum2_[c], count_[c], var, 1.0 / lags_per_bin_[l]);
}

double AgeBandReducer::pair_variance(int bin, std::size_t w, std::size_t l) const {
  const std::size_t c = cell(bin, w, l);
  return iid_variance(sum_[c], sum2_[c], count_[c]) * count_[c];
}

double AgeBandReducer::g2_without_block(int bin, std::size_t w, std::size_t l,
                                        std::size_t j) const {
  const std::size_t c = cell(bin, w, l), cb = c * kBandErrorBlocks + j;
  const double n = count_[c] - blk_count_[cb];
  return n > 0 ? (sum_[c] - blk_sum_[cb]) / n : kNaN;
}

bool AgeBandReducer::block_filled(int bin, std::size_t w, std::size_t j) const {
  for (std::size_t l = 0; l < lags_.size(); ++l)
    if (blk_count_[cell(bin, w, l) * kBandErrorBlocks + j] > 0) return true;
  return false;
}

Accumulated AgeBandReducer::plateau(int bin, std::size_t w) const {
  const std::size_t c = static_cast<std::size_t>(bin) * n_windows_ + w;
  const double var = plateau_design_effect(bin) * iid_variance(p_sum_[c], p_sum2_[c], p_count_[c]);
  return with_variance(p_sum_[c], p_sum2_[c], p_count_[c], var, 1.0);
}

std::unique_ptr<AgeBandReducer> AgeBandReducer::merged_windows(std::size_t k) const {
  require(k >= 1, "age windows merge in whole multiples");
  auto m = std::make_unique<AgeBandReducer>(clock_, bins_, max_lag_s_, per_decade_,
                                            window_s_ * static_cast<double>(k));
  const std::size_t nl = lags_.size();
  for (int b = 0; b < bins_; ++b)
    for (std::size_t w = 0; w < n_windows_; ++w) {
      // Clamped like window_of_: the last stored window may end past the run's last frame.
      const std::size_t W = std::min(m->n_windows_ - 1, w / k);
      // Block j of stored window w (the (w - kW)-th of the k merged) keeps its place in time:
      // block ((w - kW) B + j) / k of the wide window.
      const auto wide_block = [&](std::size_t j) {
        return std::min(kBandErrorBlocks - 1, ((w - W * k) * kBandErrorBlocks + j) / k);
      };
      for (std::size_t l = 0; l < nl; ++l) {
        const std::size_t c = cell(b, w, l), C = m->cell(b, W, l);
        m->sum_[C] += sum_[c];
        m->sum2_[C] += sum2_[c];
        m->count_[C] += count_[c];
        for (std::size_t j = 0; j < kBandErrorBlocks; ++j) {
          m->blk_sum_[C * kBandErrorBlocks + wide_block(j)] += blk_sum_[c * kBandErrorBlocks + j];
          m->blk_count_[C * kBandErrorBlocks + wide_block(j)] +=
              blk_count_[c * kBandErrorBlocks + j];
        }
      }
      const std::size_t pc = static_cast<std::size_t>(b) * n_windows_ + w;
      const std::size_t PC = static_cast<std::size_t>(b) * m->n_windows_ + W;
      m->p_sum_[PC] += p_sum_[pc];
      m->p_sum2_[PC] += p_sum2_[pc];
      m->p_count_[PC] += p_count_[pc];
      for (std::size_t j = 0; j < kBandErrorBlocks; ++j) {
        m->p_blk_sum_[PC * kBandErrorBlocks + wide_block(j)] +=
            p_blk_sum_[pc * kBandErrorBlocks + j];
        m->p_blk_count_[PC * kBandErrorBlocks + wide_block(j)] +=
            p_blk_count_[pc * kBandErrorBlocks + j];
      }
    }
  m->lag_sum_ = lag_sum_;
  return m;
}

std::unique_ptr<AgeBandReducer> AgeBandReducer::empty_like() const {
  return std::make_unique<AgeBandReducer>(clock_, bins_, max_lag_s_, per_decade_, window_s_);
}

std::unique_ptr<TileReducer> AgeBandReducer::blank() const { return empty_like(); }

void AgeBandReducer::subtract(const AgeBandReducer& pairs) {
  require(pairs.sum_.size() == sum_.size() && pairs.p_sum_.size() == p_sum_.size(),
          "age bands of different shapes cannot be subtracted");
  forget_design_effects();
  const auto minus = [](std::vector<double>& a, const std::vector<double>& b) {
    for (std::size_t i = 0; i < a.size(); ++i) a[i] -= b[i];
  };
  minus(sum_, pairs.sum_);
  minus(sum2_, pairs.sum2_);
  minus(count_, pairs.count_);
  minus(lag_sum_, pairs.lag_sum_);
  minus(blk_sum_, pairs.blk_sum_);
  minus(blk_count_, pairs.blk_count_);
  minus(p_sum_, pairs.p_sum_);
  minus(p_sum2_, pairs.p_sum2_);
  minus(p_count_, pairs.p_count_);
  minus(p_blk_sum_, pairs.p_blk_sum_);
  minus(p_blk_count_, pairs.p_blk_count_);
  // Sums of the same pairs in another order differ in the last bits: an emptied cell is exactly
  // empty.
  const auto clear_emptied = [](std::vector<double>& count, std::vector<double>& sum,
                                std::vector<double>* sum2) {
    for (std::size_t c = 0; c < count.size(); ++c)
      if (count[c] < 0.5) count[c] = sum[c] = sum2 ? ((*sum2)[c] = 0) : 0;
  };
  clear_emptied(count_, sum_, &sum2_);
  clear_emptied(p_count_, p_sum_, &p_sum2_);
  clear_emptied(blk_count_, blk_sum_, nullptr);
  clear_emptied(p_blk_count_, p_blk_sum_, nullptr);
}

double AgeBandReducer::pairs() const {
  double n = 0;
  for (double c : count_) n += c;
  return n;
}

// ---------------- OneTimeReducer ----------------

OneTimeReducer::OneTimeReducer(const FrameClock& clock, int bins, double max_lag_s, int per_decade,
                               std::optional<std::pair<double, double>> span)
    : clock_(clock),
      bins_(bins),
      lags_(clock.dt(), max_lag_of(clock, max_lag_s), per_decade),
      span_(span) {
  lags_per_bin_ = distinct_lags(lags_);
  const std::size_t cells = static_cast<std::size_t>(bins) * lags_.size();
  sum_.assign(cells, 0.0);
  sum2_ = sum_;
  count_ = sum_;
  blk_sum_.assign(cells * kOneTimeErrorBlocks, 0.0);
  blk_count_ = blk_sum_;
  lag_sum_.assign(lags_.size(), 0.0);
  const double start = span_ ? span_->first : clock.time(0);
  const double end = span_ ? span_->second : clock.time(clock.frames() - 1);
  block_of_.resize(clock.frames());
  for (std::size_t f = 0; f < clock.frames(); ++f)
    block_of_[f] = block_in(clock.time(f), start, end - start, kOneTimeErrorBlocks);
}

void OneTimeReducer::consume(const Tile& t) {
  const auto add = [&](std::size_t block, std::size_t lag, std::size_t l, double sum, double sum2,
                       double n) {
    const std::size_t c = static_cast<std::size_t>(t.bin) * lags_.size() + l;
    add_pairs(sum_, sum2_, count_, blk_sum_, blk_count_, c, c * kOneTimeErrorBlocks + block, sum,
              sum2, n);
    lag_sum_[l] += static_cast<double>(lag) * n;
  };
  if (!span_ && diagonals_are_lags(t, clock_)) {
    for_each_diagonal(
        t, clock_, [&](std::size_t f2) { return block_of_[f2]; },
        [&](std::size_t block, std::size_t lag, double sum, double sum2, double n) {
          const std::size_t l = lags_.bin_of_frames(lag);
          if (l < lags_.size()) add(block, lag, l, sum, sum2, n);
        });
    return;
  }
  // With a span, both frames must lie inside it (t2 <= t1, so t1 <= end and t2 >= start suffice).
  const auto in_span = [&](std::size_t f1) {
    return !span_ || (clock_.time(f1) >= span_->first && clock_.time(f1) <= span_->second);
  };
  for_each_binned_pair(t, clock_, lags_, in_span,
                       [&](std::size_t f2, std::size_t lag, std::size_t l, double v) {
                         if (span_ && clock_.time(f2) < span_->first) return;
                         add(block_of_[f2], lag, l, v, v * v, 1.0);
                       });
}

std::vector<std::pair<std::string, std::vector<double>*>> OneTimeReducer::state() {
  return {{"sum", &sum_},         {"sum2", &sum2_},       {"count", &count_},
          {"lag_sum", &lag_sum_}, {"blk_sum", &blk_sum_}, {"blk_count", &blk_count_}};
}

double OneTimeReducer::lag_seconds(std::size_t l) const {
  double n = 0;
  for (int b = 0; b < bins_; ++b) n += count_[static_cast<std::size_t>(b) * lags_.size() + l];
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  return lag_sum_[l] / n * clock_.dt();
}

// Batch means need enough filled blocks to be an estimate (a quarter of them: long lags leave the
// late blocks empty, since t2 <= end - lag).
constexpr std::size_t kOneTimeMinBlocks = kOneTimeErrorBlocks / 4;

Accumulated OneTimeReducer::g2(int bin, std::size_t l) const {
  const std::size_t c = static_cast<std::size_t>(bin) * lags_.size() + l;
  const auto bv = batch_variance(&blk_sum_[c * kOneTimeErrorBlocks],
                                 &blk_count_[c * kOneTimeErrorBlocks], kOneTimeErrorBlocks);
  const double var = bv.blocks >= kOneTimeMinBlocks ? bv.variance : kNaN;
  return with_variance(sum_[c], sum2_[c], count_[c], var, 1.0 / lags_per_bin_[l]);
}

std::unique_ptr<TileReducer> OneTimeReducer::blank() const {
  auto b = std::make_unique<OneTimeReducer>(*this);
  for (auto& [name, values] : b->state()) std::fill(values->begin(), values->end(), 0.0);
  return b;
}

Accumulated OneTimeReducer::plateau_beyond(int bin, double min_lag_s) const {
  double sum = 0, n = 0;
  std::vector<double> means, bsum(kOneTimeErrorBlocks, 0.0), bcount(kOneTimeErrorBlocks, 0.0);
  for (std::size_t l = 0; l < lags_.size(); ++l) {
    const std::size_t c = static_cast<std::size_t>(bin) * lags_.size() + l;
    if (count_[c] == 0 || lag_seconds(l) < min_lag_s) continue;
    sum += sum_[c];
    n += count_[c];
    means.push_back(sum_[c] / count_[c]);
    for (std::size_t j = 0; j < kOneTimeErrorBlocks; ++j) {
      bsum[j] += blk_sum_[c * kOneTimeErrorBlocks + j];
      bcount[j] += blk_count_[c * kOneTimeErrorBlocks + j];
    }
  }
  if (n == 0) return {0.0, 0.0, 0};
  const double mean = sum / n;
  const auto bv = batch_variance(bsum.data(), bcount.data(), kOneTimeErrorBlocks);
  if (bv.blocks >= kOneTimeMinBlocks && std::isfinite(bv.variance))
    return {mean, std::sqrt(bv.variance), static_cast<std::size_t>(n)};
  // Tables without blocks: neighbouring lags share frames; the scatter of the bins' means.
  double var = 0;
  for (double m : means) var += (m - mean) * (m - mean);
  const double err = means.size() > 1 ? std::sqrt(var / (means.size() - 1) / means.size()) : 0.0;
  return {mean, err, static_cast<std::size_t>(n)};
}

// ---------------- MapReducer ----------------

MapReducer::MapReducer(const FrameClock& clock, int bins, std::size_t size)
    : clock_(clock), bins_(bins) {
  require(size >= 1, "map size must be at least 1");
  const double span = clock.time(clock.frames() - 1) - clock.time(0) + clock.dt();
  const std::size_t slots = static_cast<std::size_t>(clock.slot(clock.frames() - 1)) + 1;
  full_ = slots <= size;
  size_ = full_ ? slots : size;
  cell_s_ = full_ ? clock.dt() : span / static_cast<double>(size_);
  cell_of_.resize(clock.frames());
  for (std::size_t f = 0; f < clock.frames(); ++f)
    cell_of_[f] =
        full_ ? static_cast<std::size_t>(clock.slot(f))
              : std::min(size_ - 1,
                         static_cast<std::size_t>((clock.time(f) - clock.time(0)) / cell_s_));
  const std::size_t cells = static_cast<std::size_t>(bins) * size_ * size_;
  sum_.assign(cells, 0.0);
  count_.assign(cells, 0.0);
}

void MapReducer::consume(const Tile& t) {
  const std::size_t base = static_cast<std::size_t>(t.bin) * size_ * size_;
  // Runs of columns in one map cell (the same for every row): each row adds one partial sum per
  // run, four interleaved accumulators summed in a fixed order (no chain of dependent adds).
  thread_local std::vector<std::size_t> run_end;
  run_end.clear();
  for (std::size_t j = 1; j <= t.t2_count; ++j)
    if (j == t.t2_count || cell_of_[t.t2_first + j] != cell_of_[t.t2_first + j - 1])
      run_end.push_back(j);
  for (std::size_t i = 0; i < t.t1_count; ++i) {
    const std::size_t row = base + cell_of_[t.t1_first + i] * size_;
    // The diagonal carries shot noise: kept only in a full-resolution map, as APS maps do.
    const std::size_t jend = t.diagonal ? (full_ ? i + 1 : i) : t.t2_count;
    const double* c = t.c + i * t.t2_count;
    std::size_t j0 = 0;
    for (const std::size_t run : run_end) {
      if (j0 >= jend) break;
      const std::size_t j1 = std::min(run, jend);
      double s[4] = {0, 0, 0, 0}, n[4] = {0, 0, 0, 0};
      // A complete tile has no NaN: the same sums without the test.
      const auto add_run = [&](auto tested) {
        std::size_t j = j0;
        for (; j + 4 <= j1; j += 4)
          for (std::size_t q = 0; q < 4; ++q) {
            const double v = c[j + q];
            const bool valid = !tested || v == v;  // NaN: an invalid frame
            s[q] += valid ? v : 0.0;
            n[q] += valid ? 1.0 : 0.0;
          }
        for (; j < j1; ++j) {
          const double v = c[j];
          const bool valid = !tested || v == v;
          s[0] += valid ? v : 0.0;
          n[0] += valid ? 1.0 : 0.0;
        }
      };
      if (t.complete)
        add_run(std::false_type{});
      else
        add_run(std::true_type{});
      const double pairs = (n[0] + n[1]) + (n[2] + n[3]);
      if (pairs > 0) {
        const std::size_t cell = row + cell_of_[t.t2_first + j0];
        sum_[cell] += (s[0] + s[1]) + (s[2] + s[3]);
        count_[cell] += pairs;
      }
      j0 = run;
    }
  }
}

std::vector<std::pair<std::string, std::vector<double>*>> MapReducer::state() {
  return {{"sum", &sum_}, {"count", &count_}};
}

std::unique_ptr<TileReducer> MapReducer::blank() const {
  return std::make_unique<MapReducer>(clock_, bins_, size_);
}

// A row of tiles writes the map rows of its later frames' cells, in every bin.
std::vector<std::pair<std::size_t, std::size_t>> MapReducer::touched(std::size_t,
                                                                     std::size_t t1_first,
                                                                     std::size_t t1_count) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  if (t1_count == 0) return ranges;
  const std::size_t first = cell_of_[t1_first], last = cell_of_[t1_first + t1_count - 1];
  for (int b = 0; b < bins_; ++b) {
    const std::size_t base = static_cast<std::size_t>(b) * size_ * size_;
    ranges.emplace_back(base + first * size_, base + (last + 1) * size_);
  }
  return ranges;
}

std::vector<float> MapReducer::map(int bin) const {
  std::vector<float> m(size_ * size_, std::numeric_limits<float>::quiet_NaN());
  const std::size_t base = static_cast<std::size_t>(bin) * size_ * size_;
  // Both triangles of a cell pair land in (max, min): t1 is the later frame. The lower triangle
  // is filled row by row, then mirrored in square blocks that stay in cache (a column-wise
  // write of a 1000-cell map touched a new cache line every cell).
  for (std::size_t i = 0; i < size_; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      const double n = count_[base + i * size_ + j];
      if (n != 0) m[i * size_ + j] = static_cast<float>(sum_[base + i * size_ + j] / n);
    }
  constexpr std::size_t kBlock = 64;
  for (std::size_t i0 = 0; i0 < size_; i0 += kBlock)
    for (std::size_t j0 = 0; j0 <= i0; j0 += kBlock)
      for (std::size_t i = i0; i < std::min(size_, i0 + kBlock); ++i)
        for (std::size_t j = j0; j < std::min(i, j0 + kBlock); ++j)
          m[j * size_ + i] = m[i * size_ + j];
  return m;
}

double MapReducer::cell_mean(int bin, std::size_t i, std::size_t j) const {
  const std::size_t c = static_cast<std::size_t>(bin) * size_ * size_ + i * size_ + j;
  return count_[c] > 0 ? sum_[c] / count_[c] : std::numeric_limits<double>::quiet_NaN();
}

double MapReducer::cell_start(std::size_t i) const {
  return clock_.time(0) + static_cast<double>(i) * cell_s_;
}

// ---------------- DiagonalBandReducer ----------------

DiagonalBandReducer::DiagonalBandReducer(std::size_t frames, int bins, std::size_t width)
    : frames_(frames), width_(width) {
  require(width >= 1, "diagonal band width must be at least one frame");
  band_.assign(static_cast<std::size_t>(bins) * frames * width,
               std::numeric_limits<double>::quiet_NaN());
}

void DiagonalBandReducer::consume(const Tile& t) {
  const std::size_t base = static_cast<std::size_t>(t.bin) * frames_ * width_;
  for (std::size_t i = 0; i < t.t1_count; ++i) {
    const std::size_t f1 = t.t1_first + i;
    const std::size_t jend = t.diagonal ? i : t.t2_count;
    for (std::size_t j = 0; j < jend; ++j) {
      const std::size_t k = f1 - (t.t2_first + j);
      if (k == 0 || k > width_) continue;
      band_[base + f1 * width_ + (k - 1)] = t.at(i, j);
    }
  }
}

std::vector<std::pair<std::string, std::vector<double>*>> DiagonalBandReducer::state() {
  return {{"band", &band_}};
}

// C(f, f - k) is stored under its later frame f: a row of tiles writes its own frames' entries.
std::vector<std::pair<std::size_t, std::size_t>> DiagonalBandReducer::touched(
    std::size_t, std::size_t t1_first, std::size_t t1_count) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  const std::size_t bins = band_.size() / (frames_ * width_);
  for (std::size_t b = 0; b < bins; ++b) {
    const std::size_t base = b * frames_ * width_;
    ranges.emplace_back(base + t1_first * width_, base + (t1_first + t1_count) * width_);
  }
  return ranges;
}

std::vector<float> DiagonalBandReducer::band(int bin) const {
  const std::size_t base = static_cast<std::size_t>(bin) * frames_ * width_;
  return std::vector<float>(band_.begin() + static_cast<std::ptrdiff_t>(base),
                            band_.begin() + static_cast<std::ptrdiff_t>(base + frames_ * width_));
}

}  // namespace glassy
