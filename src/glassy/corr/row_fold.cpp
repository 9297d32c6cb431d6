#include <glassy/core/error.hpp>
#include <glassy/corr/row_fold.hpp>

#include <algorithm>

namespace glassy {

RowFold::RowFold(Ranks* ranks, std::span<TileReducer* const> whole, std::size_t workers)
    : ranks_(ranks), whole_(whole.begin(), whole.end()) {
  if (ranks_ != nullptr) {
    rank_ = ranks_->rank();
    size_ = ranks_->size();
  }
  bool local = false;
  for (auto* r : whole_) local = local || r->combine() == TileReducer::Combine::Local;
  require(!local || size_ == 1, "internal: this two-time pass cannot be shared over MPI ranks");
  if (ranks_ == nullptr || local) workers = 1;
  workers = std::max<std::size_t>(workers, 1);
  partial_.resize(workers);
  sinks_.resize(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    partial_[w].resize(whole_.size());
    for (std::size_t r = 0; r < whole_.size(); ++r) {
      TileReducer* sink = whole_[r];
      if (ranks_ != nullptr && whole_[r]->combine() == TileReducer::Combine::Sums) {
        partial_[w][r] = whole_[r]->blank();
        require(partial_[w][r] != nullptr, "internal: a summing reducer gave no blank copy");
        sink = partial_[w][r].get();
      }
      sinks_[w].push_back(sink);
    }
  }
}

template <class Visit>
void RowFold::for_each_range(std::size_t w, std::size_t t1_first, std::size_t t1_count,
                             Visit&& visit) {
  for (std::size_t r = 0; r < whole_.size(); ++r) {
    const auto combine = whole_[r]->combine();
    if (combine == TileReducer::Combine::Local) continue;
    TileReducer& source = partial_[w][r] ? *partial_[w][r] : *whole_[r];
    auto whole_state = whole_[r]->state();
    auto source_state = source.state();
    for (std::size_t v = 0; v < whole_state.size(); ++v)
      for (const auto& [begin, end] : whole_[r]->touched(v, t1_first, t1_count))
        visit(combine == TileReducer::Combine::Sums, whole_state[v].second->data() + begin,
              source_state[v].second->data() + begin, end - begin);
  }
}

void RowFold::own_row_done(std::size_t w, std::size_t t1_first, std::size_t t1_count) {
  if (ranks_ == nullptr) return;
  if (root()) {
    for_each_range(w, t1_first, t1_count,
                   [](bool sums, double* whole, double* part, std::size_t n) {
                     if (!sums) return;  // already in the whole
                     for (std::size_t i = 0; i < n; ++i) whole[i] += part[i];
                     std::fill(part, part + n, 0.0);
                   });
    return;
  }
  message_.clear();
  for_each_range(w, t1_first, t1_count, [&](bool sums, double*, double* part, std::size_t n) {
    message_.insert(message_.end(), part, part + n);
    if (sums) std::fill(part, part + n, 0.0);
  });
  ranks_->send(0, message_);
}

void RowFold::receive_row(int from, std::size_t t1_first, std::size_t t1_count) {
  std::size_t length = 0;
  for_each_range(0, t1_first, t1_count,
                 [&](bool, double*, double*, std::size_t n) { length += n; });
  message_.resize(length);
  ranks_->receive(from, message_);
  std::size_t at = 0;
  for_each_range(0, t1_first, t1_count, [&](bool sums, double* whole, double*, std::size_t n) {
    const double* in = message_.data() + at;
    if (sums) {
      for (std::size_t i = 0; i < n; ++i) whole[i] += in[i];
    } else {
      std::copy(in, in + n, whole);
    }
    at += n;
  });
}

void RowFold::share_whole() {
  if (ranks_ == nullptr || size_ == 1) return;
  for (auto* r : whole_) {
    if (r->combine() == TileReducer::Combine::Local) continue;
    for (auto& [name, values] : r->state()) ranks_->broadcast(*values, 0);
  }
}

}  // namespace glassy
