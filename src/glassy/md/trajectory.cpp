#include <glassy/core/error.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/md/glass_file.hpp>
#include <glassy/md/lammps_dump.hpp>
#include <glassy/md/trajectory.hpp>

#include <optional>

namespace glassy::md {
namespace {

constexpr const char* kGroup = "md/trajectory";
constexpr const char* kThermo = "md/thermo";
constexpr const char* kFormat = "glassy-md-trajectory";
constexpr hsize_t kSeriesChunk = 1024;

const char* kThermoNames[] = {"temperature", "potential_energy", "kinetic_energy", "total_energy",
                              "pressure"};

nlohmann::json parse_json_attr(const h5::Attributes& a, const std::string& name) {
  if (!a.has(name)) return nullptr;
  try {
    return nlohmann::json::parse(a.get_string(name));
  } catch (const nlohmann::json::exception&) {
    return nullptr;
  }
}

h5::Compression snapshot_compression() {
  // Bitshuffle-LZ4 keeps streaming cheap (GB/s); gzip where its plugin is missing.
  return h5::filter_available(h5::Compression::BitshuffleLz4) ? h5::Compression::BitshuffleLz4
                                                              : h5::Compression::Gzip;
}

TrajectoryHeader read_header(const h5::File& file) {
  auto g = file.group(kGroup);
  auto a = g.attrs();
  TrajectoryHeader h;
  h.species = g.read<int>("species");
  h.timestep = a.has("timestep") ? a.get_double("timestep") : 0.005;
  h.model = parse_json_attr(a, "model");
  h.units = parse_json_attr(a, "units");
  h.protocol = parse_json_attr(a, "protocol");
  return h;
}

class Hdf5TrajectorySource : public TrajectorySource {
 public:
  explicit Hdf5TrajectorySource(const std::filesystem::path& file)
      : file_(h5::File::open(file)), name_(file.string()) {
    header_ = read_header(file_);
    auto g = file_.group(kGroup);
    position_.emplace(g.dataset("position"));
    const auto d = position_->dims();
    require(d.size() == 3 && d[2] == 3 && d[1] == header_.species.size(), [&] {
      return name_ + ": /md/trajectory/position must be [T, N, 3] with N = species count";
    });
    frames_ = d[0];
    steps_ = g.read<std::int64_t>("step");
    times_ = g.read<double>("time");
    boxes_ = g.read<double>("box");
    require(steps_.size() == frames_ && times_.size() == frames_ && boxes_.size() == 6 * frames_,
            name_ + ": step, time and box must have one entry per frame");
  }

  Snapshot read(std::size_t i) override {
    require(i < frames_, [&] {
      return name_ + ": frame " + std::to_string(i) + " requested, the trajectory has " +
             std::to_string(frames_);
    });
    Snapshot s;
    s.step = steps_[i];
    s.time = times_[i];
    for (int d = 0; d < 3; ++d) {
      s.box.lo[d] = boxes_[6 * i + d];
      s.box.hi[d] = boxes_[6 * i + 3 + d];
    }
    const std::size_t n = atoms();
    s.positions.resize(3 * n);
    position_->read_block<double>({i, 0, 0}, {1, n, 3}, s.positions.data());
    return s;
  }

 private:
  h5::File file_;
  std::string name_;
  std::optional<h5::Dataset> position_;
  std::vector<std::int64_t> steps_;
  std::vector<double> times_, boxes_;
};

// A glass file's final state as a one-frame trajectory.
class GlassStateSource : public TrajectorySource {
 public:
  explicit GlassStateSource(const std::filesystem::path& file) {
    GlassState g = read_glass_state(file);
    header_.species = g.species;
    header_.model = g.model;
    header_.units = g.units;
    header_.protocol = g.protocol;
    snapshot_ = std::move(g.snapshot);
    snapshot_.time = 0;
    frames_ = 1;
  }
  Snapshot read(std::size_t i) override {
    require(i == 0, "a glass file holds one snapshot (frame 0)");
    return snapshot_;
  }

 private:
  Snapshot snapshot_;
};

}  // namespace

TrajectorySource::~TrajectorySource() = default;

std::unique_ptr<TrajectorySource> open_trajectory(const std::filesystem::path& file) {
  require(std::filesystem::exists(file), "trajectory '" + file.string() + "' does not exist",
          ErrorKind::InputOutput);
  if (h5::File::is_hdf5(file)) {
    {
      auto f = h5::File::open(file);
      if (f.exists(kGroup)) return std::make_unique<Hdf5TrajectorySource>(file);
    }
    if (is_glass_file(file)) return std::make_unique<GlassStateSource>(file);
    throw Error(file.string() +
                ": HDF5 file without /md/trajectory or /md/state: not a glassy MD trajectory");
  }
  if (is_lammps_dump(file)) return open_lammps_dump(file);
  return open_lammps_data(file);
}

// ---------------- writer ----------------

struct TrajectoryWriter::Impl {
  std::filesystem::path out, partial;
  std::optional<h5::File> file;
  std::optional<h5::Dataset> position, step, time, box;
  std::vector<h5::Dataset> thermo;  // step, time, then kThermoNames
  std::size_t atoms = 0, frames = 0, thermo_rows = 0;
  std::int64_t last_step = -1;
  bool committed = false;

  void open_datasets() {
    auto g = file->group(kGroup);
    position.emplace(g.dataset("position"));
    step.emplace(g.dataset("step"));
    time.emplace(g.dataset("time"));
    box.emplace(g.dataset("box"));
    auto t = file->group(kThermo);
    thermo.clear();
    thermo.push_back(t.dataset("step"));
    thermo.push_back(t.dataset("time"));
    for (const char* name : kThermoNames) thermo.push_back(t.dataset(name));
  }

  void create(const TrajectoryHeader& h) {
    file.emplace(h5::File::create(partial));
    auto g = file->require_group(kGroup);
    auto a = g.attrs();
    a.set("format", kFormat);
    a.set("version", std::int64_t{1});
    a.set("timestep", h.timestep);
    a.set("model", h.model.dump());
    a.set("units", h.units.dump());
    a.set("protocol", h.protocol.dump());
    a.set("positions", "unwrapped, LJ sigma_SS, atom-id order");
    g.write<int>("species", h.species);
    h5::DatasetOptions pos;
    pos.chunk = {1, atoms, 3};
    pos.max_dims = {H5S_UNLIMITED, atoms, 3};
    pos.compression = snapshot_compression();
    g.create_dataset<double>("position", {0, atoms, 3}, pos);
    h5::DatasetOptions series;
    series.chunk = {kSeriesChunk};
    series.max_dims = {H5S_UNLIMITED};
    g.create_dataset<std::int64_t>("step", {0}, series);
    g.create_dataset<double>("time", {0}, series);
    h5::DatasetOptions boxes;
    boxes.chunk = {kSeriesChunk, 2, 3};
    boxes.max_dims = {H5S_UNLIMITED, 2, 3};
    g.create_dataset<double>("box", {0, 2, 3}, boxes);
    auto t = file->require_group(kThermo);
    t.attrs().set("energies", "per atom, LJ units");
    t.create_dataset<std::int64_t>("step", {0}, series);
    t.create_dataset<double>("time", {0}, series);
    for (const char* name : kThermoNames) t.create_dataset<double>(name, {0}, series);
    open_datasets();
  }

  void reopen(const TrajectoryHeader& h) {
    require(std::filesystem::exists(partial), [&] {
      return "no partial trajectory '" + partial.string() +
             "' to resume: start a new run without resume";
    });
    file.emplace(h5::File::open(partial, h5::File::Mode::ReadWrite));
    require(file->exists(kGroup) && file->exists(kThermo),
            partial.string() + ": not a glassy trajectory; cannot resume into it");
    const TrajectoryHeader old = read_header(*file);
    require(old.species == h.species, partial.string() +
                                          ": its atoms or species differ from the run being "
                                          "resumed; resume with the same start file");
    require(old.timestep == h.timestep,
            partial.string() + ": its timestep differs from the run being resumed");
    open_datasets();
    frames = step->dims()[0];
    require(position->dims()[0] == frames && time->dims()[0] == frames && box->dims()[0] == frames,
            partial.string() + ": datasets of different lengths; the file is damaged");
    thermo_rows = thermo[0].dims()[0];
    last_step = -1;
    if (frames > 0) step->read_block<std::int64_t>({frames - 1}, {1}, &last_step);
  }

  void close() {
    thermo.clear();
    position.reset();
    step.reset();
    time.reset();
    box.reset();
    if (file) file->flush();
    file.reset();
  }
};

std::filesystem::path TrajectoryWriter::partial_path(const std::filesystem::path& out) {
  return std::filesystem::path(out.string() + ".partial");
}

TrajectoryWriter::TrajectoryWriter(const std::filesystem::path& out, const TrajectoryHeader& header,
                                   bool resume)
    : impl_(std::make_unique<Impl>()) {
  require(!header.species.empty(), "trajectory header: no atoms (species is empty)");
  require(header.timestep > 0, "trajectory header: timestep must be positive");
  const auto dir = out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
  require(std::filesystem::is_directory(dir),
          "output folder '" + dir.string() + "' does not exist: create it or choose another --out",
          ErrorKind::InputOutput);
  impl_->out = out;
  impl_->partial = partial_path(out);
  impl_->atoms = header.species.size();
  if (resume)
    impl_->reopen(header);
  else
    impl_->create(header);
}

TrajectoryWriter::~TrajectoryWriter() {
  try {
    if (impl_ && !impl_->committed) impl_->close();  // the partial file stays for a resume
  } catch (...) {
  }
}

void TrajectoryWriter::set_protocol(const nlohmann::json& protocol) {
  require(impl_->file.has_value(), "trajectory writer: protocol set after commit");
  auto g = impl_->file->group(kGroup);  // kept alive while its attributes are written
  g.attrs().set("protocol", protocol.dump());
}

void TrajectoryWriter::append(const Snapshot& s) {
  Impl& m = *impl_;
  require(m.file.has_value(), "trajectory writer: append after commit");
  require(s.atoms() == m.atoms && s.positions.size() == 3 * m.atoms, [&] {
    return "trajectory writer: snapshot has " + std::to_string(s.atoms()) + " atoms, the " +
           "trajectory " + std::to_string(m.atoms);
  });
  require(s.step > m.last_step, [&] {
    return "trajectory writer: step " + std::to_string(s.step) + " does not follow step " +
           std::to_string(m.last_step);
  });
  const hsize_t t = m.frames;
  m.position->extend({t + 1, m.atoms, 3});
  m.position->write_block<double>({t, 0, 0}, {1, m.atoms, 3}, s.positions.data());
  m.step->extend({t + 1});
  m.step->write_block<std::int64_t>({t}, {1}, &s.step);
  m.time->extend({t + 1});
  m.time->write_block<double>({t}, {1}, &s.time);
  const double box[6] = {s.box.lo[0], s.box.lo[1], s.box.lo[2],
                         s.box.hi[0], s.box.hi[1], s.box.hi[2]};
  m.box->extend({t + 1, 2, 3});
  m.box->write_block<double>({t, 0, 0}, {1, 2, 3}, box);
  m.frames = t + 1;
  m.last_step = s.step;
}

void TrajectoryWriter::append_thermo(const ThermoSample& x) {
  Impl& m = *impl_;
  require(m.file.has_value(), "trajectory writer: append after commit");
  const hsize_t r = m.thermo_rows;
  const double values[] = {x.time,           x.temperature,  x.potential_energy,
                           x.kinetic_energy, x.total_energy, x.pressure};
  m.thermo[0].extend({r + 1});
  m.thermo[0].write_block<std::int64_t>({r}, {1}, &x.step);
  for (std::size_t k = 1; k < m.thermo.size(); ++k) {
    m.thermo[k].extend({r + 1});
    m.thermo[k].write_block<double>({r}, {1}, &values[k - 1]);
  }
  m.thermo_rows = r + 1;
}

std::size_t TrajectoryWriter::frames() const { return impl_->frames; }
std::int64_t TrajectoryWriter::last_step() const { return impl_->last_step; }

void TrajectoryWriter::truncate_after(std::int64_t step) {
  Impl& m = *impl_;
  require(m.file.has_value(), "trajectory writer: truncate after commit");
  auto keep_count = [&](const h5::Dataset& steps) {
    const auto all = steps.read_all<std::int64_t>();
    std::size_t keep = 0;
    while (keep < all.size() && all[keep] <= step) ++keep;
    return keep;
  };
  const std::size_t frames = keep_count(*m.step);
  if (frames < m.frames) {
    m.position->extend({frames, m.atoms, 3});
    m.step->extend({frames});
    m.time->extend({frames});
    m.box->extend({frames, 2, 3});
    m.frames = frames;
  }
  m.last_step = -1;
  if (m.frames > 0) m.step->read_block<std::int64_t>({m.frames - 1}, {1}, &m.last_step);
  const std::size_t rows = keep_count(m.thermo[0]);
  if (rows < m.thermo_rows) {
    for (auto& d : m.thermo) d.extend({rows});
    m.thermo_rows = rows;
  }
}

namespace {
constexpr const char* kCostSeconds = "run_wall_seconds";
constexpr const char* kCostAtomSteps = "run_atom_steps";

// The cost attributes of a trajectory's group; absent when it has none (an older glassy).
std::optional<RunCost> cost_of(const h5::Group& trajectory) {
  const auto a = trajectory.attrs();
  if (!a.has(kCostSeconds) || !a.has(kCostAtomSteps)) return std::nullopt;
  return RunCost{a.get_double(kCostSeconds), a.get_double(kCostAtomSteps)};
}
}  // namespace

RunCost TrajectoryWriter::cost() const {
  return cost_of(impl_->file->group(kGroup)).value_or(RunCost{});
}

void TrajectoryWriter::record_cost(const RunCost& cost) {
  const auto g = impl_->file->group(kGroup);
  const auto a = g.attrs();
  a.set(kCostSeconds, cost.wall_seconds);
  a.set(kCostAtomSteps, cost.atom_steps);
}

std::optional<RunCost> read_run_cost(const std::filesystem::path& file) {
  if (!h5::File::is_hdf5(file)) return std::nullopt;
  const auto f = h5::File::open(file);
  if (!f.is_group(kGroup)) return std::nullopt;
  return cost_of(f.group(kGroup));
}

void TrajectoryWriter::flush() {
  if (impl_->file) impl_->file->flush();
}

void TrajectoryWriter::commit() {
  Impl& m = *impl_;
  require(m.file.has_value() && !m.committed, "trajectory writer: commit called twice");
  m.close();
  std::error_code ec;
  std::filesystem::rename(m.partial, m.out, ec);
  require(!ec, "cannot move finished trajectory onto '" + m.out.string() + "': " + ec.message(),
          ErrorKind::InputOutput);
  m.committed = true;
}

std::vector<ThermoSample> read_thermo_log(const std::filesystem::path& file) {
  auto f = h5::File::open(file);
  require(f.exists(kThermo), file.string() + ": no /md/thermo log in this file");
  auto t = f.group(kThermo);
  const auto steps = t.read<std::int64_t>("step");
  const auto time = t.read<double>("time");
  std::vector<std::vector<double>> cols;
  for (const char* name : kThermoNames) cols.push_back(t.read<double>(name));
  std::vector<ThermoSample> out(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    out[i].step = steps[i];
    out[i].time = time[i];
    out[i].temperature = cols[0][i];
    out[i].potential_energy = cols[1][i];
    out[i].kinetic_energy = cols[2][i];
    out[i].total_energy = cols[3][i];
    out[i].pressure = cols[4][i];
  }
  return out;
}

}  // namespace glassy::md
