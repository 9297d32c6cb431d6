#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/io/frame_writer.hpp>

#include <algorithm>
#include <cmath>

namespace glassy {
namespace {

constexpr std::size_t kTargetChunkBytes = std::size_t{1}
                                          << 20;  // ~1 MiB chunks: fast LZ4, small reads

class DenseWriter : public FrameWriter {
 public:
  DenseWriter(const h5::File& file, const FrameFileSpec& spec) : pixels_(spec.height * spec.width) {
    h5::DatasetOptions opt;
    const std::size_t frame_bytes = pixels_ * 4;
    chunk_frames_ =
        std::clamp<std::size_t>(kTargetChunkBytes / std::max<std::size_t>(frame_bytes, 1), 1, 64);
    opt.chunk = {chunk_frames_, spec.height, spec.width};
    opt.max_dims = {H5S_UNLIMITED, spec.height, spec.width};
    opt.compression = spec.compression;
    const h5::Dims start_dims{0, spec.height, spec.width};
    if (spec.dense_type == "uint8")
      data_.emplace(file.create_dataset<std::uint8_t>(kFramesPath, start_dims, opt));
    else if (spec.dense_type == "uint16")
      data_.emplace(file.create_dataset<std::uint16_t>(kFramesPath, start_dims, opt));
    else if (spec.dense_type == "uint32")
      data_.emplace(file.create_dataset<std::uint32_t>(kFramesPath, start_dims, opt));
    else if (spec.dense_type == "float32")
      data_.emplace(file.create_dataset<float>(kFramesPath, start_dims, opt));
    else
      throw Error("unknown frame type '" + spec.dense_type +
                  "': use uint8, uint16, uint32 or float32");
    max_value_ = spec.dense_type == "uint8"    ? 255.0
                 : spec.dense_type == "uint16" ? 65535.0
                                               : 4294967295.0;
    is_float_ = spec.dense_type == "float32";
    data_->attrs().set("units", "counts");
    height_ = spec.height;
    width_ = spec.width;
    buffer_.reserve(chunk_frames_ * pixels_);
  }

  void append_dense(const float* frame) override {
    if (!is_float_) {
      for (std::size_t i = 0; i < pixels_; ++i)
        require(frame[i] <= max_value_ && frame[i] == std::floor(frame[i]) && frame[i] >= 0, [&] {
          return "frame " + std::to_string(frames_) + " value " + std::to_string(frame[i]) +
                 " does not fit the integer frame type: choose a wider --dtype";
        });
    }
    buffer_.insert(buffer_.end(), frame, frame + pixels_);
    ++frames_;
    if (buffer_.size() >= chunk_frames_ * pixels_) flush();
  }

  void append_events(std::span<const std::uint32_t> pixel,
                     std::span<const std::uint32_t> count) override {
    const std::size_t base = buffer_.size();
    buffer_.resize(base + pixels_, 0.0f);
    for (std::size_t e = 0; e < pixel.size(); ++e) {
      require(count[e] <= max_value_, [&] {
        return "frame " + std::to_string(frames_) +
               " count exceeds the integer frame type: choose a wider --dtype";
      });
      buffer_[base + pixel[e]] = static_cast<float>(count[e]);
    }
    ++frames_;
    if (buffer_.size() >= chunk_frames_ * pixels_) flush();
  }

  void finish() override { flush(); }

 private:
  void flush() {
    const std::size_t n = buffer_.size() / pixels_;
    if (n == 0) return;
    data_->extend({written_ + n, height_, width_});
    data_->write_block<float>({written_, 0, 0}, {n, height_, width_}, buffer_.data());
    written_ += n;
    buffer_.clear();
  }

  std::size_t pixels_, height_ = 0, width_ = 0, chunk_frames_ = 1, written_ = 0;
  double max_value_ = 0;
  bool is_float_ = false;
  std::optional<h5::Dataset> data_;
  std::vector<float> buffer_;
};

class SparseWriter : public FrameWriter {
 public:
  SparseWriter(const h5::File& file, const FrameFileSpec& spec)
      : pixels_(spec.height * spec.width), group_(file.require_group(kSparseGroup)) {
    group_.attrs().set("format", "glassy-sparse-events");
    group_.attrs().set("version", std::int64_t{1});
    group_.attrs().set("height", static_cast<std::int64_t>(spec.height));
    group_.attrs().set("width", static_cast<std::int64_t>(spec.width));
    h5::DatasetOptions opt;
    opt.chunk = {kEventChunk};
    opt.max_dims = {H5S_UNLIMITED};
    opt.compression = spec.compression;
    pixel_.emplace(group_.create_dataset<std::uint32_t>("pixel", {0}, opt));
    count_.emplace(group_.create_dataset<std::uint32_t>("count", {0}, opt));
    offsets_.push_back(0);
  }

  void append_dense(const float* frame) override {
    for (std::size_t i = 0; i < pixels_; ++i) {
      if (frame[i] == 0.0f) continue;
      require(frame[i] == std::floor(frame[i]) && frame[i] > 0 && frame[i] < 4.29e9f, [&] {
        return "frame " + std::to_string(frames_) +
               " holds non-integer or out-of-range intensities: photon events need integer counts";
      });
      pixel_buf_.push_back(static_cast<std::uint32_t>(i));
      count_buf_.push_back(static_cast<std::uint32_t>(frame[i]));
    }
    end_frame();
  }

  void append_events(std::span<const std::uint32_t> pixel,
                     std::span<const std::uint32_t> count) override {
    for (std::size_t e = 0; e < pixel.size(); ++e) {
      require(pixel[e] < pixels_ && count[e] > 0 && (e == 0 || pixel[e] > pixel[e - 1]), [&] {
        return "frame " + std::to_string(frames_) +
               ": events must have ascending pixels and counts > 0";
      });
    }
    pixel_buf_.insert(pixel_buf_.end(), pixel.begin(), pixel.end());
    count_buf_.insert(count_buf_.end(), count.begin(), count.end());
    end_frame();
  }

  void finish() override {
    flush();
    group_.write<std::uint64_t>("frame_offset", offsets_);
  }

 private:
  static constexpr hsize_t kEventChunk = 1 << 18;

  void end_frame() {
    ++frames_;
    offsets_.push_back(written_ + pixel_buf_.size());
    if (pixel_buf_.size() >= kEventChunk) flush();
  }

  void flush() {
    const std::size_t n = pixel_buf_.size();
    if (n == 0) return;
    pixel_->extend({written_ + n});
    count_->extend({written_ + n});
    pixel_->write_block<std::uint32_t>({written_}, {n}, pixel_buf_.data());
    count_->write_block<std::uint32_t>({written_}, {n}, count_buf_.data());
    written_ += n;
    pixel_buf_.clear();
    count_buf_.clear();
  }

  std::size_t pixels_;
  h5::Group group_;
  std::optional<h5::Dataset> pixel_, count_;
  std::vector<std::uint64_t> offsets_;
  std::vector<std::uint32_t> pixel_buf_, count_buf_;
  std::uint64_t written_ = 0;
};

}  // namespace

FrameLayout parse_layout(const std::string& name) {
  if (name == "dense") return FrameLayout::Dense;
  if (name == "sparse") return FrameLayout::Sparse;
  throw Error("unknown frame layout '" + name + "': use dense or sparse");
}

h5::Compression default_compression() {
  return h5::filter_available(h5::Compression::BitshuffleLz4) ? h5::Compression::BitshuffleLz4
                                                              : h5::Compression::Gzip;
}

std::unique_ptr<FrameWriter> make_frame_writer(const h5::File& file, const FrameFileSpec& spec) {
  require(spec.height > 0 && spec.width > 0, "frame shape must be positive");
  if (spec.layout == FrameLayout::Sparse) return std::make_unique<SparseWriter>(file, spec);
  return std::make_unique<DenseWriter>(file, spec);
}

void convert_frames(FrameSource& source, const std::filesystem::path& source_path,
                    const std::filesystem::path& out, const FrameFileSpec& spec_in,
                    const MemoryBudget& budget) {
  const FrameInfo& info = source.info();
  FrameFileSpec spec = spec_in;
  spec.height = info.height;
  spec.width = info.width;
  AtomicOutput atomic(out, {source_path});
  {
    auto file = h5::File::create(atomic.temp_path());
    auto writer = make_frame_writer(file, spec);
    const std::size_t block = source.frames_per_block(budget, 0.25);
    Progress progress("convert", info.frames);
    FrameVisitor visit;
    visit.on_events = [&](std::size_t, const std::uint32_t* pixel, const std::uint32_t* count,
                          std::size_t n) {
      writer->append_events({pixel, n}, {count, n});
    };
    visit.on_dense = [&](std::size_t, const float* frame) { writer->append_dense(frame); };
    visit.advance = [&](std::size_t n) { progress.advance(n); };
    for_each_frame(source, block, visit);
    writer->finish();
    progress.finish();
    write_metadata(file, info.meta);
    write_provenance(file);
    if (!info.timestamps.empty()) file.write<double>(kTimestampPath, info.timestamps);
    if (h5::File::is_hdf5(source_path)) {
      auto input = h5::File::open(source_path);
      if (input.is_group("truth")) input.copy_to("truth", file);
    }
  }
  atomic.commit();
}

}  // namespace glassy
