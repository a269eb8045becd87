// Regression tests of what the libFuzzer harnesses (tests/fuzz) found: each
// input is in the harness's seed corpus too.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "npscore/churn.h"

namespace npscore {
namespace {

// churn_model: a finite model whose contribution coef * (x - reference)
// overflows to +inf while the log-odds stay finite. The reasons kernel tagged
// the +inf with its column bits, which made it a NaN: the largest reason was
// dropped and an empty slot came first ("-1, then reasons").
TEST(FuzzRegression, InfiniteContributionRanksFirst) {
  ChurnModel m;
  m.feature_names = {"a", "b", "c"};
  m.coef = {1e300, 1.0, 0.5};
  m.reference = {-1e10, 0.0, 0.0};  // x - reference = 1e10 for x = 0: 1e310 overflows
  m.intercept = 0.25;
  const std::vector<double> x = {0.0, 2.0, 1.0};  // log-odds 0.25 + 2 + 0.5, finite
  constexpr int kTop = 4;
  std::vector<double> p(1), c(kTop);
  std::vector<int32_t> f(kTop);
  ASSERT_TRUE(ExplainChurn(m, MatrixView{x, 1, 3, true}, kTop, absl::MakeSpan(p),
                           absl::MakeSpan(f), absl::MakeSpan(c))
                  .ok());
  EXPECT_DOUBLE_EQ(p[0], 1.0 / (1.0 + std::exp(-2.75)));
  EXPECT_EQ(f, (std::vector<int32_t>{0, 1, 2, -1}));
  EXPECT_EQ(c[0], std::numeric_limits<double>::infinity());
  EXPECT_EQ(c[1], 2.0);
  EXPECT_EQ(c[2], 0.5);
  EXPECT_EQ(c[3], 0.0);
}

// Found by reading the code the harness covers: a hand-built model with fewer
// feature names than coefficients, given X with the wrong column count, made
// the error message read past the names (ASan in CI would report it).
TEST(FuzzRegression, ColumnCountErrorWithFewerNamesThanCoefficients) {
  ChurnModel m;
  m.feature_names = {"a"};
  m.coef = {1.0, 2.0, 3.0};
  m.reference = {0.0, 0.0, 0.0};
  const std::vector<double> x = {1.0, 2.0};
  std::vector<double> out(1);
  const absl::Status st = PredictChurn(m, MatrixView{x, 1, 2, true}, absl::MakeSpan(out));
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("X has 2 columns but the model has 3 features (a)"),
            std::string::npos)
      << st;
}

}  // namespace
}  // namespace npscore
