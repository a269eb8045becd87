// Writes the seed corpora of the churn_model, themes, scores and options
// harnesses into <dir>/<harness>/ (the committed ones are in
// tests/fuzz/corpus/): real saved models (a fit and a prior), taxonomies and
// comments, score columns of every element type, and every accepted option
// name. Deterministic; rerun after a change of an input layout:
//   cmake --build build/fuzz --target npscore_fuzz_seeds
//   build/fuzz/tests/fuzz/npscore_fuzz_seeds tests/fuzz/corpus

#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/string_view.h"
#include "npscore/churn.h"

namespace {

std::string root;

bool Write(const std::string& harness, const std::string& name, absl::string_view bytes) {
  const std::string dir = root + "/" + harness;
  ::mkdir(root.c_str(), 0777);
  ::mkdir(dir.c_str(), 0777);
  FILE* f = std::fopen((dir + "/" + name).c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

std::string Byte(int b) { return std::string(1, static_cast<char>(b)); }

template <typename T>
std::string Bytes(const T& v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}

// --- churn_model: byte 0 the mode, then a file, a payload or names ---------

std::string Prefixed(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += Byte(static_cast<int>(n.size())) + n;
  return out;
}

bool ChurnSeeds() {
  // A fit on a small data set with churn_features' names: standardised,
  // class-weighted, with a constant column (a warning in the file).
  const std::vector<std::string> names = {"score", "segment=detractor", "has_response",
                                          "days_detractor_waiting", "plan=pro"};
  const size_t rows = 16, p = names.size();
  std::vector<double> x(rows * p), y(rows);
  for (size_t i = 0; i < rows; ++i) {
    const double score = static_cast<double>((i * 5) % 11);
    x[i * p + 0] = score;
    x[i * p + 1] = score <= 6 ? 1 : 0;
    x[i * p + 2] = 1;  // constant
    x[i * p + 3] = score <= 6 ? static_cast<double>(i % 4) : 0;
    x[i * p + 4] = static_cast<double>(i % 3 == 0);
    y[i] = (score <= 6) != (i % 5 == 0) ? 1 : 0;
  }
  npscore::ChurnFitOptions options;
  options.standardize = true;
  options.class_weight = {1.0, 2.0};
  auto fitted = npscore::FitChurnModel(npscore::MatrixView{x, rows, p, true}, y, {}, options,
                                       names);
  auto prior = npscore::PriorChurnModel(90);
  if (!fitted.ok() || !prior.ok()) return false;
  // The fit again, carrying the design of its columns (a categorical plan).
  npscore::ChurnDesignSpec spec;
  spec.themes = {"pricing"};
  spec.user = {{"plan", true, {"basic", "pro"}, true}, {"seats", false, {}, false}};
  auto full = npscore::MakeChurnDesign(spec);
  if (!full.ok()) return false;
  auto own = npscore::SelectChurnDesignColumns(*full, names);
  npscore::ChurnModel designed = *fitted;
  if (!own.ok() || !npscore::AttachChurnDesign(*own, &designed).ok()) return false;
  const std::string design_file = npscore::SerializeChurnModel(designed);
  const std::string fit_file = npscore::SerializeChurnModel(*fitted);
  const std::string prior_file = npscore::SerializeChurnModel(*prior);
  constexpr size_t kHeader = 8 + 4 + 8;
  const std::string payload = fit_file.substr(kHeader, fit_file.size() - kHeader - 8);
  double horizon = 180;
  return Write("churn_model", "file_fit_standardized", Byte(0) + fit_file) &&
         Write("churn_model", "file_prior_90d", Byte(0) + prior_file) &&
         Write("churn_model", "file_truncated", Byte(0) + fit_file.substr(0, 40)) &&
         Write("churn_model", "payload_fit", Byte(1) + payload) &&
         Write("churn_model", "payload_prior",
               Byte(4) + prior_file.substr(kHeader, prior_file.size() - kHeader - 8)) &&
         Write("churn_model", "file_fit_design", Byte(0) + design_file) &&
         Write("churn_model", "payload_fit_design",
               Byte(4) + design_file.substr(kHeader, design_file.size() - kHeader - 8)) &&
         Write("churn_model", "fit_names",
               Byte(2) + Prefixed({"score", "segment=passive", "n_responses",
                                   "r\xc3\xa9gion=\xc3\xa9"})) &&
         Write("churn_model", "fit_duplicate_names", Byte(2) + Prefixed({"a", "b", "a"})) &&
         Write("churn_model", "prior_names",
               Byte(3) + Bytes(horizon) +
                   Prefixed({"seg=D", "seg=P", "answered", "early"})) &&
         Write("churn_model", "prior_same_names",
               Byte(3) + Bytes(horizon) + Prefixed({"x", "x", "y", "z"}));
}

// --- themes: byte 0 flags, fields separated by 0xFF ------------------------

bool ThemeSeeds() {
  const std::string sep = "\xff", theme = "\x1e", part = "\x1f";
  const std::string comments =
      "Love the UI, but the app is buggy and sloooow" + sep +
      "Prices went up; billing charged me twice!" + sep +
      "\xc3\x87" "a co\xc3\xbb" "te trop cher \xe2\x80\x94 \xc3\x9c" "bersetzung fehlt" + sep +
      "" + sep + "support never answered \xf0\x9f\x98\xa1" + sep + "sign-up and onboarding" + sep +
      "broken \xc3\x28 byte" + sep + "e\xcc\x81l\xc3\xa9gant reporting dashboards";
  const std::string taxonomy = "bugs" + part + "bug" + part + "crash*" + part + "does not work" +
                               theme + "pricing" + part + "price" + part + "expensive" + theme +
                               "billing" + part + "invoice" + part + "charged twice" + theme +
                               "caf\xc3\xa9" + part + "\xc3\xa9l\xc3\xa9gant" + part +
                               "co\xc3\xbbt";
  return Write("themes", "default_comments", Byte(2) + sep + comments) &&
         Write("themes", "default_replace", Byte(3) + sep + comments) &&
         Write("themes", "taxonomy_comments", Byte(0) + taxonomy + sep + comments) &&
         Write("themes", "taxonomy_replace", Byte(1) + taxonomy + sep + comments) &&
         Write("themes", "taxonomy_duplicate_name",
               Byte(0) + "a" + part + "x" + theme + "a" + part + "y" + sep + "x y") &&
         Write("themes", "taxonomy_keyword_without_word",
               Byte(0) + "a" + part + "--" + sep + "x") &&
         Write("themes", "taxonomy_invalid_keyword", Byte(0) + "a" + part + "\xc0\xaf" + sep + "x");
}

// --- scores: byte 0 type, byte 1 flags, cut-offs, rows, groups, column -----

template <typename T>
std::string Column(const std::vector<double>& values) {
  std::string out;
  for (double v : values) {
    const T x = static_cast<T>(v);
    out += Bytes(x);
  }
  return out;
}

std::string ScoreHeader(int type, int flags, int16_t d = 6, int16_t p = 8, int16_t s = 10,
                        int bad_row = 0, int groups = 3) {
  return Byte(type) + Byte(flags) + Bytes(d) + Bytes(p) + Bytes(s) + Byte(bad_row) + Byte(groups);
}

template <typename T>
bool TypeSeeds(int type, const char* name) {
  const std::vector<double> valid = {0, 6, 7, 8, 9, 10, 3, 10, 9, 5};
  std::vector<double> bad = valid;
  bad[4] = std::is_signed_v<T> ? -1 : 11;
  const std::string n = name;
  return Write("scores", n + "_valid_weighted", ScoreHeader(type, 4) + Column<T>(valid)) &&
         Write("scores", n + "_bad_row_4", ScoreHeader(type, 0) + Column<T>(bad));
}

bool ScoreSeeds() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::string narrow_mix = std::string("\x00\x06\x07\x08\x09\x0a\xff\xfe\xfd\x0a", 10);
  return TypeSeeds<double>(0, "f64") && TypeSeeds<float>(1, "f32") &&
         TypeSeeds<int8_t>(2, "i8") && TypeSeeds<int16_t>(3, "i16") &&
         TypeSeeds<int32_t>(4, "i32") && TypeSeeds<int64_t>(5, "i64") &&
         TypeSeeds<uint8_t>(6, "u8") && TypeSeeds<uint16_t>(7, "u16") &&
         TypeSeeds<uint32_t>(8, "u32") && TypeSeeds<uint64_t>(9, "u64") &&
         Write("scores", "f64_nan_skip",
               ScoreHeader(0, 1 | 4) + Column<double>({9, nan, 0, 10, 7.5})) &&
         Write("scores", "f64_narrow_skip_repeat", ScoreHeader(0, 1 | 2 | 32) + narrow_mix) &&
         Write("scores", "f32_narrow_bad_weight_nan",
               ScoreHeader(1, 1 | 2 | 4 | (2 << 3), 6, 8, 10, 5) + narrow_mix) &&
         Write("scores", "i16_cutoffs_1_2_4_sparse_keys",
               ScoreHeader(3, 64 | 128, 1, 2, 4, 0, 5) + Column<int16_t>({0, 1, 2, 3, 4, 4, 2})) &&
         Write("scores", "u8_cutoffs_invalid",
               ScoreHeader(6, 64, 8, 6, 10) + Column<uint8_t>({1, 2})) &&
         Write("scores", "i32_repeat_bad_weight_inf",
               ScoreHeader(4, 32 | 4 | (3 << 3), 6, 8, 10, 200) + Column<int32_t>({10, 9, 1, 7}));
}

// --- options: byte 0 the parser, then the name -----------------------------

bool OptionSeeds() {
  const char* const names[6][6] = {
      {"D", "week", "MS", "QE", "W-MON", "quarter"},
      {"holm", "BH", "fdr_bh", "benjamini-hochberg", "none", nullptr},
      {"alert", "Review", nullptr},
      {"pooled", "average", "LATEST", nullptr},
      {"wald", "adjusted-wald", "score", "Wald", nullptr},
      {"auto", "asymptotic", "exact", "mid-p", "midp", nullptr}};
  for (int k = 0; k < 6; ++k) {
    for (int j = 0; j < 6 && names[k][j] != nullptr; ++j) {
      if (!Write("options", std::to_string(k) + "_" + names[k][j], Byte(k) + names[k][j])) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus directory>\n", argv[0]);
    return 2;
  }
  root = argv[1];
  if (!ChurnSeeds() || !ThemeSeeds() || !ScoreSeeds() || !OptionSeeds()) {
    std::fprintf(stderr, "npscore_fuzz_seeds: could not write the seeds under %s\n", argv[1]);
    return 1;
  }
  return 0;
}
