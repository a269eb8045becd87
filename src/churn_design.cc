// The churn design matrix (npscore/churn.h): which columns a churn model
// reads, how each is made from the features, and the matrix built from them.
// The rules here are the only definition of churn_features' columns: the
// Python package, the C ABI and the prior model all read them.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "npscore/churn.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

using internal::ValueText;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The fill rule of a features column: scores become the neutral score,
// changes, shares, follow-up delays and an unknown age 0, the days since the
// latest response and the tenure of a customer without one its age.
ChurnFill FeatureFill(ChurnFeatureColumn c) {
  switch (c) {
    case ChurnFeatureColumn::kScore:
    case ChurnFeatureColumn::kMeanScore:
    case ChurnFeatureColumn::kMinScore:
      return ChurnFill::kNeutralScore;
    case ChurnFeatureColumn::kScoreChange:
    case ChurnFeatureColumn::kDetractorShare:
    case ChurnFeatureColumn::kDaysToFollowUp:
    case ChurnFeatureColumn::kCustomerAgeDays:
      return ChurnFill::kZero;
    case ChurnFeatureColumn::kDaysSinceResponse:
    case ChurnFeatureColumn::kTenureDays:
      return ChurnFill::kCustomerAge;
    default:
      return ChurnFill::kNone;
  }
}

// Whether a features column exists under the spec's inputs.
bool FeaturePresent(ChurnFeatureColumn c, const ChurnDesignSpec& spec) {
  switch (c) {
    case ChurnFeatureColumn::kTenureDays:
    case ChurnFeatureColumn::kCustomerAgeDays:
    case ChurnFeatureColumn::kEarlyLifeDetractor:
      return spec.signup;
    case ChurnFeatureColumn::kDetractorFollowedUp:
    case ChurnFeatureColumn::kDaysToFollowUp:
      return spec.followed_up;
    default:
      return true;
  }
}


// A spec with sign-up times only (which columns need them).
ChurnDesignSpec WithSignup() {
  ChurnDesignSpec s;
  s.signup = true;
  return s;
}

// The name and fill rule that a column's source gives it, or an error when
// the source, index or level is out of the spec's range.
absl::Status Expected(const ChurnDesignSpec& spec, const ChurnDesignColumn& c, std::string* name,
                      ChurnFill* fill) {
  *fill = ChurnFill::kNone;
  const auto bad_index = [&](absl::string_view what, size_t count) {
    return absl::InvalidArgumentError(absl::StrCat("design column '", c.name, "' names ", what,
                                                   " ", c.index, ": there are ", count));
  };
  switch (c.source) {
    case ChurnColumnSource::kFeature: {
      if (c.index < 0 || c.index >= kChurnFeatureColumnCount) {
        return bad_index("features column", kChurnFeatureColumnCount);
      }
      const auto f = static_cast<ChurnFeatureColumn>(c.index);
      if (!FeaturePresent(f, spec)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "design column '", c.name, "' needs ",
            FeaturePresent(f, WithSignup()) ? "sign-up" : "follow-up",
            " times, which the design was made without"));
      }
      *name = ChurnFeatureColumnName(f);
      *fill = FeatureFill(f);
      return absl::OkStatus();
    }
    case ChurnColumnSource::kTheme:
      if (c.index < 0 || static_cast<size_t>(c.index) >= spec.themes.size()) {
        return bad_index("theme", spec.themes.size());
      }
      *name = absl::StrCat(kChurnThemePrefix, spec.themes[c.index]);
      return absl::OkStatus();
    case ChurnColumnSource::kUserNumeric:
    case ChurnColumnSource::kUserLevel:
    case ChurnColumnSource::kUserMissing: {
      if (c.index < 0 || static_cast<size_t>(c.index) >= spec.user.size()) {
        return bad_index("user column", spec.user.size());
      }
      const ChurnUserColumn& u = spec.user[c.index];
      if (u.categorical != (c.source != ChurnColumnSource::kUserNumeric)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "design column '", c.name, "' treats user column '", u.name, "' as ",
            u.categorical ? "numeric" : "categorical", " but it is ",
            u.categorical ? "categorical" : "numeric"));
      }
      if (c.source == ChurnColumnSource::kUserNumeric) {
        *name = u.name;
      } else if (c.source == ChurnColumnSource::kUserMissing) {
        if (!u.missing_column) {
          return absl::InvalidArgumentError(absl::StrCat(
              "design column '", c.name, "': user column '", u.name, "' has no missing column"));
        }
        *name = absl::StrCat(u.name, "=", kChurnMissingLevel);
      } else {
        // Level 0 is the reference: it has no column.
        if (c.level < 1 || static_cast<size_t>(c.level) >= u.levels.size()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "design column '", c.name, "' names level ", c.level, " of user column '", u.name,
              "': levels 1..", u.levels.size() - 1, " have columns (0 is the reference)"));
        }
        *name = absl::StrCat(u.name, "=", u.levels[c.level]);
      }
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("design column '", c.name, "' has source ",
                                                 static_cast<int>(c.source),
                                                 ": sources are 0..4"));
}

absl::Status ValidateSpec(const ChurnDesignSpec& spec) {
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(spec.cutoffs));
  absl::flat_hash_set<std::string> themes;
  for (size_t t = 0; t < spec.themes.size(); ++t) {
    if (spec.themes[t].empty()) {
      return absl::InvalidArgumentError(absl::StrCat("theme ", t, " has an empty name"));
    }
    if (!themes.insert(spec.themes[t]).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("theme '", spec.themes[t], "' is given twice (theme ", t, ")"));
    }
  }
  absl::flat_hash_set<std::string> user;
  for (size_t k = 0; k < spec.user.size(); ++k) {
    const ChurnUserColumn& u = spec.user[k];
    if (u.name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("user column ", k, " has an empty name"));
    }
    if (!user.insert(u.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("user column '", u.name, "' is given twice (column ", k, ")"));
    }
    if (!u.categorical && (!u.levels.empty() || u.missing_column)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "user column '", u.name, "' is numeric: it has no levels and no missing column"));
    }
    if (u.categorical && u.levels.empty() && !u.missing_column) {
      return absl::InvalidArgumentError(absl::StrCat(
          "user column '", u.name, "' is categorical without levels: give its levels, the "
          "reference first"));
    }
    absl::flat_hash_set<std::string> levels;
    for (size_t l = 0; l < u.levels.size(); ++l) {
      if (!levels.insert(u.levels[l]).second) {
        return absl::InvalidArgumentError(absl::StrCat("level '", u.levels[l], "' of user column '",
                                                       u.name, "' is given twice (level ", l,
                                                       ")"));
      }
    }
  }
  return absl::OkStatus();
}

// Names distinct, at most kMaxChurnFeatures.
absl::Status CheckNames(const std::vector<ChurnDesignColumn>& columns) {
  if (columns.size() > kMaxChurnFeatures) {
    return absl::InvalidArgumentError(absl::StrCat("the design has ", columns.size(),
                                                   " columns: at most ", kMaxChurnFeatures,
                                                   " (kMaxChurnFeatures)"));
  }
  absl::flat_hash_map<std::string, size_t> seen;
  for (size_t j = 0; j < columns.size(); ++j) {
    auto [it, fresh] = seen.emplace(columns[j].name, j);
    if (!fresh) {
      return absl::InvalidArgumentError(absl::StrCat("design columns ", it->second, " and ", j,
                                                     " are both named '", columns[j].name, "'"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> ChurnDesign::names() const {
  std::vector<std::string> out;
  out.reserve(columns.size());
  for (const ChurnDesignColumn& c : columns) out.push_back(c.name);
  return out;
}

absl::StatusOr<ChurnDesign> MakeChurnDesign(const ChurnDesignSpec& spec) {
  NPSCORE_RETURN_IF_ERROR(ValidateSpec(spec));
  ChurnDesign d;
  d.spec = spec;
  // The features columns in ChurnFeatureColumn order, those of absent inputs left out.
  for (int32_t k = 0; k < kChurnFeatureColumnCount; ++k) {
    const auto f = static_cast<ChurnFeatureColumn>(k);
    if (!FeaturePresent(f, spec)) continue;
    d.columns.push_back({ChurnFeatureColumnName(f), ChurnColumnSource::kFeature,
                         static_cast<int32_t>(f), 0, FeatureFill(f)});
  }
  for (size_t t = 0; t < spec.themes.size(); ++t) {
    d.columns.push_back({absl::StrCat(kChurnThemePrefix, spec.themes[t]),
                         ChurnColumnSource::kTheme, static_cast<int32_t>(t), 0,
                         ChurnFill::kNone});
  }
  for (size_t k = 0; k < spec.user.size(); ++k) {
    const ChurnUserColumn& u = spec.user[k];
    const auto index = static_cast<int32_t>(k);
    if (!u.categorical) {
      d.columns.push_back({u.name, ChurnColumnSource::kUserNumeric, index, 0, ChurnFill::kNone});
      continue;
    }
    for (size_t l = 1; l < u.levels.size(); ++l) {
      d.columns.push_back({absl::StrCat(u.name, "=", u.levels[l]), ChurnColumnSource::kUserLevel,
                           index, static_cast<int32_t>(l), ChurnFill::kNone});
    }
    if (u.missing_column) {
      d.columns.push_back({absl::StrCat(u.name, "=", kChurnMissingLevel),
                           ChurnColumnSource::kUserMissing, index, 0, ChurnFill::kNone});
    }
  }
  NPSCORE_RETURN_IF_ERROR(CheckNames(d.columns));
  return d;
}

absl::Status ValidateChurnDesign(const ChurnDesign& design) {
  NPSCORE_RETURN_IF_ERROR(ValidateSpec(design.spec));
  for (const ChurnDesignColumn& c : design.columns) {
    std::string name;
    ChurnFill fill;
    NPSCORE_RETURN_IF_ERROR(Expected(design.spec, c, &name, &fill));
    if (c.name != name) {
      return absl::InvalidArgumentError(
          absl::StrCat("design column '", c.name, "' should be named '", name, "' by its source"));
    }
    if (c.fill != fill) {
      return absl::InvalidArgumentError(absl::StrCat("design column '", c.name, "' has fill rule ",
                                                     static_cast<int>(c.fill), ", not its own (",
                                                     static_cast<int>(fill), ")"));
    }
  }
  return CheckNames(design.columns);
}

absl::StatusOr<ChurnDesign> SelectChurnDesignColumns(const ChurnDesign& design,
                                                     absl::Span<const std::string> names) {
  absl::flat_hash_map<std::string, size_t> at;
  for (size_t j = 0; j < design.columns.size(); ++j) at.emplace(design.columns[j].name, j);
  ChurnDesign out;
  out.spec = design.spec;
  for (const std::string& name : names) {
    auto it = at.find(name);
    if (it == at.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", name, "' is not a column of the design"));
    }
    out.columns.push_back(design.columns[it->second]);
  }
  NPSCORE_RETURN_IF_ERROR(CheckNames(out.columns));
  return out;
}

absl::Status AttachChurnDesign(ChurnDesign design, ChurnModel* model) {
  NPSCORE_RETURN_IF_ERROR(ValidateChurnDesign(design));
  const std::vector<std::string> names = design.names();
  if (names.size() != model->feature_names.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the design has ", names.size(), " columns but the model has ",
        model->feature_names.size(), " features: select the model's columns of the design"));
  }
  for (size_t j = 0; j < names.size(); ++j) {
    if (names[j] != model->feature_names[j]) {
      return absl::InvalidArgumentError(absl::StrCat("design column ", j, " is '", names[j],
                                                     "' but the model's feature ", j, " is '",
                                                     model->feature_names[j], "'"));
    }
  }
  model->design = std::move(design);
  return absl::OkStatus();
}

absl::Status CheckChurnColumns(const ChurnModel& model, absl::Span<const std::string> names) {
  const std::vector<std::string> want =
      model.design.has_value() ? model.design->names() : model.feature_names;
  const char* what = model.design.has_value() ? "design" : "feature";
  for (size_t j = 0; j < std::max(names.size(), want.size()); ++j) {
    if (j >= names.size()) {
      return absl::InvalidArgumentError(absl::StrCat("the matrix has ", names.size(),
                                                     " columns: it lacks the model's ", what,
                                                     " column ", j, " '", want[j], "'"));
    }
    if (j >= want.size()) {
      return absl::InvalidArgumentError(absl::StrCat("matrix column ", j, " '", names[j],
                                                     "' is not a ", what, " column of the model (",
                                                     want.size(), " columns)"));
    }
    if (names[j] != want[j]) {
      return absl::InvalidArgumentError(absl::StrCat("matrix column ", j, " is '", names[j],
                                                     "' but the model's ", what, " column ", j,
                                                     " is '", want[j], "'"));
    }
  }
  return absl::OkStatus();
}

namespace {

// The value of a features column for customer c, before filling.
double FeatureValue(const ChurnFeatures& f, ChurnFeatureColumn col, size_t c) {
  switch (col) {
    case ChurnFeatureColumn::kHasResponse: return f.has_response[c];
    case ChurnFeatureColumn::kNResponses: return static_cast<double>(f.n_responses[c]);
    case ChurnFeatureColumn::kScore: return f.score[c];
    case ChurnFeatureColumn::kSegmentDetractor: return f.segment[c] == -1 ? 1.0 : 0.0;
    case ChurnFeatureColumn::kSegmentPassive: return f.segment[c] == 0 ? 1.0 : 0.0;
    case ChurnFeatureColumn::kScoreChange: return f.score_change[c];
    case ChurnFeatureColumn::kSegmentChange: return f.segment_change[c];
    case ChurnFeatureColumn::kMeanScore: return f.mean_score[c];
    case ChurnFeatureColumn::kMinScore: return f.min_score[c];
    case ChurnFeatureColumn::kDetractorShare:
      return f.n_responses[c] > 0 ? static_cast<double>(f.n_detractor_responses[c]) /
                                        static_cast<double>(f.n_responses[c])
                                  : kNaN;
    case ChurnFeatureColumn::kDaysSinceResponse: return f.days_since_response[c];
    case ChurnFeatureColumn::kTenureDays: return f.tenure_days[c];
    case ChurnFeatureColumn::kCustomerAgeDays: return f.customer_age_days[c];
    case ChurnFeatureColumn::kEarlyLifeDetractor: return f.early_life_detractor[c];
    case ChurnFeatureColumn::kDaysDetractorWaiting: return f.days_detractor_waiting[c];
    case ChurnFeatureColumn::kDetractorFollowedUp: return f.detractor_followed_up[c];
    case ChurnFeatureColumn::kDaysToFollowUp: return f.days_to_follow_up[c];
  }
  return kNaN;
}

// Checks the data of the user columns and themes against the design.
absl::Status CheckData(const ChurnDesign& d, const ChurnFeatures& f, const ChurnDesignData& data,
                       const std::vector<int64_t>& rows) {
  const size_t n_themes = d.spec.themes.size();
  const size_t n = data.n_response_rows;
  if (data.theme_flags.size() != n_themes * n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "theme_flags has ", data.theme_flags.size(), " values: the design's ", n_themes,
        " themes over ", n, " response rows need ", n_themes * n));
  }
  for (size_t t = 0; t < n_themes; ++t) {
    for (size_t r = 0; r < n; ++r) {
      const double v = data.theme_flags[t * n + r];
      if (v != 0 && v != 1) {
        return absl::InvalidArgumentError(absl::StrCat("theme '", d.spec.themes[t], "' at row ",
                                                       r, " is ", ValueText(v),
                                                       ": theme flags must be 0 or 1"));
      }
    }
  }
  if (n_themes > 0) {
    for (int64_t c : rows) {
      const int64_t r = f.latest_row[c];
      if (r >= static_cast<int64_t>(n)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "customer ", c, " has its latest response at row ", r, " but theme_flags has ", n,
            " response rows: give the flags of every response row"));
      }
    }
  }
  const size_t n_user = d.spec.user.size();
  if (data.numeric.size() != n_user || data.codes.size() != n_user) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the design has ", n_user, " user columns but the data gives ", data.numeric.size(),
        " numeric and ", data.codes.size(), " code entries (one each per user column)"));
  }
  for (size_t k = 0; k < n_user; ++k) {
    const ChurnUserColumn& u = d.spec.user[k];
    const size_t len = u.categorical ? data.codes[k].size() : data.numeric[k].size();
    const size_t other = u.categorical ? data.numeric[k].size() : data.codes[k].size();
    if (len != f.size() || other != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "user column '", u.name, "' (", u.categorical ? "categorical: codes" : "numeric: values",
          ") has ", len, " values and ", other, " of the other kind: give ", f.size(),
          " (one per customer of the features) of its kind only"));
    }
    for (int64_t c : rows) {
      if (u.categorical) {
        const int32_t code = data.codes[k][c];
        if (code < -1 || code >= static_cast<int32_t>(u.levels.size())) {
          return absl::InvalidArgumentError(absl::StrCat(
              "user column '", u.name, "' at row ", c, " has code ", code, ": codes are -1 "
              "(missing) or 0..", static_cast<int64_t>(u.levels.size()) - 1, " (its levels)"));
        }
      } else if (!std::isfinite(data.numeric[k][c])) {
        return absl::InvalidArgumentError(absl::StrCat("user column '", u.name, "' at row ", c,
                                                       " is ", ValueText(data.numeric[k][c]),
                                                       ": numeric columns must be finite"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ChurnMatrix> BuildChurnMatrix(const ChurnDesign& design,
                                             const ChurnFeatures& features,
                                             const ChurnDesignData& data) {
  NPSCORE_RETURN_IF_ERROR(ValidateChurnDesign(design));
  const ChurnFeatures& f = features;
  ChurnMatrix m;
  for (size_t c = 0; c < f.size(); ++c) {
    if (f.signed_up[c]) m.customer_rows.push_back(static_cast<int64_t>(c));
  }
  NPSCORE_RETURN_IF_ERROR(CheckData(design, f, data, m.customer_rows));
  m.rows = m.customer_rows.size();
  m.cols = design.size();
  m.values.resize(m.rows * m.cols);
  const Cutoffs& cut = design.spec.cutoffs;
  const double neutral = (cut.detractor_max + 1 + cut.passive_max) / 2.0;
  for (size_t j = 0; j < m.cols; ++j) {
    const ChurnDesignColumn& col = design.columns[j];
    double* out = m.values.data() + j * m.rows;
    for (size_t i = 0; i < m.rows; ++i) {
      const auto c = static_cast<size_t>(m.customer_rows[i]);
      double v = 0;
      switch (col.source) {
        case ChurnColumnSource::kFeature:
          v = FeatureValue(f, static_cast<ChurnFeatureColumn>(col.index), c);
          break;
        case ChurnColumnSource::kTheme: {
          const int64_t r = f.latest_row[c];
          v = r >= 0 ? data.theme_flags[col.index * data.n_response_rows + r] : 0.0;
          break;
        }
        case ChurnColumnSource::kUserNumeric:
          v = data.numeric[col.index][c];
          break;
        case ChurnColumnSource::kUserLevel:
          v = data.codes[col.index][c] == col.level ? 1.0 : 0.0;
          break;
        case ChurnColumnSource::kUserMissing:
          v = data.codes[col.index][c] == -1 ? 1.0 : 0.0;
          break;
      }
      if (design.spec.fill && std::isnan(v)) {
        switch (col.fill) {
          case ChurnFill::kNone: break;
          case ChurnFill::kZero: v = 0; break;
          case ChurnFill::kNeutralScore: v = neutral; break;
          case ChurnFill::kCustomerAge: {
            const double age = f.customer_age_days[c];
            v = std::isnan(age) ? 0.0 : age;
            break;
          }
        }
      }
      out[i] = v;
    }
  }
  return m;
}

}  // namespace npscore
