// Tests of FactorizeUtf8Keys and SummarizeByUtf8Key (npscore/nps.h): string
// keys from Arrow-layout buffers to group codes and to by-group summaries. Expected codes are written out by hand beside each
// case (the distinct keys sorted by their bytes, missing last), or checked
// against an independent std::map numbering of the same keys.

#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "npscore/nps.h"

namespace npscore {
namespace {

using Codes = std::vector<int32_t>;
using Rows = std::vector<int64_t>;

// Checks that `message` contains `part`.
::testing::AssertionResult Says(const std::string& message, const std::string& part) {
  if (message.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << message << "\" lacks \"" << part << "\"";
}

// An Arrow string column built from std::string values (nullopt-free: a
// missing row is marked in `missing`), with int32 or int64 offsets.
template <typename O>
struct Column {
  std::vector<O> offsets{0};
  std::string data;
  std::vector<uint8_t> validity;
  int64_t rows = 0;

  void Add(const std::string& s, bool valid = true) {
    if (validity.size() * 8 <= static_cast<size_t>(rows)) validity.push_back(0);
    if (valid) validity[rows / 8] |= static_cast<uint8_t>(1u << (rows % 8));
    if (valid) data += s;
    offsets.push_back(static_cast<O>(data.size()));
    ++rows;
  }
  Utf8Chunk<O> Chunk(bool with_validity = true) const {
    Utf8Chunk<O> c;
    c.offsets = absl::MakeConstSpan(offsets);
    c.data = absl::MakeConstSpan(data.data(), data.size());
    if (with_validity) c.validity = absl::MakeConstSpan(validity);
    c.length = rows;
    return c;
  }
};

template <typename O>
StringKeyCodes Factorize(const std::vector<Utf8Chunk<O>>& chunks, int threads = 0) {
  auto r = FactorizeUtf8Keys<O>(absl::MakeConstSpan(chunks), threads);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : StringKeyCodes{};
}

TEST(FactorizeUtf8KeysTest, HandCheckedCodesWithMissingAndNonAscii) {
  // Byte order: "" < "a" < "b" < "z" < "ä" (C3 A4) < "é" (C3 A9); missing last.
  Column<int32_t> col;
  for (const char* s : {"b", "a", "", "é", "", "b", "z", "ä"}) col.Add(s);
  col.Add("", false);  // row 8: missing
  col.Add("a");
  const StringKeyCodes k = Factorize<int32_t>({col.Chunk()});
  EXPECT_EQ(k.codes, (Codes{2, 1, 0, 5, 0, 2, 3, 4, 6, 1}));
  // Each group's first row: "" at 2, "a" at 1, "b" at 0, "z" at 6, "ä" at 7,
  // "é" at 3, missing at 8.
  EXPECT_EQ(k.key_rows, (Rows{2, 1, 0, 6, 7, 3, 8}));
  EXPECT_TRUE(k.has_missing);
}

TEST(FactorizeUtf8KeysTest, EmptyStringIsAKeyNotMissing) {
  Column<int64_t> col;
  col.Add("");
  col.Add("x");
  col.Add("");
  const StringKeyCodes k = Factorize<int64_t>({col.Chunk(false)});
  EXPECT_EQ(k.codes, (Codes{0, 1, 0}));
  EXPECT_EQ(k.key_rows, (Rows{0, 1}));
  EXPECT_FALSE(k.has_missing);
}

TEST(FactorizeUtf8KeysTest, PrefixesAndKeysOfEveryLengthAreDistinct) {
  // Lengths 0..40 cross every branch of the short-key words (0-3, 4-7, 8-16
  // bytes, longer); "aaa..." of each length sorts by length.
  Column<int32_t> col;
  for (int n = 40; n >= 0; --n) col.Add(std::string(static_cast<size_t>(n), 'a'));
  for (int n = 0; n <= 40; ++n) col.Add(std::string(static_cast<size_t>(n), 'a'));
  const StringKeyCodes k = Factorize<int32_t>({col.Chunk()});
  ASSERT_EQ(k.codes.size(), 82u);
  for (int i = 0; i <= 40; ++i) {
    EXPECT_EQ(k.codes[static_cast<size_t>(i)], 40 - i);
    EXPECT_EQ(k.codes[static_cast<size_t>(41 + i)], i);
  }
  EXPECT_EQ(k.key_rows.size(), 41u);
  // Keys differing only in one middle byte, for each length.
  Column<int32_t> mid;
  for (int n = 3; n <= 40; ++n) {
    std::string s(static_cast<size_t>(n), 'm');
    mid.Add(s);
    s[static_cast<size_t>(n / 2)] = 'n';
    mid.Add(s);
  }
  const StringKeyCodes m = Factorize<int32_t>({mid.Chunk()});
  EXPECT_EQ(m.key_rows.size(), 2u * 38u);
}

TEST(FactorizeUtf8KeysTest, ChunksAndOffsetsNumberRowsAcrossChunks) {
  Column<int64_t> a;
  for (const char* s : {"skip", "y", "x"}) a.Add(s);
  Column<int64_t> b;
  b.Add("z", false);
  b.Add("x");
  Column<int64_t> empty;
  Utf8Chunk<int64_t> first = a.Chunk();
  first.offset = 1;  // a slice: rows "y", "x"
  first.length = 2;
  const StringKeyCodes k = Factorize<int64_t>({first, empty.Chunk(), b.Chunk()});
  // Rows: y, x, missing, x -> keys x (row 1), y (row 0), missing (row 2).
  EXPECT_EQ(k.codes, (Codes{1, 0, 2, 0}));
  EXPECT_EQ(k.key_rows, (Rows{1, 0, 2}));
  EXPECT_TRUE(k.has_missing);
}

TEST(FactorizeUtf8KeysTest, ThreadsGiveTheSameCodesAsAStdMap) {
  // 1.2M rows (split over the threads asked for) of 5,000 keys of varied length, some
  // missing; codes checked against a std::map numbering.
  std::mt19937_64 rng(7);
  Column<int32_t> col;
  std::vector<std::string> keys;
  for (int g = 0; g < 5000; ++g) {
    keys.push_back(std::string(static_cast<size_t>(g % 23), 'k') + std::to_string(g * 7919));
  }
  std::vector<int> picks;
  for (int i = 0; i < 1200000; ++i) {
    const int g = static_cast<int>(rng() % 5001);  // 5000: missing
    picks.push_back(g);
    col.Add(g < 5000 ? keys[static_cast<size_t>(g)] : "", g < 5000);
  }
  std::map<std::string, int> rank;
  for (const std::string& s : keys) rank[s] = 0;
  int r = 0;
  for (auto& kv : rank) kv.second = r++;
  for (int threads : {1, 2, 3}) {
    const StringKeyCodes k = Factorize<int32_t>({col.Chunk()}, threads);
    ASSERT_EQ(k.codes.size(), picks.size());
    ASSERT_EQ(k.key_rows.size(), 5001u);
    bool all = true;
    for (size_t i = 0; i < picks.size() && all; ++i) {
      const int want = picks[i] < 5000 ? rank[keys[static_cast<size_t>(picks[i])]] : 5000;
      all = k.codes[i] == want;
    }
    EXPECT_TRUE(all) << threads << " threads";
    // Each group's first row holds its key, and no earlier row does.
    for (size_t g = 0; g < 5000; g += 499) {
      const int64_t row = k.key_rows[g];
      EXPECT_EQ(k.codes[static_cast<size_t>(row)], static_cast<int32_t>(g));
      for (int64_t i = 0; i < row; ++i) ASSERT_NE(k.codes[static_cast<size_t>(i)], g);
    }
  }
}

TEST(FactorizeUtf8KeysTest, SortedInputAndEmptyInput) {
  Column<int32_t> col;
  for (const char* s : {"a", "a", "b", "c", "c"}) col.Add(s);
  const StringKeyCodes k = Factorize<int32_t>({col.Chunk(false)});
  EXPECT_EQ(k.codes, (Codes{0, 0, 1, 2, 2}));
  EXPECT_EQ(k.key_rows, (Rows{0, 2, 3}));
  const StringKeyCodes none = Factorize<int32_t>({});
  EXPECT_TRUE(none.codes.empty());
  EXPECT_TRUE(none.key_rows.empty());
}

TEST(FactorizeUtf8KeysTest, BadBuffersNameTheRow) {
  const std::string data = "abcdef";
  auto run = [&](std::vector<int32_t> offsets, int64_t length, int64_t offset = 0,
                 std::vector<uint8_t> validity = {}) {
    Utf8Chunk<int32_t> c;
    c.offsets = absl::MakeConstSpan(offsets);
    c.data = absl::MakeConstSpan(data.data(), data.size());
    c.validity = absl::MakeConstSpan(validity);
    c.length = length;
    c.offset = offset;
    auto r = FactorizeUtf8Keys<int32_t>(absl::MakeConstSpan(&c, 1), 1);
    EXPECT_FALSE(r.ok());
    return std::string(r.status().message());
  };
  EXPECT_TRUE(Says(run({0, 2, 1, 3}, 3), "row 1: the offsets decrease, from 2 to 1"));
  EXPECT_TRUE(Says(run({0, 2, 9}, 2), "row 1: its bytes [2, 9) run past the data (6 bytes)"));
  EXPECT_TRUE(Says(run({-1, 2}, 1), "row 0: its start offset -1 lies outside the data"));
  EXPECT_TRUE(Says(run({0, 1}, 2), "the column has 2 offsets"));
  EXPECT_TRUE(Says(run({0, 1, 2}, 2, 1), "its offset 1 and length 2 need 4"));
  EXPECT_TRUE(Says(run({0, 1}, -1), "length -1"));
  EXPECT_TRUE(Says(run({0, 1}, 1, -2), "offset -2"));
  std::vector<int32_t> many(11, 0);
  EXPECT_TRUE(Says(run(many, 10, 0, {0xff}), "validity bitmap of 1 bytes"));
  Utf8Chunk<int32_t> ok;
  auto r = FactorizeUtf8Keys<int32_t>(absl::MakeConstSpan(&ok, 1), -1);
  EXPECT_TRUE(Says(std::string(r.status().message()), "threads is -1"));
  // A bad row in a later chunk is named across chunks.
  const std::vector<int32_t> good = {0, 1}, bad = {0, 1, 0};
  Utf8Chunk<int32_t> c0, c1;
  c0.offsets = absl::MakeConstSpan(good);
  c0.data = absl::MakeConstSpan(data.data(), data.size());
  c0.length = 1;
  c1 = c0;
  c1.offsets = absl::MakeConstSpan(bad);
  c1.length = 2;
  const std::vector<Utf8Chunk<int32_t>> two = {c0, c1};
  auto r2 = FactorizeUtf8Keys<int32_t>(absl::MakeConstSpan(two));
  EXPECT_TRUE(Says(std::string(r2.status().message()),
                   "row 2 (chunk 1, row 1): the offsets decrease"));
}

// The same table, NaN equal to NaN, every column bit for bit.
void ExpectSameTable(const GroupTable& got, const GroupTable& want) {
  ASSERT_EQ(got.size(), want.size());
  auto same = [](const std::vector<double>& a, const std::vector<double>& b) {
    for (size_t i = 0; i < a.size(); ++i) {
      if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
    }
    return a.size() == b.size();
  };
  EXPECT_TRUE(same(got.n, want.n));
  EXPECT_TRUE(same(got.detractors, want.detractors));
  EXPECT_TRUE(same(got.passives, want.passives));
  EXPECT_TRUE(same(got.promoters, want.promoters));
  EXPECT_TRUE(same(got.n_effective, want.n_effective));
  EXPECT_TRUE(same(got.nps, want.nps));
  EXPECT_TRUE(same(got.se, want.se));
  EXPECT_TRUE(same(got.ci_low, want.ci_low));
  EXPECT_TRUE(same(got.ci_high, want.ci_high));
  EXPECT_EQ(got.rows, want.rows);
  EXPECT_EQ(got.skipped, want.skipped);
  EXPECT_EQ(got.small, want.small);
  EXPECT_EQ(got.weighted, want.weighted);
}

TEST(SummarizeByUtf8KeyTest, HandCountedGroups) {
  // Keys b, a, missing, a, b, b with scores 10, 0, 9, NaN (skipped), 7, 8:
  // a = {0} + one skipped, b = {10, 7, 8}, missing = {9}.
  Column<int64_t> col;
  col.Add("b");
  col.Add("a");
  col.Add("", false);
  col.Add("a");
  col.Add("b");
  col.Add("b");
  const std::vector<double> scores = {10, 0, 9, std::nan(""), 7, 8};
  GroupOptions opt;
  opt.scores.missing = Missing::kSkip;
  opt.min_n = 2;
  const std::vector<Utf8Chunk<int64_t>> chunks = {col.Chunk()};
  auto r = SummarizeByUtf8Key<double, int64_t>(scores, chunks, {}, opt);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->key_rows, (Rows{1, 0, 2}));
  EXPECT_TRUE(r->has_missing);
  const GroupTable& t = r->table;
  EXPECT_EQ(t.detractors, (std::vector<double>{1, 0, 0}));
  EXPECT_EQ(t.passives, (std::vector<double>{0, 2, 0}));
  EXPECT_EQ(t.promoters, (std::vector<double>{0, 1, 1}));
  EXPECT_EQ(t.skipped, (std::vector<int64_t>{1, 0, 0}));
  EXPECT_EQ(t.rows, (std::vector<int64_t>{1, 3, 1}));
  EXPECT_EQ(t.small, (std::vector<uint8_t>{1, 0, 1}));
  EXPECT_DOUBLE_EQ(t.nps[0], -100.0);
  EXPECT_NEAR(t.nps[1], 100.0 / 3, 1e-12);
}

// Random keys (short, long, empty, missing) in sliced chunks, with missing
// scores: the one-pass table equals SummarizeByGroup over the codes, on 1 to
// 3 threads, weighted or not.
TEST(SummarizeByUtf8KeyTest, EqualsSummarizeByGroupOverTheCodes) {
  std::mt19937_64 rng(11);
  std::vector<std::string> keys = {"", "a", "store-00017", "a longer key of more than 16 bytes"};
  for (int i = 0; i < 300; ++i) keys.push_back("k" + std::to_string(rng() % 100000));
  const size_t rows_per_chunk[] = {7000, 0, 5000, 9000};
  std::vector<Column<int32_t>> cols(4);
  std::vector<double> scores, weights;
  for (size_t c = 0; c < 4; ++c) {
    cols[c].Add("pad");  // a first row the chunk's offset skips
    for (size_t i = 0; i < rows_per_chunk[c]; ++i) {
      cols[c].Add(keys[rng() % keys.size()], rng() % 50 != 0);
      scores.push_back(rng() % 40 == 0 ? std::nan("") : static_cast<double>(rng() % 11));
      weights.push_back(static_cast<double>(rng() % 1000) / 7);
    }
  }
  std::vector<Utf8Chunk<int32_t>> chunks;
  for (const auto& col : cols) {
    Utf8Chunk<int32_t> k = col.Chunk();
    k.offset = 1;
    k.length = col.rows - 1;
    chunks.push_back(k);
  }
  const StringKeyCodes coded = Factorize<int32_t>(chunks, 1);
  for (const bool weighted : {false, true}) {
    const absl::Span<const double> w = weighted ? absl::MakeConstSpan(weights)
                                                : absl::Span<const double>();
    GroupOptions opt;
    opt.scores.missing = Missing::kSkip;
    opt.threads = 1;
    auto want = SummarizeByGroup<double, int32_t>(
        scores, coded.codes, static_cast<int64_t>(coded.key_rows.size()), w, opt);
    ASSERT_TRUE(want.ok()) << want.status();
    for (const int threads : {1, 2, 3}) {
      opt.threads = threads;
      auto got = SummarizeByUtf8Key<double, int32_t>(scores, chunks, w, opt);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(got->key_rows, coded.key_rows) << threads << " threads";
      EXPECT_EQ(got->has_missing, coded.has_missing);
      ExpectSameTable(got->table, *want);
    }
  }
}

TEST(SummarizeByUtf8KeyTest, ErrorsNameTheRow) {
  Column<int32_t> col;
  for (const char* s : {"a", "b", "c", "d"}) col.Add(s);
  const std::vector<Utf8Chunk<int32_t>> chunks = {col.Chunk(false)};
  auto run = [&](std::vector<double> scores, const GroupOptions& opt = {}) {
    auto r = SummarizeByUtf8Key<double, int32_t>(scores, chunks, {}, opt);
    EXPECT_FALSE(r.ok());
    return std::string(r.status().message());
  };
  EXPECT_TRUE(Says(run({1, 2, 11, 3}), "score at row 2 is 11: outside the scale 0..10"));
  EXPECT_TRUE(Says(run({1, std::nan(""), 2, 3}), "score at row 1 is missing"));
  EXPECT_TRUE(Says(run({1, 2, 3}), "key column has 4 rows but scores has 3 rows"));
  GroupOptions opt;
  opt.min_n = -1;
  EXPECT_TRUE(Says(run({1, 2, 3, 4}, opt), "min_n is -1"));
  // A bad buffer is the kernel's error, as when factorizing.
  std::vector<int32_t> bad = {0, 2, 1, 3, 4};
  Utf8Chunk<int32_t> k = chunks[0];
  k.offsets = absl::MakeConstSpan(bad);
  const std::vector<double> scores = {1, 2, 3, 4};
  auto r = SummarizeByUtf8Key<double, int32_t>(scores, absl::MakeConstSpan(&k, 1), {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Says(std::string(r.status().message()), "row 1: the offsets decrease, from 2 to 1"));
  // No rows: an empty table.
  auto none = SummarizeByUtf8Key<double, int32_t>({}, {}, {}, {});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->table.size(), 0u);
  EXPECT_FALSE(none->has_missing);
}

}  // namespace
}  // namespace npscore
