// Tests of the churn design matrix: the columns a spec makes, every value of
// a hand example (fill rules, themes of the latest response, user columns),
// the design saved in the model file (and files without one still read), the
// prior's design, attaching and checking names, and the errors.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "npscore/churn.h"

namespace npscore {
namespace {

constexpr int64_t D = kNanosPerDay;

// Customers 10 (signed up day 0; answers 9, 7, 4 at days 5, 50, 190, the
// last followed up on day 195), 20 (signed up day 100; answers 3 at day 150),
// 30 (sign-up unknown; answers 10 at day 60), 40 (signs up day 500, after
// as_of: not in the matrix), 50 (signed up day 20, never answers).
struct Example {
  std::vector<int64_t> customers = {10, 20, 10, 10, 30};
  std::vector<int64_t> times = {5 * D, 150 * D, 50 * D, 190 * D, 60 * D};
  std::vector<int32_t> scores = {9, 3, 7, 4, 10};
  std::vector<int64_t> followed = {kMissingTime, kMissingTime, kMissingTime, 195 * D,
                                   kMissingTime};
  std::vector<int64_t> ids = {10, 20, 30, 40, 50};
  std::vector<int64_t> signup = {0, 100 * D, kMissingTime, 500 * D, 20 * D};
  // Themes of each response row: "pricing" on rows 1 and 3, "bug" on row 0.
  std::vector<double> flags = {0, 1, 0, 1, 0,   // pricing
                               1, 0, 0, 0, 0};  // bug
  // User columns per customer: seats (numeric), plan (levels basic, pro,
  // team; -1 missing).
  std::vector<double> seats = {5, 12, 1, NAN, 3};  // customer 40 is left out: NaN allowed
  std::vector<int32_t> plan = {1, 0, -1, 2, 2};

  ChurnFeatures Features() const {
    auto f = ComputeChurnFeatures<int32_t>(customers, times, scores, followed, ids, signup,
                                           200 * D);
    EXPECT_TRUE(f.ok()) << f.status();
    return *f;
  }
  ChurnDesignSpec Spec() const {
    ChurnDesignSpec s;
    s.signup = true;
    s.followed_up = true;
    s.themes = {"pricing", "bug"};
    s.user = {{"seats", false, {}, false}, {"plan", true, {"basic", "pro", "team"}, true}};
    return s;
  }
  ChurnDesignData Data() const {
    ChurnDesignData d;
    d.theme_flags = flags;
    d.n_response_rows = customers.size();
    d.numeric = {seats, {}};
    d.codes = {{}, plan};
    return d;
  }
};

std::vector<std::string> Names(std::initializer_list<const char*> names) {
  return std::vector<std::string>(names.begin(), names.end());
}

TEST(ChurnDesignTest, ColumnsFollowTheInputs) {
  auto bare = MakeChurnDesign({});
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(bare->names(),
            Names({"has_response", "n_responses", "score", "segment=detractor", "segment=passive",
                   "score_change", "segment_change", "mean_score", "min_score", "detractor_share",
                   "days_since_response", "days_detractor_waiting"}));
  auto full = MakeChurnDesign(Example().Spec());
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->names(),
            Names({"has_response", "n_responses", "score", "segment=detractor", "segment=passive",
                   "score_change", "segment_change", "mean_score", "min_score", "detractor_share",
                   "days_since_response", "tenure_days", "customer_age_days",
                   "early_life_detractor", "days_detractor_waiting", "detractor_followed_up",
                   "days_to_follow_up", "theme=pricing", "theme=bug", "seats", "plan=pro",
                   "plan=team", "plan=<missing>"}));
  // The names are the constants of the header, in enum order.
  for (int k = 0; k < kChurnFeatureColumnCount; ++k) {
    EXPECT_EQ(full->columns[k].name, kChurnFeatureColumnNames[k]);
    EXPECT_EQ(full->columns[k].index, k);
  }
}

// Column j of a column-major matrix.
std::vector<double> Column(const ChurnMatrix& m, const ChurnDesign& d, const std::string& name) {
  const std::vector<std::string> names = d.names();
  const size_t j = std::find(names.begin(), names.end(), name) - names.begin();
  EXPECT_LT(j, names.size()) << name;
  return std::vector<double>(m.values.begin() + j * m.rows, m.values.begin() + (j + 1) * m.rows);
}

TEST(ChurnDesignTest, HandExampleFilled) {
  const Example e;
  auto d = MakeChurnDesign(e.Spec());
  ASSERT_TRUE(d.ok());
  auto m = BuildChurnMatrix(*d, e.Features(), e.Data());
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->rows, 4u);  // customer 40 signs up after as_of
  EXPECT_EQ(m->cols, d->size());
  EXPECT_EQ(m->customer_rows, (std::vector<int64_t>{0, 1, 2, 4}));
  using V = std::vector<double>;
  EXPECT_EQ(Column(*m, *d, "has_response"), (V{1, 1, 1, 0}));
  EXPECT_EQ(Column(*m, *d, "n_responses"), (V{3, 1, 1, 0}));
  // No answer: the middle of the passive band, (6 + 1 + 8) / 2.
  EXPECT_EQ(Column(*m, *d, "score"), (V{4, 3, 10, 7.5}));
  EXPECT_EQ(Column(*m, *d, "segment=detractor"), (V{1, 1, 0, 0}));
  EXPECT_EQ(Column(*m, *d, "segment=passive"), (V{0, 0, 0, 0}));
  EXPECT_EQ(Column(*m, *d, "score_change"), (V{-3, 0, 0, 0}));
  EXPECT_EQ(Column(*m, *d, "segment_change"), (V{-1, 0, 0, 0}));
  EXPECT_EQ(Column(*m, *d, "mean_score"), (V{20.0 / 3, 3, 10, 7.5}));
  EXPECT_EQ(Column(*m, *d, "min_score"), (V{4, 3, 10, 7.5}));
  EXPECT_EQ(Column(*m, *d, "detractor_share"), (V{1.0 / 3, 1, 0, 0}));
  // Customer 50 has not answered: its age (180 days); customer 30's age is
  // unknown (0) but it answered 140 days ago.
  EXPECT_EQ(Column(*m, *d, "days_since_response"), (V{10, 50, 140, 180}));
  EXPECT_EQ(Column(*m, *d, "tenure_days"), (V{190, 50, 0, 180}));
  EXPECT_EQ(Column(*m, *d, "customer_age_days"), (V{200, 100, 0, 180}));
  EXPECT_EQ(Column(*m, *d, "early_life_detractor"), (V{0, 0, 0, 0}));
  EXPECT_EQ(Column(*m, *d, "days_detractor_waiting"), (V{0, 50, 0, 0}));
  EXPECT_EQ(Column(*m, *d, "detractor_followed_up"), (V{1, 0, 0, 0}));
  EXPECT_EQ(Column(*m, *d, "days_to_follow_up"), (V{5, 0, 0, 0}));
  // Latest rows: 3 (customer 10), 1 (20), 4 (30), none (50).
  EXPECT_EQ(Column(*m, *d, "theme=pricing"), (V{1, 1, 0, 0}));
  EXPECT_EQ(Column(*m, *d, "theme=bug"), (V{0, 0, 0, 0}));
  EXPECT_EQ(Column(*m, *d, "seats"), (V{5, 12, 1, 3}));
  EXPECT_EQ(Column(*m, *d, "plan=pro"), (V{1, 0, 0, 0}));
  EXPECT_EQ(Column(*m, *d, "plan=team"), (V{0, 0, 0, 1}));
  EXPECT_EQ(Column(*m, *d, "plan=<missing>"), (V{0, 0, 1, 0}));
}

TEST(ChurnDesignTest, WithoutFillValuesThatDoNotExistStayNaN) {
  const Example e;
  ChurnDesignSpec spec = e.Spec();
  spec.fill = false;
  auto d = MakeChurnDesign(spec);
  ASSERT_TRUE(d.ok());
  auto m = BuildChurnMatrix(*d, e.Features(), e.Data());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(std::isnan(Column(*m, *d, "score")[3]));
  EXPECT_TRUE(std::isnan(Column(*m, *d, "score_change")[1]));
  EXPECT_TRUE(std::isnan(Column(*m, *d, "detractor_share")[3]));
  EXPECT_TRUE(std::isnan(Column(*m, *d, "customer_age_days")[2]));
  EXPECT_TRUE(std::isnan(Column(*m, *d, "days_to_follow_up")[1]));
  EXPECT_EQ(Column(*m, *d, "score")[0], 4);
}

TEST(ChurnDesignTest, OtherCutoffsMoveTheNeutralScore) {
  const Example e;
  ChurnDesignSpec spec;
  spec.cutoffs = {3, 4, 5};  // a 0-5 scale: passive band 4..4
  auto d = MakeChurnDesign(spec);
  ASSERT_TRUE(d.ok());
  ChurnFeatureOptions o;
  o.scores.cutoffs = spec.cutoffs;
  const std::vector<int32_t> scores = {5, 3, 4, 2, 5};
  auto f = ComputeChurnFeatures<int32_t>(e.customers, e.times, scores, {}, e.ids, {}, 200 * D, o);
  ASSERT_TRUE(f.ok()) << f.status();
  auto m = BuildChurnMatrix(*d, *f);
  ASSERT_TRUE(m.ok()) << m.status();
  // Without sign-up times every customer is in the matrix; 40 and 50 never
  // answered: (3 + 1 + 4) / 2 = 4.
  ASSERT_EQ(m->rows, 5u);
  EXPECT_EQ(Column(*m, *d, "score"), (std::vector<double>{2, 3, 5, 4, 4}));
}

TEST(ChurnDesignTest, DataErrorsNameTheRowAndValue) {
  const Example e;
  auto d = MakeChurnDesign(e.Spec());
  ASSERT_TRUE(d.ok());
  const ChurnFeatures f = e.Features();
  const auto error = [&](const ChurnDesignData& data) {
    auto m = BuildChurnMatrix(*d, f, data);
    return m.ok() ? std::string("ok") : std::string(m.status().message());
  };
  ChurnDesignData data = e.Data();
  std::vector<double> flags = e.flags;
  flags[7] = 2;  // bug, row 2
  data.theme_flags = flags;
  EXPECT_EQ(error(data), "theme 'bug' at row 2 is 2: theme flags must be 0 or 1");
  data = e.Data();
  data.theme_flags = absl::MakeConstSpan(e.flags).subspan(0, 9);
  EXPECT_NE(error(data).find("theme_flags has 9 values"), std::string::npos);
  data = e.Data();
  std::vector<double> seats = e.seats;
  seats[1] = INFINITY;
  data.numeric[0] = seats;
  EXPECT_EQ(error(data), "user column 'seats' at row 1 is inf: numeric columns must be finite");
  data = e.Data();
  std::vector<int32_t> plan = e.plan;
  plan[4] = 3;
  data.codes[1] = plan;
  EXPECT_NE(error(data).find("user column 'plan' at row 4 has code 3"), std::string::npos);
  data = e.Data();
  data.codes.pop_back();
  EXPECT_NE(error(data).find("2 user columns"), std::string::npos);
  data = e.Data();
  data.numeric[0] = absl::MakeConstSpan(e.seats).subspan(0, 2);
  EXPECT_NE(error(data).find("user column 'seats'"), std::string::npos);
}

TEST(ChurnDesignTest, SpecErrors) {
  const auto error = [](const ChurnDesignSpec& s) {
    auto d = MakeChurnDesign(s);
    return d.ok() ? std::string("ok") : std::string(d.status().message());
  };
  ChurnDesignSpec s;
  s.themes = {"bug", "bug"};
  EXPECT_EQ(error(s), "theme 'bug' is given twice (theme 1)");
  s = {};
  s.user = {{"plan", true, {"a", "b", "a"}, false}};
  EXPECT_EQ(error(s), "level 'a' of user column 'plan' is given twice (level 2)");
  s = {};
  s.user = {{"score", false, {}, false}};  // collides with a features column
  EXPECT_EQ(error(s), "design columns 2 and 12 are both named 'score'");
  s = {};
  s.cutoffs = {8, 6, 10};
  EXPECT_NE(error(s), "ok");
}

TEST(ChurnDesignTest, SerializesAndValidates) {
  auto d = MakeChurnDesign(Example().Spec());
  ASSERT_TRUE(d.ok());
  const std::string bytes = SerializeChurnDesign(*d);
  auto back = ParseChurnDesign(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->names(), d->names());
  EXPECT_EQ(SerializeChurnDesign(*back), bytes);
  for (size_t len = 0; len < bytes.size(); ++len) {
    EXPECT_FALSE(ParseChurnDesign(bytes.substr(0, len)).ok()) << len;
  }
  EXPECT_FALSE(ParseChurnDesign(bytes + "x").ok());
  // A column whose name is not its source's.
  ChurnDesign wrong = *d;
  wrong.columns[2].name = "latest_score";
  EXPECT_EQ(ValidateChurnDesign(wrong).message(),
            "design column 'latest_score' should be named 'score' by its source");
  wrong = *d;
  wrong.columns[2].fill = ChurnFill::kZero;
  EXPECT_FALSE(ValidateChurnDesign(wrong).ok());
}

// A model on the design's columns with coefficients 0.1, -0.2, 0.3, ...
// (set by hand: the example's matrix is too small to fit a model worth reading).
ChurnModel ModelOnDesign(const ChurnDesign& d, const ChurnMatrix&) {
  ChurnModel model;
  model.feature_names = d.names();
  for (size_t j = 0; j < d.size(); ++j) {
    model.coef.push_back((j % 2 ? -0.1 : 0.1) * static_cast<double>(j + 1));
  }
  model.reference.assign(d.size(), 0.0);
  model.intercept = -1;
  return model;
}

TEST(ChurnDesignTest, ModelFileCarriesTheDesign) {
  const Example e;
  auto d = MakeChurnDesign(e.Spec());
  ASSERT_TRUE(d.ok());
  auto m = BuildChurnMatrix(*d, e.Features(), e.Data());
  ASSERT_TRUE(m.ok());
  ChurnModel model = ModelOnDesign(*d, *m);
  const std::string plain = SerializeChurnModel(model);
  EXPECT_EQ(plain[8], 1);  // no design: version 1, as before designs
  ASSERT_TRUE(AttachChurnDesign(*d, &model).ok());
  const std::string bytes = SerializeChurnModel(model);
  EXPECT_EQ(bytes[8], 2);
  auto back = ParseChurnModel(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_TRUE(back->design.has_value());
  EXPECT_EQ(SerializeChurnDesign(*back->design), SerializeChurnDesign(*d));
  EXPECT_EQ(SerializeChurnModel(*back), bytes);
  // The loaded model's design rebuilds the same matrix: the same probabilities.
  auto again = BuildChurnMatrix(*back->design, e.Features(), e.Data());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->values, m->values);
  std::vector<double> p1(m->rows), p2(m->rows);
  ASSERT_TRUE(PredictChurn(model, m->view(), absl::MakeSpan(p1)).ok());
  ASSERT_TRUE(PredictChurn(*back, again->view(), absl::MakeSpan(p2)).ok());
  EXPECT_EQ(p1, p2);
  // Version 1 still reads (no design).
  auto old = ParseChurnModel(plain);
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_FALSE(old->design.has_value());
  // Every truncation and flipped byte of a version 2 file is caught.
  for (size_t len = 0; len < bytes.size(); len += 7) {
    EXPECT_FALSE(ParseChurnModel(bytes.substr(0, len)).ok()) << len;
  }
}

TEST(ChurnDesignTest, AttachAndCheckNames) {
  auto d = MakeChurnDesign(Example().Spec());
  ASSERT_TRUE(d.ok());
  const Example e;
  auto m = BuildChurnMatrix(*d, e.Features(), e.Data());
  ASSERT_TRUE(m.ok());
  ChurnModel model = ModelOnDesign(*d, *m);
  auto bare = MakeChurnDesign({});
  ASSERT_TRUE(bare.ok());
  EXPECT_NE(AttachChurnDesign(*bare, &model).message().find("the design has 12 columns"),
            std::string::npos);
  ASSERT_TRUE(AttachChurnDesign(*d, &model).ok());
  EXPECT_TRUE(CheckChurnColumns(model, d->names()).ok());
  std::vector<std::string> names = d->names();
  std::swap(names[19], names[20]);
  EXPECT_EQ(CheckChurnColumns(model, names).message(),
            "matrix column 19 is 'plan=pro' but the model's design column 19 is 'seats'");
  names.pop_back();
  std::swap(names[19], names[20]);
  EXPECT_NE(CheckChurnColumns(model, names).message().find("lacks the model's design column 22"),
            std::string::npos);
}

TEST(ChurnDesignTest, PriorCarriesItsFourColumns) {
  auto prior = PriorChurnModel(90);
  ASSERT_TRUE(prior.ok());
  ASSERT_TRUE(prior->design.has_value());
  EXPECT_EQ(prior->design->names(), prior->feature_names);
  EXPECT_EQ(prior->feature_names, Names({"segment=detractor", "segment=passive", "has_response",
                                         "early_life_detractor"}));
  auto back = ParseChurnModel(SerializeChurnModel(*prior));
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_TRUE(back->design.has_value());
  // The prior's matrix from the example: detractor, detractor, promoter, no answer.
  const Example e;
  auto m = BuildChurnMatrix(*back->design, e.Features());
  ASSERT_TRUE(m.ok()) << m.status();
  std::vector<double> p(m->rows);
  ASSERT_TRUE(PredictChurn(*back, m->view(), absl::MakeSpan(p)).ok());
  const ChurnPriorRates r;
  EXPECT_NEAR(p[0], r.detractor.rate, 1e-12);
  EXPECT_NEAR(p[1], r.detractor.rate, 1e-12);
  EXPECT_NEAR(p[2], ConvertHorizon(r.promoter.rate, r.promoter.horizon_days, 90), 1e-12);
  EXPECT_NEAR(p[3], r.baseline.rate, 1e-12);
  // Renamed columns: no design.
  ChurnPriorColumns c;
  c.passive = "is_passive";
  auto renamed = PriorChurnModel(90, {}, c);
  ASSERT_TRUE(renamed.ok());
  EXPECT_FALSE(renamed->design.has_value());
}

}  // namespace
}  // namespace npscore
