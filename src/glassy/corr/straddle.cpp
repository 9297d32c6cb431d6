#include <glassy/core/error.hpp>
#include <glassy/core/ranks.hpp>
#include <glassy/corr/straddle.hpp>
#include <glassy/corr/twotime.hpp>
#include <glassy/io/frame_range.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace glassy {
namespace {

// Hands a band the pairs of a re-correlated stretch [offset, ...) that straddle `cut` and no
// earlier cut (so a pair across two cuts is collected once), in the run's frame numbers. Its
// state is the band's, so the pass can be shared over MPI ranks (corr/row_fold): a blank
// collector gathers one row's pairs into a band of its own.
class StraddleCollector : public TileReducer {
 public:
  StraddleCollector(AgeBandReducer& target, std::size_t offset, std::size_t cut,
                    std::vector<std::size_t> earlier, std::size_t reach)
      : target_(&target), offset_(offset), cut_(cut), reach_(reach), earlier_(std::move(earlier)) {}
  std::size_t max_lag_frames() const override { return reach_; }
  std::vector<std::pair<std::string, std::vector<double>*>> state() override {
    return target_->state();
  }
  Combine combine() const override { return Combine::Sums; }
  std::unique_ptr<TileReducer> blank() const override {
    auto b = std::make_unique<StraddleCollector>(*target_, offset_, cut_, earlier_, reach_);
    b->owned_ = target_->empty_like();
    b->target_ = b->owned_.get();
    return b;
  }

  void consume(const Tile& t) override {
    buffer_.assign(t.t1_count * t.t2_count, std::numeric_limits<double>::quiet_NaN());
    bool any = false;
    for (std::size_t i = 0; i < t.t1_count; ++i) {
      const std::size_t f1 = offset_ + t.t1_first + i;
      if (f1 < cut_) continue;
      for (std::size_t j = 0; j < t.t2_count; ++j) {
        const std::size_t f2 = offset_ + t.t2_first + j;
        if (f2 >= cut_ || f1 <= f2 || f1 - f2 > reach_) continue;
        const bool counted = std::any_of(earlier_.begin(), earlier_.end(),
                                         [&](std::size_t e) { return f2 < e && e <= f1; });
        if (counted) continue;
        buffer_[i * t.t2_count + j] = t.at(i, j);
        any = true;
      }
    }
    if (!any) return;
    Tile shifted = t;
    shifted.t1_first += offset_;
    shifted.t2_first += offset_;
    shifted.c = buffer_.data();
    shifted.complete = false;  // the pairs not collected are NaN here
    target_->consume(shifted);
  }

 private:
  AgeBandReducer* target_;
  std::unique_ptr<AgeBandReducer> owned_;  // a blank collector's own band
  std::size_t offset_, cut_, reach_;
  std::vector<std::size_t> earlier_;
  std::vector<double> buffer_;
};

}  // namespace

std::vector<std::size_t> frames_after_gaps(const Correlation& c) {
  std::vector<std::size_t> cuts;
  if (!c.clock) return cuts;
  const auto& times = c.clock->times();
  for (const auto& g : c.stats.gaps) {
    const auto after = std::lower_bound(times.begin(), times.end(), g.end);
    if (after != times.end()) cuts.push_back(static_cast<std::size_t>(after - times.begin()));
  }
  return cuts;
}

StraddleRemoval remove_straddling_pairs(FrameSource& source, Correlation& c,
                                        std::vector<std::size_t> cut_frames,
                                        const MemoryBudget& budget, std::size_t reach_frames) {
  require(c.band && c.clock, "the correlation has no age band to cut");
  const auto start = std::chrono::steady_clock::now();
  std::sort(cut_frames.begin(), cut_frames.end());
  cut_frames.erase(std::unique(cut_frames.begin(), cut_frames.end()), cut_frames.end());
  std::erase_if(cut_frames, [&](std::size_t f) { return f == 0 || f >= c.clock->frames(); });
  StraddleRemoval report;
  report.cut_frames = cut_frames;
  if (cut_frames.empty()) return report;

  auto straddling = c.band->empty_like();
  const std::size_t longest = c.band->max_lag_frames(), frames = c.clock->frames();
  const std::size_t reach = reach_frames == 0 ? longest : std::min(reach_frames, longest);
  report.reach_frames = reach;
  for (std::size_t k = 0; k < cut_frames.size(); ++k) {
    const std::size_t cut = cut_frames[k];
    const std::size_t first = cut > reach ? cut - reach : 0;
    const std::size_t last = std::min(frames, cut + reach);
    FrameRangeSource stretch(source, first, last - first);
    std::vector<std::uint8_t> valid(
        c.stats.frame_valid.begin() + static_cast<std::ptrdiff_t>(first),
        c.stats.frame_valid.begin() + static_cast<std::ptrdiff_t>(last));
    StraddleCollector collector(
        *straddling, first, cut,
        std::vector<std::size_t>(cut_frames.begin(),
                                 cut_frames.begin() + static_cast<std::ptrdiff_t>(k)),
        reach);
    TwoTimeOptions to;
    to.path = c.twotime_report.path;
    to.budget = budget;
    to.nonzero_fraction = c.stats.nonzero_fraction;
    to.straddle = cut - first;
    to.ranks = &ranks();  // shared over MPI ranks like the correlation itself
    TileReducer* reducers[] = {&collector};
    run_twotime(stretch, TwoTimeInputs{c.partition, c.weights, valid}, to, reducers);
  }
  report.pairs_removed = straddling->pairs();
  c.band->subtract(*straddling);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace glassy
