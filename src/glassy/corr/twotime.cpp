#include <glassy/core/blas.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/page_allocator.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/corr/row_fold.hpp>
#include <glassy/corr/sparse_tile.hpp>
#include <glassy/corr/twotime.hpp>
#include <glassy/io/hdf5.hpp>

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <optional>

namespace glassy {

CorrPath parse_corr_path(const std::string& name) {
  if (name == "auto") return CorrPath::Auto;
  if (name == "dense") return CorrPath::Dense;
  if (name == "sparse") return CorrPath::Sparse;
  throw Error("unknown correlator path '" + name + "': use auto, dense or sparse");
}

std::string to_string(CorrPath p) {
  switch (p) {
    case CorrPath::Auto:
      return "auto";
    case CorrPath::Dense:
      return "dense";
    case CorrPath::Sparse:
      return "sparse";
  }
  return "?";
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One dynamic bin's photons in one block of frames.
// Own mappings (core/page_allocator): blocks are loaded and evicted thousands of times.
struct BinBlock {
  PageVector<double> x;              // dense: count x pixels, weighted intensities
  PageVector<std::uint32_t> offset;  // sparse: per local pixel, its events
  PageVector<std::uint16_t> time;    // frame within the block
  PageVector<float> count;           // photons (integers)
  PageVector<double> sum;            // per frame: sum_p w_p I(p, t)
  // Sparse: the largest count of one event, and the largest sum (per frame: with unit weights,
  // its photons); they bound a tile's numerators (float_sums_are_exact).
  float max_count = 0;
  double max_sum = 0;
};

struct Block {
  std::size_t first = 0, count = 0, bytes = 0;
  std::vector<BinBlock> bins;
};

// A non-zero pixel of a frame stored dense (the sparse path's loader collects them first).
struct NonzeroPixel {
  std::uint32_t pixel;
  float count;
};
inline std::uint32_t pixel_of(std::uint32_t pixel) { return pixel; }
inline std::uint32_t pixel_of(const NonzeroPixel& e) { return e.pixel; }

// Pixels per tile of in_pixel_tiles: the loader's per-pixel tables for a tile (bin and index,
// weight, two offsets: 24 bytes a pixel) fit in a core's L2 cache.
constexpr std::size_t kPixelTile = std::size_t{1} << 14;

// Whether each frame lists its events' pixels in ascending order (first[t] .. first[t + 1]).
template <class Offsets, class Pixels>
bool pixels_ascending(std::size_t frames, const Offsets& first, const Pixels& pixel) {
  for (std::size_t t = 0; t < frames; ++t)
    for (auto e = first[t] + 1; e < first[t + 1]; ++e)
      if (pixel_of(pixel[e]) < pixel_of(pixel[e - 1])) return false;
  return true;
}

// Calls visit(t, e) for the events e of frames t = 0 .. frames - 1 (frame t's are first[t] ..
// first[t + 1]), every frame's own events in their order and every pixel's events in frame
// order. When each frame's pixels ascend, it goes through the detector in tiles of kPixelTile
// pixels, frame after frame within a tile, so the per-pixel tables the caller reads and writes
// stay in cache: on a 4-megapixel detector the frames' events (~100 pixels apart) missed the
// cache in each of them (the loader: 23 % of a 500-frame run's CPU samples, 5 % by tiles).
// Otherwise frame after frame.
template <class Offsets, class Pixels, class Visit>
void in_pixel_tiles(std::size_t frames, const Offsets& first, const Pixels& pixel, bool ascending,
                    Visit&& visit) {
  if (!ascending) {
    for (std::size_t t = 0; t < frames; ++t)
      for (auto e = first[t]; e < first[t + 1]; ++e) visit(t, e);
    return;
  }
  std::vector<std::size_t> next(frames);  // per frame: its first event not yet visited
  for (std::size_t t = 0; t < frames; ++t) next[t] = static_cast<std::size_t>(first[t]);
  for (bool left = true; left;) {
    left = false;
    std::size_t tile_end = std::numeric_limits<std::size_t>::max();
    for (std::size_t t = 0; t < frames; ++t)  // the lowest pixel still to come starts the tile
      if (next[t] < static_cast<std::size_t>(first[t + 1]))
        tile_end = std::min<std::size_t>(tile_end, pixel_of(pixel[next[t]]) / kPixelTile + 1);
    if (tile_end == std::numeric_limits<std::size_t>::max()) break;
    tile_end *= kPixelTile;
    for (std::size_t t = 0; t < frames; ++t) {
      auto& e = next[t];
      const auto end = static_cast<std::size_t>(first[t + 1]);
      for (; e < end && pixel_of(pixel[e]) < tile_end; ++e) visit(t, e);
      left = left || e < end;
    }
  }
}

class BlockLoader {
 public:
  BlockLoader(FrameSource& source, const TwoTimeInputs& in, CorrPath path, std::size_t block_frames)
      : source_(source), in_(in), path_(path), block_frames_(block_frames) {
    const auto& part = in.partition;
    pixels_ = part.dynamic_pixels();
    local_.assign(part.dynamic_map.size(), {-1, 0});
    for (std::size_t k = 0; k < pixels_.size(); ++k)
      for (std::size_t j = 0; j < pixels_[k].size(); ++j)
        local_[pixels_[k][j]] = {static_cast<int>(k), static_cast<std::uint32_t>(j)};
  }

  std::size_t bin_pixels(std::size_t k) const { return pixels_[k].size(); }
  std::size_t bins() const { return pixels_.size(); }

  std::shared_ptr<Block> load(std::size_t index) {
    // Counted while alive (in the cache, in a round of rows, or both): the figure the budget
    // bounds (TwoTimeReport::peak_block_bytes). Blocks are loaded and released on one thread.
    std::shared_ptr<Block> block(new Block, [this](Block* b) {
      live_bytes_ -= b->bytes;
      delete b;
    });
    const std::size_t frames = source_.info().frames;
    block->first = index * block_frames_;
    block->count = std::min(block_frames_, frames - block->first);
    block->bins.resize(pixels_.size());
    for (std::size_t k = 0; k < pixels_.size(); ++k) {
      auto& b = block->bins[k];
      b.sum.assign(block->count, 0.0);
      if (path_ == CorrPath::Dense) b.x.assign(block->count * pixels_[k].size(), 0.0);
    }
    if (path_ == CorrPath::Dense) {
      load_dense(*block);
    } else {
      load_sparse(*block);
    }
    for (const auto& b : block->bins)
      block->bytes += b.x.size() * 8 + b.offset.size() * 4 + b.time.size() * 2 +
                      b.count.size() * 4 + b.sum.size() * 8;
    live_bytes_ += block->bytes;
    peak_live_bytes_ = std::max(peak_live_bytes_, live_bytes_);
    return block;
  }
  std::size_t peak_live_bytes() const { return peak_live_bytes_; }

 private:
  void load_dense(Block& block) {
    const std::size_t p_total = source_.info().pixels();
    if (source_.is_sparse()) {
      SparseBlock& s = sparse_scratch_;
      source_.read_sparse(block.first, block.count, s);
      for (std::size_t t = 0; t < block.count; ++t)
        for (auto e = s.offsets[t]; e < s.offsets[t + 1]; ++e)
          add_dense(block, t, s.pixel[e], static_cast<double>(s.counts[e]));
    } else {
      FrameBlock& f = dense_scratch_;
      source_.read_dense(block.first, block.count, f);
      for (std::size_t t = 0; t < block.count; ++t) {
        const float* frame = f.frame(t, p_total);
        for (std::size_t p = 0; p < p_total; ++p)
          if (frame[p] != 0.0f) add_dense(block, t, static_cast<std::uint32_t>(p), frame[p]);
      }
    }
  }

  void add_dense(Block& block, std::size_t t, std::uint32_t p, double value) {
    const auto [k, j] = local_[p];
    if (k < 0) return;
    auto& b = block.bins[static_cast<std::size_t>(k)];
    const double v = in_.weights[p] * value;
    b.x[t * pixels_[static_cast<std::size_t>(k)].size() + j] = v;
    b.sum[t] += v;
  }

  void load_sparse(Block& block) {
    // Counting sort by pixel straight from the frame-ordered events: one pass counts each
    // bin's pixels (and sums each frame), a second places every event at its pixel's next slot,
    // so each pixel's events stay in time order. (Gathering (pixel, frame, count) records per bin
    // first and sorting those wrote and read every event once more: the loader was a sixth of a
    // whole `glassy age` of 8,000 paper-preset frames, all of it on the thread that reads.)
    if (source_.is_sparse()) {
      SparseBlock& s = sparse_scratch_;
      source_.read_sparse(block.first, block.count, s);
      const bool ascending = pixels_ascending(block.count, s.offsets, s.pixel);
      sort_events(block, [&](auto&& event) {
        in_pixel_tiles(block.count, s.offsets, s.pixel, ascending, [&](std::size_t t, auto e) {
          event(t, s.pixel[e], static_cast<float>(s.counts[e]));
        });
      });
    } else {
      // Dense frames: their non-zero pixels once into a frame-ordered list, checked to be whole
      // photon counts, then sorted as above (the frames are not scanned twice).
      FrameBlock& f = dense_scratch_;
      source_.read_dense(block.first, block.count, f);
      const std::size_t p_total = source_.info().pixels();
      auto& nz = nonzero_scratch_;
      nz.clear();
      auto& first = nonzero_first_;  // frame t's events are first[t] .. first[t + 1]
      first.assign(1, 0);
      for (std::size_t t = 0; t < block.count; ++t) {
        const float* frame = f.frame(t, p_total);
        for (std::size_t p = 0; p < p_total; ++p) {
          const float c = frame[p];
          if (c == 0.0f || local_[p].first < 0) continue;
          require(c == std::floor(c), [&] {
            return fmt::format(
                "the sparse correlator path needs integer photon counts (frame {}): use --path "
                "dense",
                block.first + t);
          });
          nz.push_back({static_cast<std::uint32_t>(p), c});
        }
        first.push_back(nz.size());
      }
      // Each frame's pixels were scanned in ascending order.
      sort_events(block, [&](auto&& event) {
        in_pixel_tiles(block.count, first, nz, true,
                       [&](std::size_t t, std::size_t e) { event(t, nz[e].pixel, nz[e].count); });
      });
    }
  }

  // for_each_event(event) calls event(frame in block, pixel, photons) for every photon of the
  // block in frame order; it is called twice.
  template <class ForEachEvent>
  void sort_events(Block& block, ForEachEvent&& for_each_event) {
    const std::size_t bins = pixels_.size();
    for (std::size_t k = 0; k < bins; ++k) block.bins[k].offset.assign(pixels_[k].size() + 1, 0);
    for_each_event([&](std::size_t t, std::uint32_t p, float c) {
      const auto [k, j] = local_[p];
      if (k < 0) return;
      auto& b = block.bins[static_cast<std::size_t>(k)];
      ++b.offset[j + 1];
      b.sum[t] += in_.weights[p] * c;
      b.max_count = std::max(b.max_count, c);
    });
    fill_scratch_.resize(bins);
    for (std::size_t k = 0; k < bins; ++k) {
      auto& b = block.bins[k];
      for (const double frame_sum : b.sum) b.max_sum = std::max(b.max_sum, frame_sum);
      for (std::size_t j = 0; j < pixels_[k].size(); ++j) b.offset[j + 1] += b.offset[j];
      b.time.resize(b.offset.back());
      b.count.resize(b.offset.back());
      fill_scratch_[k].assign(b.offset.begin(), b.offset.end() - 1);
    }
    for_each_event([&](std::size_t t, std::uint32_t p, float c) {
      const auto [k, j] = local_[p];
      if (k < 0) return;
      auto& b = block.bins[static_cast<std::size_t>(k)];
      const auto at = fill_scratch_[static_cast<std::size_t>(k)][j]++;
      b.time[at] = static_cast<std::uint16_t>(t);
      b.count[at] = c;
    });
  }

  FrameSource& source_;
  const TwoTimeInputs& in_;
  CorrPath path_;
  std::size_t block_frames_;
  std::size_t live_bytes_ = 0, peak_live_bytes_ = 0;
  std::vector<std::vector<std::uint32_t>> pixels_;
  std::vector<std::pair<int, std::uint32_t>> local_;
  // Reused from block to block: freed and allocated again per block, these fragmented the heap.
  SparseBlock sparse_scratch_;
  FrameBlock dense_scratch_;
  std::vector<NonzeroPixel> nonzero_scratch_;
  std::vector<std::size_t> nonzero_first_;
  std::vector<std::vector<std::uint32_t>> fill_scratch_;
};

// Keeps loaded blocks while they fit the budget. Rows are computed in increasing order, each
// scanning its columns from the row's own block down to its oldest, so least-recently-used
// eviction is the worst policy once a row outgrows the cache: the block it evicts is always the
// next one wanted, and every later row reloads all of its blocks (at the paper preset's full
// triangle, ~7,000 reads for 234 blocks). What the next rows need least soon is evicted instead:
// first any block below `floor` (no later row uses it), else the most recently used one, which
// the next row reaches last; each row then reloads only what exceeds the cache.
class BlockCache {
 public:
  BlockCache(BlockLoader& loader, std::size_t capacity_bytes)
      : loader_(loader), capacity_(capacity_bytes) {}
  // Blocks below `floor` will not be asked for again.
  void set_floor(std::size_t floor) { floor_ = floor; }
  std::shared_ptr<Block> get(std::size_t index) {
    auto it = map_.find(index);
    if (it != map_.end()) {
      order_.remove(index);
      order_.push_front(index);
      return it->second;
    }
    auto block = loader_.load(index);
    ++reads_;
    while (used_ + block->bytes > capacity_ && !map_.empty()) evict();
    used_ += block->bytes;
    map_[index] = block;
    order_.push_front(index);
    return block;
  }
  std::size_t reads() const { return reads_; }

 private:
  void evict() {
    const std::size_t victim = map_.begin()->first < floor_ ? map_.begin()->first : order_.front();
    order_.remove(victim);
    used_ -= map_[victim]->bytes;
    map_.erase(victim);
  }
  BlockLoader& loader_;
  std::size_t capacity_, used_ = 0, reads_ = 0, floor_ = 0;
  std::map<std::size_t, std::shared_ptr<Block>> map_;
  std::list<std::size_t> order_;  // most recently used first
};

// Rows [r0, r1) of the numerators N(t1, t2) = sum_p (w I1)(w I2) of one bin and one tile, into n
// (rows x cols, row-major); on the diagonal tile only the columns < r1 (the lower triangle and a
// little above it, which normalise ignores). Tiles are cut into slices of a fixed number of rows
// so that the threads share the work of any row of tiles while each BLAS call stays
// single-threaded: the numbers then do not depend on the thread count.
inline constexpr std::size_t kDenseSliceRows = 256;
void dense_numerator_rows(const BinBlock& a, const BinBlock& b, std::size_t r0, std::size_t r1,
                          std::size_t cols, std::size_t pixels, bool diagonal, double* n) {
  blas::gemm_abt(r1 - r0, diagonal ? r1 : cols, pixels, a.x.data() + r0 * pixels, pixels,
                 (diagonal ? a : b).x.data(), pixels, n + r0 * cols, cols);
}

SparseEvents events_of(const BinBlock& b) { return {b.offset, b.time, b.count}; }

// C = P N / (S1 S2), NaN where either frame is invalid or empty in the bin.
// Returns whether every frame of both blocks was usable (no NaN written: Tile::complete).
// N is double (dense, or sparse sums kept in double) or float (sparse sums exact in float).
template <class N>
bool normalise(const Block& block_a, const Block& block_b, const BinBlock& ba, const BinBlock& bb,
               const std::vector<std::uint8_t>& valid, bool diagonal, double pixels, const N* n,
               double* c) {
  const std::size_t rows = block_a.count, cols = block_b.count;
  const std::size_t ld = diagonal ? rows : cols;
  // 1 / S per frame, NaN for invalid or empty frames: the inner loop is then one multiply and
  // NaN propagates by itself (no branch, no division per pair).
  thread_local std::vector<double> inv_b;
  inv_b.resize(cols);
  bool complete = true;
  for (std::size_t j = 0; j < cols; ++j) {
    const bool usable = valid[block_b.first + j] && bb.sum[j] > 0;
    inv_b[j] = usable ? 1.0 / bb.sum[j] : kNaN;
    complete = complete && usable;
  }
  for (std::size_t i = 0; i < rows; ++i) {
    const bool usable = valid[block_a.first + i] && ba.sum[i] > 0;
    const double inv_a = usable ? pixels / ba.sum[i] : kNaN;
    complete = complete && usable;
    const std::size_t jend = diagonal ? i + 1 : cols;
    const N* nrow = n + i * ld;
    double* crow = c + i * cols;
    for (std::size_t j = 0; j < jend; ++j)
      crow[j] = inv_a * static_cast<double>(nrow[j]) * inv_b[j];
  }
  return complete;
}

// Bytes of the reducers' tables (their checkpointed state): all of them, or only those RowFold
// copies for each worker (Combine::Sums).
std::size_t table_bytes(std::span<TileReducer* const> reducers, bool copied_only) {
  std::size_t bytes = 0;
  for (auto* r : reducers) {
    if (copied_only && r->combine() != TileReducer::Combine::Sums) continue;
    for (const auto& entry : r->state()) bytes += entry.second->size() * sizeof(double);
  }
  return bytes;
}

void save_checkpoint(const std::filesystem::path& file, std::size_t next_row, std::size_t frames,
                     std::size_t block, CorrPath path, std::span<TileReducer* const> reducers) {
  const auto temp = file.string() + ".tmp";
  {
    auto f = h5::File::create(temp);
    auto a = f.attrs();
    a.set("next_row", static_cast<std::int64_t>(next_row));
    a.set("frames", static_cast<std::int64_t>(frames));
    a.set("block_frames", static_cast<std::int64_t>(block));
    a.set("path", to_string(path));
    for (std::size_t r = 0; r < reducers.size(); ++r)
      for (auto& [name, values] : reducers[r]->state())
        f.write<double>(fmt::format("r{}/{}", r, name), *values);
  }
  std::filesystem::rename(temp, file);
}

std::size_t load_checkpoint(const std::filesystem::path& file, std::size_t frames,
                            std::size_t block, CorrPath path,
                            std::span<TileReducer* const> reducers) {
  auto f = h5::File::open(file);
  auto a = f.attrs();
  require(static_cast<std::size_t>(a.get_int("frames")) == frames &&
              static_cast<std::size_t>(a.get_int("block_frames")) == block &&
              a.get_string("path") == to_string(path),
          file.string() + " was written for other inputs or settings: remove it or drop --resume");
  for (std::size_t r = 0; r < reducers.size(); ++r)
    for (auto& [name, values] : reducers[r]->state()) {
      const auto stored = f.read<double>(fmt::format("r{}/{}", r, name));
      require(stored.size() == values->size(),
              file.string() + ": checkpoint does not match this analysis");
      *values = stored;
    }
  return static_cast<std::size_t>(a.get_int("next_row"));
}

}  // namespace

TwoTimeReport run_twotime(FrameSource& source, const TwoTimeInputs& in, const TwoTimeOptions& o,
                          std::span<TileReducer* const> reducers) {
  const auto start = std::chrono::steady_clock::now();
  const FrameInfo& info = source.info();
  require(in.weights.size() == info.pixels(), "two-time: weights do not match the detector");
  require(in.frame_valid.size() == info.frames, "two-time: frame flags do not match the frames");
  require(in.partition.dynamic_map.size() == info.pixels(),
          "two-time: q map shape does not match the frames");
  TwoTimeReport report;
  report.path = o.path;
  if (o.path == CorrPath::Auto)
    report.path = o.nonzero_fraction < o.sparse_below_nonzero ? CorrPath::Sparse : CorrPath::Dense;

  std::size_t max_lag = 0;
  for (auto* r : reducers) max_lag = std::max(max_lag, r->max_lag_frames());
  // Blocks: 512 frames keeps a sparse tile (2 MiB) in cache and a dense GEMM efficient; smaller
  // when the dense block would not fit a fifth of the budget.
  std::size_t block = o.block_frames;
  if (block == 0) {
    block = 512;
    if (report.path == CorrPath::Dense) {
      const std::size_t per_frame = std::max<std::size_t>(info.pixels(), 1) * 8;
      block = std::clamp<std::size_t>(o.budget.bytes() / 5 / per_frame, 16, 512);
    }
  }
  block = std::min({block, info.frames, std::size_t{65535}});
  report.block_frames = block;
  const std::size_t n_blocks = (info.frames + block - 1) / block;
  const std::size_t lag_blocks = max_lag >= info.frames ? n_blocks : max_lag / block + 2;

  BlockLoader loader(source, in, report.path, block);
  const auto bin_pixels = in.partition.dynamic_pixels();
  std::vector<std::vector<double>> w2(bin_pixels.size());
  for (std::size_t k = 0; k < bin_pixels.size(); ++k)
    for (auto p : bin_pixels[k]) w2[k].push_back(in.weights[p] * in.weights[p]);
  // Bins without a flat-field weight: their sparse numerators are whole numbers, summed in float
  // where that gives the same bits (float_sums_are_exact).
  std::vector<std::uint8_t> unit_weights(bin_pixels.size());
  for (std::size_t k = 0; k < bin_pixels.size(); ++k)
    unit_weights[k] = std::all_of(w2[k].begin(), w2[k].end(), [](double w) { return w == 1.0; });

  // Rank 0 alone reads and writes the checkpoint (it holds the whole); the others learn where
  // to start from it.
  const bool root = o.ranks == nullptr || o.ranks->rank() == 0;
  require(!o.after_row || o.ranks == nullptr || o.ranks->size() == 1,
          "internal: after_row stops one process, not a run shared over MPI ranks");
  std::size_t first_row = 0;
  if (root && o.resume && o.checkpoint && std::filesystem::exists(*o.checkpoint)) {
    first_row = load_checkpoint(*o.checkpoint, info.frames, block, report.path, reducers);
    report.resumed = true;
  }
  if (o.ranks != nullptr && o.ranks->size() > 1) {
    double start_row = static_cast<double>(first_row);
    o.ranks->broadcast({&start_row, 1}, 0);
    first_row = static_cast<std::size_t>(start_row);
    report.resumed = first_row > 0;
  }
  // One tile buffer pair per thread: the tiles of a row are computed concurrently, each on one
  // thread. Dense tiles call BLAS single-threaded: a threaded DSYRK/DGEMM sums in an order that
  // depends on its thread count, and the same numbers on 1 or N MPI ranks (corr/row_fold) need
  // an order that does not.
  const std::size_t slots = static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
  // Only where BLAS has more than one thread: setting the count restarts OpenBLAS's server
  // threads when they were stopped (core/threads: stop_blas_threads). Only on the dense path:
  // the sparse one never loads BLAS (core/blas).
  struct SingleThreadedBlas {
    int before = blas::threads();
    SingleThreadedBlas() {
      if (before != 1) blas::set_threads(1);
    }
    ~SingleThreadedBlas() {
      if (before != 1) blas::set_threads(before);
    }
  };
  std::optional<SingleThreadedBlas> single_threaded_blas;
  if (report.path == CorrPath::Dense) single_threaded_blas.emplace();
  std::vector<std::vector<double>> n_buf(slots, std::vector<double>(block * block)),
      c_buf(slots, std::vector<double>(block * block));
  // Float numerators only where some bin can use them (flat-field weights never can).
  const bool any_unit_weights =
      std::any_of(unit_weights.begin(), unit_weights.end(), [](auto u) { return u != 0; });
  std::vector<std::vector<float>> float_n_buf(
      report.path == CorrPath::Sparse && any_unit_weights ? slots : 0,
      std::vector<float>(block * block));
  std::vector<std::uint8_t> tile_complete(slots, 0);  // per tile buffer: Tile::complete
  // Sparse path: per tile buffer its scratch; per row worker and bin the pixel, row and weight of
  // each event of its head block, kept while the head stays (a row is computed in several rounds).
  std::vector<SparseTileScratch> sparse_scratch(slots);
  struct HeadBlockEvents {
    std::size_t first_frame = static_cast<std::size_t>(-1);
    std::vector<HeadEvent> events;
  };
  std::vector<std::vector<HeadBlockEvents>> head_block_events(
      slots, std::vector<HeadBlockEvents>(bin_pixels.size()));
  // One row's tiles into `sinks`, `buffers` tiles at a time (tile buffers first_buffer, ...), on
  // the threads when buffers > 1 (dense ones in slices of rows); the sinks see the tiles in a
  // fixed order whatever the thread count.
  auto compute_row = [&](const Block& block_a,
                         const std::vector<std::shared_ptr<Block>>& row_blocks,
                         std::span<TileReducer* const> sinks, std::size_t first_buffer,
                         std::size_t buffers) {
    auto nb = [&](std::size_t s) { return n_buf[first_buffer + s].data(); };
    auto float_nb = [&](std::size_t s) { return float_n_buf[first_buffer + s].data(); };
    auto cb = [&](std::size_t s) { return c_buf[first_buffer + s].data(); };
    for (std::size_t first = 0; first < row_blocks.size(); first += buffers) {
      const std::size_t count = std::min(buffers, row_blocks.size() - first);
      for (std::size_t k = 0; k < bin_pixels.size(); ++k) {
        const std::size_t pk = bin_pixels[k].size();
        if (pk == 0) continue;
        auto normalised = [&](std::size_t s, const auto* numerators) {
          const Block& bb = *row_blocks[first + s];
          tile_complete[first_buffer + s] =
              normalise(block_a, bb, block_a.bins[k], bb.bins[k], in.frame_valid, &bb == &block_a,
                        static_cast<double>(pk), numerators, cb(s));
        };
        if (report.path == CorrPath::Dense) {
          const std::size_t slices = (block_a.count + kDenseSliceRows - 1) / kDenseSliceRows;
#pragma omp parallel for schedule(dynamic, 1) if (count * slices > 1)
          for (std::size_t task = 0; task < count * slices; ++task) {
            const std::size_t s = task / slices, r0 = task % slices * kDenseSliceRows;
            const Block& bb = *row_blocks[first + s];
            dense_numerator_rows(block_a.bins[k], bb.bins[k], r0,
                                 std::min(block_a.count, r0 + kDenseSliceRows), bb.count, pk,
                                 &bb == &block_a, nb(s));
          }
#pragma omp parallel for schedule(dynamic, 1) if (count > 1)
          for (std::size_t s = 0; s < count; ++s) normalised(s, nb(s));
        } else {
          auto& head = head_block_events[first_buffer][k];
          if (head.first_frame != block_a.first) {
            head_events(events_of(block_a.bins[k]), w2[k], head.events);
            head.first_frame = block_a.first;
          }
          const std::span<const HeadEvent> a_events = head.events;
#pragma omp parallel for schedule(dynamic, 1) if (count > 1)
          for (std::size_t s = 0; s < count; ++s) {
            const Block& bb = *row_blocks[first + s];
            const bool diagonal = &bb == &block_a;
            auto& scratch = sparse_scratch[first_buffer + s];
            if (float_sums_are_exact(unit_weights[k] != 0, block_a.bins[k].max_sum,
                                     bb.bins[k].max_count)) {
              sparse_numerators(a_events, events_of(bb.bins[k]), block_a.count, bb.count, diagonal,
                                float_nb(s), scratch);
              normalised(s, float_nb(s));
            } else {
              sparse_numerators(a_events, events_of(bb.bins[k]), block_a.count, bb.count, diagonal,
                                nb(s), scratch);
              normalised(s, nb(s));
            }
          }
        }
        // Each sink takes the tiles in their order on one thread; distinct sinks hold distinct
        // tables, so on the row's threads they take them side by side (same bits). With one
        // worker this was the serial part of a small run's pass.
#pragma omp parallel for schedule(dynamic, 1) if (buffers > 1 && sinks.size() > 1)
        for (std::size_t r = 0; r < sinks.size(); ++r)
          for (std::size_t s = 0; s < count; ++s) {
            const Block& bb = *row_blocks[first + s];
            const bool diagonal = &bb == &block_a;
            if (!diagonal && block_a.first - (bb.first + bb.count - 1) > sinks[r]->max_lag_frames())
              continue;
            sinks[r]->consume(Tile{static_cast<int>(k), block_a.first, block_a.count, bb.first,
                                   bb.count, cb(s), diagonal,
                                   tile_complete[first_buffer + s] != 0});
          }
      }
    }
  };
  // Row a pairs the frames of block a (t1) with blocks b <= a (t2), nearest first. With a
  // straddle frame, rows wholly before it and t2 blocks wholly after it hold no pair across it
  // and are neither read nor computed.
  auto row_columns = [&](std::size_t a) {
    std::vector<std::size_t> columns;
    if (o.straddle && (a + 1) * block <= *o.straddle) return columns;
    const std::size_t b_min = a + 1 >= lag_blocks ? a + 1 - lag_blocks : 0;
    for (std::size_t bi = a + 1; bi-- > b_min;)
      if (!(o.straddle && bi * block >= *o.straddle)) columns.push_back(bi);
    return columns;
  };
  std::size_t total_tiles = 0, done_tiles = 0;
  std::vector<std::size_t> rows;  // the rows still to compute, in order
  for (std::size_t a = 0; a < n_blocks; ++a) {
    const std::size_t tiles = row_columns(a).size();
    total_tiles += tiles;
    if (a < first_row)
      done_tiles += tiles;
    else if (tiles > 0)
      rows.push_back(a);
  }
  Progress progress("two-time (" + to_string(report.path) + ")", total_tiles);
  progress.advance(done_tiles);
  auto last_checkpoint = std::chrono::steady_clock::now();
  // With enough rows each thread computes rows of its own, reducers included (a row's tiles
  // would otherwise wait for them one after another); with few rows the threads share each
  // row's tiles. Either way the bits are the same (corr/row_fold).
  const int rank = o.ranks != nullptr ? o.ranks->rank() : 0;
  const auto size = static_cast<std::size_t>(o.ranks != nullptr ? o.ranks->size() : 1);
  std::vector<std::size_t> mine;  // indices into rows of the rows this rank computes
  for (std::size_t i = rank; i < rows.size(); i += size) mine.push_back(i);
  // Memory: the reducers' tables, the copies RowFold makes for each worker (with ranks), the tile
  // buffers and the frame blocks share the budget. The tables alone were checked against it
  // (corr/reducer_cost). A second worker is used only while its copies leave the blocks a
  // quarter of the budget; the blocks get at least an eighth whatever the tables take. An eighth
  // of the blocks' share is a round of rows (below), the rest the cache: live blocks stay within
  // it (a round needs only a few blocks per row; what the cache holds is read once).
  const std::size_t budget = o.budget.bytes();
  const std::size_t fixed = table_bytes(reducers, false) + slots * 2 * block * block * 8 +
                            float_n_buf.size() * block * block * 4;
  const std::size_t copy = o.ranks != nullptr ? table_bytes(reducers, true) : 0;
  auto block_share = [&](std::size_t workers) {
    const std::size_t used = fixed + workers * copy;
    return used + budget / 8 < budget ? budget - used : budget / 8;
  };
  std::size_t workers = slots > 1 && mine.size() >= 2 * slots ? slots : 1;
  while (workers > 1 && block_share(workers) < budget / 4) --workers;
  RowFold fold(o.ranks, reducers, workers);
  report.block_budget_bytes = block_share(fold.workers());
  const std::size_t round_limit = report.block_budget_bytes / 8;
  BlockCache cache(loader, report.block_budget_bytes - round_limit);
  std::map<std::size_t, std::size_t> worker_of;  // computed, not yet folded: row index -> worker
  std::size_t next_mine = 0;
  // The next rows of this rank, one per worker; blocks are read here, on one thread (the cache
  // is not shared). A wave goes in rounds: each round takes the next columns of every row, each
  // block loaded once, until the round's blocks reach round_limit (at least one column per row
  // and round), computes them and lets them go, so the blocks alive are the cache's plus one
  // round's whatever a row's length. The columns of a row keep their order: same bits.
  auto compute_wave = [&] {
    const std::size_t n = std::min(fold.workers(), mine.size() - next_mine);
    std::vector<std::shared_ptr<Block>> heads(n);
    std::vector<std::vector<std::size_t>> indices(n);
    for (std::size_t j = 0; j < n; ++j) indices[j] = row_columns(rows[mine[next_mine + j]]);
    // The wave's first row reaches lowest: no later row asks for a block below its oldest.
    cache.set_floor(indices[0].empty() ? 0 : indices[0].back());
    for (std::size_t j = 0; j < n; ++j) heads[j] = cache.get(rows[mine[next_mine + j]]);
    std::vector<std::size_t> next(n, 0);  // per row: its next column
    while (true) {
      std::map<std::size_t, std::shared_ptr<Block>> round;
      std::size_t round_bytes = 0, last_bytes = 0;
      for (std::size_t j = 0; j < n; ++j)
        if (round.emplace(rows[mine[next_mine + j]], heads[j]).second)
          round_bytes += heads[j]->bytes;
      std::vector<std::vector<std::shared_ptr<Block>>> columns(n);
      for (bool added = true; added;) {
        added = false;
        for (std::size_t j = 0; j < n; ++j) {
          if (next[j] == indices[j].size()) continue;
          const std::size_t bi = indices[j][next[j]];
          auto it = round.find(bi);
          if (it == round.end()) {
            if (!columns[j].empty() && round_bytes + last_bytes > round_limit) continue;
            auto loaded = cache.get(bi);
            last_bytes = loaded->bytes;
            round_bytes += last_bytes;
            it = round.emplace(bi, std::move(loaded)).first;
          }
          columns[j].push_back(it->second);
          ++next[j];
          added = true;
        }
      }
      bool any = false;
      for (const auto& c : columns) any = any || !c.empty();
      if (!any) break;
      if (n == 1) {
        compute_row(*heads[0], columns[0], fold.sinks(0), 0, slots);
      } else {
#pragma omp parallel for schedule(static, 1) num_threads(static_cast <int>(n))
        for (std::size_t j = 0; j < n; ++j) compute_row(*heads[j], columns[j], fold.sinks(j), j, 1);
      }
    }
    for (std::size_t j = 0; j < n; ++j) worker_of[mine[next_mine + j]] = j;
    next_mine += n;
  };

  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t a = rows[i];
    const std::size_t a_first = a * block, a_count = std::min(block, info.frames - a_first);
    const auto columns = row_columns(a);
    if (fold.owner(i) == fold.rank()) {
      if (!worker_of.contains(i)) compute_wave();
      fold.own_row_done(worker_of.at(i), a_first, a_count);
      worker_of.erase(i);
      report.tiles += columns.size();
    } else if (fold.root()) {
      fold.receive_row(fold.owner(i), a_first, a_count);
      report.tiles += columns.size();
    } else {
      continue;
    }
    if (!fold.root()) continue;
    progress.advance(columns.size());
    const bool stop = o.after_row && !o.after_row(a + 1);
    const double since =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - last_checkpoint).count();
    if (o.checkpoint && (stop || since >= o.checkpoint_seconds) && a + 1 < n_blocks) {
      save_checkpoint(*o.checkpoint, a + 1, info.frames, block, report.path, reducers);
      last_checkpoint = std::chrono::steady_clock::now();
    }
    if (stop) {
      report.completed = false;
      break;
    }
  }
  fold.share_whole();
  if (report.completed) {
    progress.finish();
    if (o.checkpoint && root) std::filesystem::remove(*o.checkpoint);
  }
  report.block_reads = cache.reads();
  report.workers = fold.workers();
  report.peak_block_bytes = loader.peak_live_bytes();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace glassy
