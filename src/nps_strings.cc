// String keys straight from Arrow buffers (npscore/nps.h): to group codes
// (FactorizeUtf8Keys) or to by-group summaries (SummarizeByUtf8Key). Each
// thread hashes its range of rows into a table of the distinct keys it met
// (each copied once, when first met), the tables are merged and the distinct
// keys sorted once. Factorizing then renumbers the rows in a second pass;
// summarizing needs none: the one pass also counts each key's rows per score
// segment in its table entry, and only the small per-key tables are
// permuted. Offsets are checked as they are read: no byte outside the
// caller's buffers is ever touched.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "npscore/nps.h"
#include "src/internal/bounds.h"
#include "src/internal/parallel.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

// Groups (the missing key included) must fit the int32 codes.
constexpr size_t kMaxGroups = static_cast<size_t>(std::numeric_limits<int32_t>::max());

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Multiplies as 128 bits and folds the halves: every input bit reaches the
// low bits that pick a slot.
inline uint64_t Fold(uint64_t a, uint64_t b) {
  const absl::uint128 m = absl::uint128(a) * b;
  return absl::Uint128Low64(m) ^ absl::Uint128High64(m);
}

constexpr uint64_t kSeedA = 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio
constexpr uint64_t kSeedB = 0xc2b2ae3d27d4eb4fULL;  // odd constants with mixed bits
constexpr uint64_t kSeedC = 0x165667b19e3779f9ULL;

// The two words that stand for the n bytes at p in the hash and in the
// table, reading no byte outside them. For keys of up to 16 bytes (most group
// keys) they and n determine the key: overlapping loads of its ends (two of 8
// bytes, two of 4, or its first, middle and last byte), so equal words mean
// equal keys. Longer keys fold their leading bytes into the first word and
// are compared byte by byte when their words match.
struct Words {
  uint64_t a, b;
};

inline Words ReadWords(const char* p, size_t n) {
  if (ABSL_PREDICT_TRUE(n - 8 <= 8)) return {Load64(p), Load64(p + n - 8)};  // 8..16 bytes
  if (n > 16) {
    uint64_t h = kSeedC;
    for (size_t i = 0; i + 16 < n; i += 16) {
      h = Fold(Load64(p + i) ^ kSeedA, Load64(p + i + 8) ^ h);
    }
    return {Load64(p + n - 16) ^ h, Load64(p + n - 8)};
  }
  if (n >= 4) return {Load32(p), Load32(p + n - 4)};
  if (n == 0) return {0, 0};
  const auto byte = [p](size_t i) { return static_cast<uint64_t>(static_cast<uint8_t>(p[i])); };
  return {(byte(0) << 16) | (byte(n >> 1) << 8) | byte(n - 1), 0};
}

inline uint64_t HashWords(Words w, size_t n) { return Fold(w.a ^ kSeedA, w.b ^ kSeedB ^ n); }

constexpr size_t kShortKey = 16;  // keys up to this size are known by their words

// Rows whose offsets are checked together.
constexpr int64_t kCheckBlock = 256;

// The distinct keys of a range of rows in order of first appearance, copied
// back to back into one buffer, with an open-addressing index over them
// (linear probing, at most half full). The index holds 4-byte codes, so it
// stays small enough for the L2 cache (128 KiB for 10,000 keys); each code's
// entry (one 64-byte line) holds its words and size, so a short key is
// recognized without reading its bytes again, and the row counts per score
// segment the by-group pass adds to, in the line the lookup just read.
class KeyTable {
 public:
  // Rows of a key per score segment: detractors, passives, promoters, and
  // missing scores (SummarizeByUtf8Key; unused when factorizing).
  using Counts = int64_t[4];

  KeyTable() : index_(kInitialSlots, 0), mask_(kInitialSlots - 1) {}

  // The code of the key (p, n) with words (a, b) and hash h, which is added,
  // first seen at `row`, if it is new; -1 when the key would exceed
  // kMaxGroups. Inlined: the lookup is the per-row work.
  inline int32_t Find(const char* p, size_t n, uint64_t a, uint64_t b, uint64_t h,
                      int64_t row) {
    for (size_t i = Home(h);; i = (i + 1) & mask_) {
      const uint32_t slot = index_[i];
      if (slot == 0) return Add(i, p, n, a, b, h, row);
      const Entry& e = entries_[slot - 1];
      if (e.a == a && e.b == b && e.size == n &&
          (n <= kShortKey || key(slot - 1) == absl::string_view(p, n))) {
        return static_cast<int32_t>(slot - 1);
      }
    }
  }

  size_t size() const { return at_.size(); }
  absl::string_view key(size_t code) const {
    const size_t end = code + 1 < at_.size() ? at_[code + 1] : bytes_.size();
    return absl::string_view(bytes_.data() + at_[code], end - at_[code]);
  }
  uint64_t hash(size_t code) const { return entries_[code].hash; }
  int64_t first_row(size_t code) const { return first_rows_[code]; }
  Counts& counts(size_t code) { return entries_[code].counts; }
  const Counts& counts(size_t code) const { return entries_[code].counts; }

 private:
  struct alignas(64) Entry {
    uint64_t a = 0, b = 0;  // the key's words
    uint64_t size = 0;      // the key's size
    uint64_t hash = 0;
    Counts counts = {0, 0, 0, 0};
  };
  static constexpr size_t kInitialSlots = 1024;  // a power of two

  // The slot a key with hash h is looked for first.
  size_t Home(uint64_t h) const { return static_cast<size_t>(h) & mask_; }

  // Adds the key (p, n) in the empty slot i: Find's rare, out-of-line part.
#if defined(__GNUC__)
  __attribute__((noinline))
#endif
  int32_t Add(size_t i, const char* p, size_t n, uint64_t a, uint64_t b, uint64_t h,
              int64_t row) {
    if (at_.size() >= kMaxGroups - 1) return -1;  // the missing key needs a code too
    const int32_t code = static_cast<int32_t>(at_.size());
    at_.push_back(bytes_.size());
    bytes_.insert(bytes_.end(), p, p + n);
    Entry e;
    e.a = a;
    e.b = b;
    e.size = n;
    e.hash = h;
    entries_.push_back(e);
    first_rows_.push_back(row);
    index_[i] = static_cast<uint32_t>(code) + 1;
    if (at_.size() > index_.size() / 2) Grow();
    return code;
  }

  // Doubles the index and reinserts the codes by their keys' hashes.
  void Grow() {
    std::vector<uint32_t> index(2 * index_.size(), 0);
    const size_t mask = index.size() - 1;
    mask_ = mask;
    for (size_t code = 0; code < entries_.size(); ++code) {
      size_t i = Home(entries_[code].hash);
      while (index[i] != 0) i = (i + 1) & mask;
      index[i] = static_cast<uint32_t>(code) + 1;
    }
    index_ = std::move(index);
  }

  std::vector<uint32_t> index_;      // per slot: code + 1, 0 when empty
  size_t mask_;                      // index_.size() - 1
  std::vector<Entry> entries_;       // per code
  std::vector<size_t> at_;           // per code: where its bytes start in bytes_
  std::vector<char> bytes_;          // the keys' bytes, in code order
  std::vector<int64_t> first_rows_;  // per code: the first row (across chunks)
};

// What one thread found in its rows.
struct Part {
  KeyTable table;
  int64_t first_missing = -1;            // the first row with a missing key, -1 if none
  KeyTable::Counts missing = {0, 0, 0, 0};  // its rows per score segment (by-group pass)
};

// "row 12" for one chunk, "row 12 (chunk 1, row 2)" for several.
std::string RowName(int64_t row, size_t chunk, int64_t in_chunk, size_t chunks) {
  if (chunks == 1) return absl::StrCat("row ", row);
  return absl::StrCat("row ", row, " (chunk ", chunk, ", row ", in_chunk, ")");
}

// Checks what can be checked without reading rows: lengths, offsets and the
// sizes of the offsets and validity buffers. Sets *rows to the total.
template <typename O>
absl::Status CheckChunks(absl::Span<const Utf8Chunk<O>> chunks, int64_t* rows) {
  int64_t total = 0;
  for (size_t c = 0; c < chunks.size(); ++c) {
    const Utf8Chunk<O>& k = chunks[c];
    const std::string name = chunks.size() == 1 ? "the column" : absl::StrCat("chunk ", c);
    if (k.length < 0 || k.offset < 0 ||
        k.length > std::numeric_limits<int64_t>::max() - k.offset - 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " has length ", k.length, " and offset ", k.offset,
                       ": both must be >= 0 and their sum below 2^63 - 1"));
    }
    if (k.length > std::numeric_limits<int64_t>::max() - total) {
      return absl::InvalidArgumentError(absl::StrCat("the chunks hold more than 2^63 - 1 rows"));
    }
    total += k.length;
    if (k.length == 0) continue;
    const uint64_t needed = static_cast<uint64_t>(k.offset) + static_cast<uint64_t>(k.length) + 1;
    if (k.offsets.size() < needed) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, " has ", k.offsets.size(), " offsets: its offset ", k.offset, " and length ",
          k.length, " need ", needed));
    }
    const uint64_t bits = needed - 1;
    if (!k.validity.empty() && k.validity.size() < (bits + 7) / 8) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, " has a validity bitmap of ", k.validity.size(), " bytes: its offset ", k.offset,
          " and length ", k.length, " need ", (bits + 7) / 8));
    }
  }
  if (static_cast<uint64_t>(total) > std::numeric_limits<size_t>::max() / sizeof(int32_t)) {
    return absl::InvalidArgumentError(absl::StrCat("the chunks hold ", total,
                                                   " rows: too many for this machine"));
  }
  *rows = total;
  return absl::OkStatus();
}

// Looks up the keys of rows [first, last) (numbered across chunks, which
// start at `starts`) in part.table, adding new ones, and calls
// on_row(row, code) for each in order: code is the key's first-seen code in
// part.table, -1 for a missing key.
template <typename O, typename OnRow>
absl::Status HashRows(absl::Span<const Utf8Chunk<O>> chunks, const std::vector<int64_t>& starts,
                      int64_t first, int64_t last, Part& part, const OnRow& on_row) {
  size_t c = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), first) -
                                 starts.begin()) - 1;
  for (int64_t row = first; row < last; ++c) {
    const Utf8Chunk<O>& k = chunks[c];
    const int64_t begin = row - starts[c];
    const int64_t end = std::min(k.length, last - starts[c]);
    if (begin >= end) continue;  // an empty chunk
    const O* off = k.offsets.data() + k.offset;
    const uint8_t* valid = k.validity.empty() ? nullptr : k.validity.data();
    const char* data = k.data.data();
    const uint64_t size = k.data.size();
    auto bad = [&](int64_t i, absl::string_view what) {
      return absl::InvalidArgumentError(
          absl::StrCat(RowName(starts[c] + i, c, i, chunks.size()), ": ", what));
    };
    int64_t start = static_cast<int64_t>(off[begin]);
    if (start < 0 || static_cast<uint64_t>(start) > size) {
      return bad(begin, absl::StrCat("its start offset ", start, " lies outside the data (",
                                     size, " bytes)"));
    }
    // Rows go in blocks: a branch-free pass checks the block's offsets (they
    // must not decrease nor pass the data), then each key is read, hashed
    // and looked up with no further check. The offsets are read twice, the
    // second time from L1.
    const int64_t base = starts[c];
    for (int64_t b0 = begin; b0 < end; b0 += kCheckBlock) {
      const int64_t b1 = std::min(end, b0 + kCheckBlock);
      bool ok = static_cast<uint64_t>(off[b1]) <= size;
      for (int64_t i = b0; i < b1; ++i) ok &= off[i + 1] >= off[i];
      if (!ok) {
        for (int64_t i = b0; i < b1; ++i) {
          const int64_t stop = static_cast<int64_t>(off[i + 1]);
          if (stop < start) {
            return bad(i, absl::StrCat("the offsets decrease, from ", start, " to ", stop));
          }
          if (static_cast<uint64_t>(stop) > size) {
            return bad(i, absl::StrCat("its bytes [", start, ", ", stop, ") run past the data (",
                                       size, " bytes)"));
          }
          start = stop;
        }
      }
      for (int64_t i = b0; i < b1; ++i) {
        const int64_t r = base + i;
        if (valid != nullptr) {
          const uint64_t bit = static_cast<uint64_t>(k.offset + i);
          if (((valid[bit >> 3] >> (bit & 7)) & 1) == 0) {
            if (part.first_missing < 0) part.first_missing = r;
            on_row(r, -1);
            continue;
          }
        }
        const char* p = data + off[i];
        const size_t n = static_cast<size_t>(off[i + 1] - off[i]);
        const Words w = ReadWords(p, n);
        const int32_t code = part.table.Find(p, n, w.a, w.b, HashWords(w, n), r);
        if (ABSL_PREDICT_FALSE(code < 0)) {
          return bad(i, absl::StrCat("more than ", kMaxGroups - 1, " distinct keys"));
        }
        on_row(r, code);
      }
      start = static_cast<int64_t>(off[b1]);
    }
    row = starts[c] + end;
  }
  return absl::OkStatus();
}

// Where each chunk's rows start in the numbering across chunks.
template <typename O>
std::vector<int64_t> ChunkStarts(absl::Span<const Utf8Chunk<O>> chunks) {
  std::vector<int64_t> starts(chunks.size());
  for (size_t c = 0, at = 0; c < chunks.size(); ++c) {
    starts[c] = static_cast<int64_t>(at);
    at += static_cast<size_t>(chunks[c].length);
  }
  return starts;
}

// The threads' keys merged into one table (the first thread's codes stay,
// so each key keeps its first row) and sorted.
struct MergedKeys {
  KeyTable table;
  std::vector<std::vector<int32_t>> to_merged;  // per thread, per its code: the merged code
  std::vector<int32_t> order;                   // merged codes in ascending key order
  int64_t first_missing = -1;                   // the first row with a missing key
};

absl::StatusOr<MergedKeys> MergeKeys(const std::vector<Part>& parts) {
  MergedKeys m;
  m.to_merged.resize(parts.size());
  for (size_t t = 0; t < parts.size(); ++t) {
    const KeyTable& table = parts[t].table;
    m.to_merged[t].resize(table.size());
    for (size_t j = 0; j < table.size(); ++j) {
      const absl::string_view key = table.key(j);
      const Words w = ReadWords(key.data(), key.size());
      m.to_merged[t][j] = m.table.Find(key.data(), key.size(), w.a, w.b, table.hash(j),
                                       table.first_row(j));
      if (m.to_merged[t][j] < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("more than ", kMaxGroups - 1, " distinct keys"));
      }
    }
    if (m.first_missing < 0) m.first_missing = parts[t].first_missing;
  }
  const size_t k = m.table.size();
  m.order.resize(k);
  for (size_t j = 0; j < k; ++j) m.order[j] = static_cast<int32_t>(j);
  std::sort(m.order.begin(), m.order.end(), [&](int32_t x, int32_t y) {
    return m.table.key(static_cast<size_t>(x)) < m.table.key(static_cast<size_t>(y));
  });
  return m;
}

// Each group's first row, in key order, the missing key's last.
std::vector<int64_t> KeyRows(const MergedKeys& m) {
  std::vector<int64_t> rows;
  rows.reserve(m.order.size() + 1);
  for (const int32_t code : m.order) rows.push_back(m.table.first_row(static_cast<size_t>(code)));
  if (m.first_missing >= 0) rows.push_back(m.first_missing);
  return rows;
}

// The by-group table of unweighted segment counts (detractors, passives,
// promoters, missing scores) given per group in output order, as
// SummarizeByGroup makes it: statistics from the counts (NaN where n = 0).
GroupTable CountsTable(const std::vector<const KeyTable::Counts*>& groups,
                       const GroupOptions& options) {
  const size_t m = groups.size();
  GroupTable t;
  t.method = options.interval.method;
  t.confidence = options.interval.confidence;
  for (auto* col : {&t.n, &t.detractors, &t.passives, &t.promoters, &t.n_effective, &t.nps,
                    &t.se, &t.ci_low, &t.ci_high}) {
    col->resize(m);
  }
  t.rows.resize(m);
  t.skipped.resize(m);
  t.small.resize(m);
  const double z = internal::Critical(options.interval.confidence);
  for (size_t r = 0; r < m; ++r) {
    const KeyTable::Counts& c = *groups[r];
    Summary s = internal::EmptySummary(options.interval);
    s.detractors = static_cast<double>(c[0]);
    s.passives = static_cast<double>(c[1]);
    s.promoters = static_cast<double>(c[2]);
    s.n = s.n_effective = s.detractors + s.passives + s.promoters;
    if (s.n > 0) internal::FillStatistics(s, z);
    t.n[r] = s.n;
    t.detractors[r] = s.detractors;
    t.passives[r] = s.passives;
    t.promoters[r] = s.promoters;
    t.n_effective[r] = s.n_effective;
    t.rows[r] = c[0] + c[1] + c[2];
    t.skipped[r] = c[3];
    t.nps[r] = s.nps;
    t.se[r] = s.se;
    t.ci_low[r] = s.ci_low;
    t.ci_high[r] = s.ci_high;
    t.small[r] = s.n_effective < options.min_n;
  }
  return t;
}

// Counts rows [first, last) of `scores` by key and score segment into `part`
// in one pass: the scores are validated block by block (a bad block's error
// names its first bad row), then each block's keys are looked up and their
// rows counted.
template <typename T, typename O>
absl::Status CountRows(absl::Span<const T> scores, absl::Span<const Utf8Chunk<O>> chunks,
                       const std::vector<int64_t>& starts, size_t first, size_t last,
                       const ScoreOptions& options, Part& part) {
  const T dmax = internal::AsScore<T>(options.cutoffs.detractor_max);
  const T pmax = internal::AsScore<T>(options.cutoffs.passive_max);
  const T* sp = scores.data();
  return internal::ForEachValidBlock(
      scores, first, last, options.cutoffs, options.missing,
      [&](size_t begin, size_t end, const internal::Tally&) {
        return HashRows(chunks, starts, static_cast<int64_t>(begin), static_cast<int64_t>(end),
                        part, [&](int64_t r, int32_t code) {
                          const T x = sp[r];
                          const int seg =
                              internal::IsMissing(x) ? 3 : internal::SegmentIndex(x, dmax, pmax);
                          ++(code < 0 ? part.missing : part.table.counts(code))[seg];
                        });
      });
}

}  // namespace

template <typename O>
absl::StatusOr<StringKeyCodes> FactorizeUtf8Keys(absl::Span<const Utf8Chunk<O>> chunks,
                                                 int threads) {
  NPSCORE_RETURN_IF_ERROR(internal::CheckThreads(threads));
  int64_t rows = 0;
  NPSCORE_RETURN_IF_ERROR(CheckChunks(chunks, &rows));
  const std::vector<int64_t> starts = ChunkStarts(chunks);
  StringKeyCodes out;
  out.codes.resize(static_cast<size_t>(rows));
  int32_t* codes = out.codes.data();
  const size_t n_threads = internal::ThreadCount(threads, static_cast<size_t>(rows),
                                                 internal::kRowsPerThread);
  std::vector<Part> parts(n_threads);
  NPSCORE_RETURN_IF_ERROR(internal::RunChunks(
      static_cast<size_t>(rows), n_threads, [&](size_t t, size_t first, size_t last) {
        return HashRows(chunks, starts, static_cast<int64_t>(first), static_cast<int64_t>(last),
                        parts[t], [codes](int64_t r, int32_t code) { codes[r] = code; });
      }));
  NPSCORE_ASSIGN_OR_RETURN(const MergedKeys merged, MergeKeys(parts));
  const size_t k = merged.order.size();
  out.key_rows = KeyRows(merged);
  out.has_missing = merged.first_missing >= 0;

  // Renumber each thread's rows through its table: first-seen code c (or -1,
  // missing) becomes lut[c + 1].
  std::vector<int32_t> rank(k);
  for (size_t r = 0; r < k; ++r) rank[static_cast<size_t>(merged.order[r])] = static_cast<int32_t>(r);
  std::vector<std::vector<int32_t>> luts(n_threads);
  for (size_t t = 0; t < n_threads; ++t) {
    const std::vector<int32_t>& to_merged = merged.to_merged[t];
    luts[t].resize(to_merged.size() + 1);
    luts[t][0] = static_cast<int32_t>(k);
    for (size_t j = 0; j < to_merged.size(); ++j) {
      luts[t][j + 1] = rank[static_cast<size_t>(to_merged[j])];
    }
  }
  bool identity = !out.has_missing;  // first-seen order is key order (sorted input)
  for (size_t t = 0; t < n_threads && identity; ++t) {
    for (size_t j = 0; j + 1 < luts[t].size() && identity; ++j) {
      identity = luts[t][j + 1] == static_cast<int32_t>(j);
    }
  }
  if (identity) return out;
  NPSCORE_RETURN_IF_ERROR(internal::RunChunks(
      static_cast<size_t>(rows), n_threads, [&](size_t t, size_t first, size_t last) {
        const int32_t* lut = luts[t].data() + 1;
        for (size_t i = first; i < last; ++i) codes[i] = lut[codes[i]];
        return absl::OkStatus();
      }));
  return out;
}

template <typename T, typename O>
absl::StatusOr<StringKeyedGroupTable> SummarizeByUtf8Key(absl::Span<const T> scores,
                                                         absl::Span<const Utf8Chunk<O>> chunks,
                                                         absl::Span<const double> weights,
                                                         const GroupOptions& options) {
  // The options are checked as SummarizeByGroup checks them (on no rows).
  NPSCORE_RETURN_IF_ERROR((SummarizeByGroup<T, int32_t>({}, {}, 0, {}, options).status()));
  int64_t rows = 0;
  NPSCORE_RETURN_IF_ERROR(CheckChunks(chunks, &rows));
  NPSCORE_RETURN_IF_ERROR(
      internal::CheckLength("key column", static_cast<size_t>(rows), scores.size()));
  StringKeyedGroupTable out;
  if (!weights.empty()) {
    // Weighted sums stay on one thread, in row order (SummarizeByGroup's
    // rule): the codes, then the core's by-group pass over them.
    NPSCORE_ASSIGN_OR_RETURN(StringKeyCodes coded, FactorizeUtf8Keys(chunks, options.threads));
    NPSCORE_ASSIGN_OR_RETURN(
        out.table, SummarizeByGroup(scores, absl::MakeConstSpan(coded.codes),
                                    static_cast<int64_t>(coded.key_rows.size()), weights,
                                    options));
    out.key_rows = std::move(coded.key_rows);
    out.has_missing = coded.has_missing;
    return out;
  }
  const std::vector<int64_t> starts = ChunkStarts(chunks);
  const size_t n_threads = internal::ThreadCount(options.threads, static_cast<size_t>(rows),
                                                 internal::kRowsPerThread);
  std::vector<Part> parts(n_threads);
  NPSCORE_RETURN_IF_ERROR(internal::RunChunks(
      static_cast<size_t>(rows), n_threads, [&](size_t t, size_t first, size_t last) {
        return CountRows(scores, chunks, starts, first, last, options.scores, parts[t]);
      }));
  NPSCORE_ASSIGN_OR_RETURN(MergedKeys merged, MergeKeys(parts));
  // Counts are integers: the threads' add up exactly, in any order.
  KeyTable::Counts missing = {0, 0, 0, 0};
  for (size_t t = 0; t < n_threads; ++t) {
    for (int s = 0; s < 4; ++s) missing[s] += parts[t].missing[s];
    for (size_t j = 0; j < merged.to_merged[t].size(); ++j) {
      KeyTable::Counts& to = merged.table.counts(static_cast<size_t>(merged.to_merged[t][j]));
      const KeyTable::Counts& from = parts[t].table.counts(j);
      for (int s = 0; s < 4; ++s) to[s] += from[s];
    }
  }
  std::vector<const KeyTable::Counts*> groups;
  groups.reserve(merged.order.size() + 1);
  for (const int32_t code : merged.order) groups.push_back(&merged.table.counts(static_cast<size_t>(code)));
  if (merged.first_missing >= 0) groups.push_back(&missing);
  out.table = CountsTable(groups, options);
  out.key_rows = KeyRows(merged);
  out.has_missing = merged.first_missing >= 0;
  return out;
}

template absl::StatusOr<StringKeyCodes> FactorizeUtf8Keys<int32_t>(
    absl::Span<const Utf8Chunk<int32_t>>, int);
template absl::StatusOr<StringKeyCodes> FactorizeUtf8Keys<int64_t>(
    absl::Span<const Utf8Chunk<int64_t>>, int);

#define NPSCORE_INSTANTIATE_UTF8_(T)                                                  \
  template absl::StatusOr<StringKeyedGroupTable> SummarizeByUtf8Key<T, int32_t>(     \
      absl::Span<const T>, absl::Span<const Utf8Chunk<int32_t>>,                     \
      absl::Span<const double>, const GroupOptions&);                                \
  template absl::StatusOr<StringKeyedGroupTable> SummarizeByUtf8Key<T, int64_t>(     \
      absl::Span<const T>, absl::Span<const Utf8Chunk<int64_t>>,                     \
      absl::Span<const double>, const GroupOptions&);
NPSCORE_INSTANTIATE_UTF8_(double)
NPSCORE_INSTANTIATE_UTF8_(float)
NPSCORE_INSTANTIATE_UTF8_(int8_t)
NPSCORE_INSTANTIATE_UTF8_(uint8_t)
NPSCORE_INSTANTIATE_UTF8_(int16_t)
NPSCORE_INSTANTIATE_UTF8_(uint16_t)
NPSCORE_INSTANTIATE_UTF8_(int32_t)
NPSCORE_INSTANTIATE_UTF8_(uint32_t)
NPSCORE_INSTANTIATE_UTF8_(int64_t)
NPSCORE_INSTANTIATE_UTF8_(uint64_t)
#undef NPSCORE_INSTANTIATE_UTF8_

}  // namespace npscore
