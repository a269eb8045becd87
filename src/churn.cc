// The churn model (npscore/churn.h, "Model" section): L2 logistic regression
// by Newton's method, reasons, the prior model and evaluation. Persistence is
// in churn_io.cc.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "npscore/churn.h"
#include "src/internal/bounds.h"
#include "src/internal/parallel.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"
#include "src/internal/target_clones.h"

namespace npscore {
namespace {

using internal::ValueText;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// log(1 + exp(z)) without overflow or loss of precision.
inline double Softplus(double z) { return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))); }

// 1 / (1 + exp(-z)) without overflow.
inline double Sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

std::string ColumnText(size_t j, absl::Span<const std::string> names) {
  if (j < names.size()) return absl::StrCat(j, " ('", names[j], "')");
  return absl::StrCat(j);
}

absl::Status CheckShape(const MatrixView& X, const char* what) {
  if (X.values.size() != X.rows * X.cols) {
    return absl::InvalidArgumentError(absl::StrCat(what, " has ", X.values.size(),
                                                   " values, not rows * cols = ", X.rows,
                                                   " * ", X.cols));
  }
  return absl::OkStatus();
}

// The threads of a pass over rows of `cols` values each (ThreadCount's
// policy; automatic: one thread per 2^20 values).
size_t AutoThreads(int threads, size_t rows, size_t cols) {
  return internal::ThreadCount(threads, rows, (size_t{1} << 20) / std::max<size_t>(cols, 1));
}

// Per-column statistics of the training matrix and the first bad value.
struct ColumnStats {
  std::vector<double> mean, sd, min, max;
  std::vector<bool> indicator;  // every value is 0 or 1
};

// Welford's update of rows [i0, i1) into the per-column accumulators, plus
// min, max, a count of values other than 0/1 and of non-finite values. The
// loop over columns has no branch, so it vectorizes for row-major X.
NPSCORE_CLONES_AVX2
void ScanRows(const MatrixView& X, size_t i0, size_t i1, double* __restrict mean,
              double* __restrict m2, double* __restrict mn, double* __restrict mx,
              double* __restrict other, double* __restrict bad) {
  const size_t p = X.cols;
  constexpr double kMax = std::numeric_limits<double>::max();
  for (size_t i = i0; i < i1; ++i) {
    const double inv_k = 1.0 / static_cast<double>(i + 1);
    const double* x = X.values.data() + i * p;
    for (size_t j = 0; j < p; ++j) {
      const double v = X.row_major ? x[j] : X.values.data()[j * X.rows + i];
      const double d = v - mean[j];
      mean[j] += d * inv_k;
      m2[j] += d * (v - mean[j]);
      mn[j] = v < mn[j] ? v : mn[j];
      mx[j] = v > mx[j] ? v : mx[j];
      other[j] += (v != 0) & (v != 1) ? 1.0 : 0.0;
      bad[j] += std::abs(v) <= kMax ? 0.0 : 1.0;
    }
  }
}

absl::StatusOr<ColumnStats> ScanColumns(const MatrixView& X,
                                        absl::Span<const std::string> names) {
  const size_t n = X.rows, p = X.cols;
  ColumnStats st;
  st.mean.assign(p, 0);
  st.sd.assign(p, 0);
  st.min.assign(p, internal::kInf);
  st.max.assign(p, -internal::kInf);
  st.indicator.assign(p, true);
  std::vector<double> m2(p, 0), other(p, 0), bad(p, 0);
  constexpr size_t kScanBlock = 1024;
  for (size_t i0 = 0; i0 < n; i0 += kScanBlock) {
    const size_t i1 = std::min(n, i0 + kScanBlock);
    ScanRows(X, i0, i1, st.mean.data(), m2.data(), st.min.data(), st.max.data(), other.data(),
             bad.data());
    bool any = false;
    for (size_t j = 0; j < p; ++j) any |= bad[j] != 0;
    if (!any) continue;
    // Name the first non-finite value of the block, in row order.
    for (size_t i = i0; i < i1; ++i) {
      for (size_t j = 0; j < p; ++j) {
        const double x = X.at(i, j);
        if (!std::isfinite(x)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "X at row ", i, ", column ", ColumnText(j, names), " is ", ValueText(x),
              ": values must be finite (impute or drop missing values first)"));
        }
      }
    }
  }
  for (size_t j = 0; j < p; ++j) {
    st.sd[j] = n > 0 ? std::sqrt(m2[j] / static_cast<double>(n)) : 0;
    st.indicator[j] = other[j] == 0;
  }
  return st;
}

// Error if two non-constant columns are identical. Called only without a
// penalty (C = inf): there any split of their common coefficient is optimal.
// With a finite C the objective is strictly convex and the penalty splits it
// evenly, as scikit-learn's fit does, so duplicated dummies are fitted.
absl::Status CheckDuplicates(const MatrixView& X, const ColumnStats& st,
                             absl::Span<const std::string> names) {
  const size_t n = X.rows, p = X.cols;
  std::vector<uint64_t> hash(p, 1469598103934665603ULL);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < p; ++j) {
      uint64_t bits;
      const double x = X.at(i, j) + 0.0;  // -0 hashes as 0
      std::memcpy(&bits, &x, sizeof bits);
      hash[j] = (hash[j] ^ bits) * 1099511628211ULL;
    }
  }
  absl::flat_hash_map<uint64_t, size_t> seen;
  for (size_t j = 0; j < p; ++j) {
    if (st.min[j] == st.max[j]) continue;  // constant columns are warned about instead
    auto [it, inserted] = seen.emplace(hash[j], j);
    if (inserted) continue;
    const size_t k = it->second;
    bool same = true;
    for (size_t i = 0; i < n && same; ++i) same = X.at(i, j) == X.at(i, k);
    if (same) {
      return absl::InvalidArgumentError(absl::StrCat(
          "columns ", ColumnText(k, names), " and ", ColumnText(j, names),
          " of X are identical: with C = inf (no penalty) their coefficients are not "
          "unique; drop one of them or give a finite C"));
    }
  }
  return absl::OkStatus();
}

// The design of a fit: X transformed by (x - shift) / scale, plus a column of
// ones for the intercept, materialised a block of rows at a time.
struct Design {
  const MatrixView* X;
  std::vector<double> shift, inv_scale;
  bool intercept;
  size_t p, q;  // columns of X, columns of the design

  // Fills B (rows [r0, r0 + B.rows())) of the design.
  void Fill(size_t r0, RowMatrix& B) const {
    const size_t m = static_cast<size_t>(B.rows());
    if (X->row_major) {
      for (size_t r = 0; r < m; ++r) {
        const double* x = X->values.data() + (r0 + r) * p;
        double* b = B.data() + r * q;
        for (size_t j = 0; j < p; ++j) b[j] = (x[j] - shift[j]) * inv_scale[j];
      }
    } else {
      for (size_t j = 0; j < p; ++j) {
        const double* x = X->values.data() + j * X->rows + r0;
        const double s = shift[j], c = inv_scale[j];
        for (size_t r = 0; r < m; ++r) B(r, j) = (x[r] - s) * c;
      }
    }
    if (intercept) B.col(q - 1).setOnes();
  }
};

constexpr size_t kFitBlock = 512;

using ConstRowMap = Eigen::Map<const RowMatrix>;

// H += sum_r b_r b_r^T over the m rows of the row-major block B (m x q), rows
// already scaled by sqrt(h_r), into the lower triangle of the row-major q x q
// H, in single precision: twice the lanes per instruction. Newton's method
// needs the Hessian only for its direction (the gradient stays exact, so the
// optimum does not move), and each block's float sums go into the double
// accumulator after kFitBlock rows, so rounding does not build up over n.
// Four rows per sweep over H, so each load and store of H carries four
// multiply-adds; a Haswell (AVX2 + FMA) clone is picked at load time.
NPSCORE_CLONES_HASWELL
void AccumulateHessian(const float* __restrict B, size_t m, size_t q, float* __restrict H) {
  size_t r = 0;
  for (; r + 4 <= m; r += 4) {
    const float* b0 = B + r * q;
    const float* b1 = b0 + q;
    const float* b2 = b1 + q;
    const float* b3 = b2 + q;
    for (size_t j = 0; j < q; ++j) {
      const float a0 = b0[j], a1 = b1[j], a2 = b2[j], a3 = b3[j];
      float* Hj = H + j * q;
      for (size_t k = 0; k <= j; ++k) Hj[k] += a0 * b0[k] + a1 * b1[k] + a2 * b2[k] + a3 * b3[k];
    }
  }
  for (; r < m; ++r) {
    const float* b0 = B + r * q;
    for (size_t j = 0; j < q; ++j) {
      const float a0 = b0[j];
      float* Hj = H + j * q;
      for (size_t k = 0; k <= j; ++k) Hj[k] += a0 * b0[k];
    }
  }
}

// One block of row-major X for pass 1, in a single sweep: g[j] += sum_i
// r_i x_ij (raw columns; shift and scale are applied to the sums at the end)
// and the float rows of the Hessian block, (x_ij - shift_j) / scale_j *
// sqrt(h_i), with sqrt(h_i) in column q - 1 for the intercept.
NPSCORE_CLONES_HASWELL
void ScaleRows(const double* __restrict xb, size_t m, size_t p, size_t q,
               const double* __restrict shift, const double* __restrict inv_scale,
               const double* __restrict r, const double* __restrict h, bool intercept,
               double* __restrict g, float* __restrict bf) {
  for (size_t i = 0; i < m; ++i) {
    const double sh = std::sqrt(h[i]), ri = r[i];
    const double* x = xb + i * p;
    float* b = bf + i * q;
    for (size_t j = 0; j < p; ++j) {
      g[j] += ri * x[j];
      b[j] = static_cast<float>((x[j] - shift[j]) * inv_scale[j] * sh);
    }
    if (intercept) b[q - 1] = static_cast<float>(sh);
  }
}

// Pass 1 of an iteration: from z (X theta, known), the gradient and Hessian of
// the data term, accumulated per thread over blocks of rows.
struct Accum {
  Eigen::VectorXd g;
  double r_sum = 0;  // sum of the residuals (row-major X: the gradient's shift term)
  std::vector<double> H;  // row-major, lower triangle
};

void GradHess(const Design& d, absl::Span<const double> zs, absl::Span<const double> ys,
              absl::Span<const double> ss, size_t threads, Eigen::VectorXd& g,
              Eigen::MatrixXd& H) {
  const size_t n = zs.size(), q = d.q;
  const double *z = zs.data(), *y = ys.data(), *s = ss.data();
  std::vector<Accum> acc(threads);
  (void)internal::RunChunks(n, threads, [&](size_t k, size_t first, size_t last) {
    Accum& a = acc[k];
    a.g.setZero(q);
    a.H.assign(q * q, 0.0);
    RowMatrix B(kFitBlock, q);
    Eigen::VectorXd r(kFitBlock), h(kFitBlock);
    std::vector<float> Bf(kFitBlock * q), Hf(q * q);
    for (size_t r0 = first; r0 < last; r0 += kFitBlock) {
      const size_t m = std::min(kFitBlock, last - r0);
      if (static_cast<size_t>(B.rows()) != m) {
        B.resize(m, q);
        r.resize(m);
        h.resize(m);
      }
      for (size_t i = 0; i < m; ++i) {
        const double mu = Sigmoid(z[r0 + i]);
        const double si = s[r0 + i];
        r[i] = si * (mu - y[r0 + i]);
        h[i] = si * mu * (1 - mu);
      }
      if (d.X->row_major) {
        // Straight from X: the gradient of the raw columns (shift and scale
        // applied once at the end) and the scaled rows of the Hessian block.
        const double* xb = d.X->values.data() + r0 * d.p;
        ScaleRows(xb, m, d.p, q, d.shift.data(), d.inv_scale.data(), r.data(), h.data(),
                  d.intercept, a.g.data(), Bf.data());
        if (d.intercept) a.g[q - 1] += r.head(m).sum();
        a.r_sum += r.head(m).sum();
      } else {
        d.Fill(r0, B);
        a.g.noalias() += B.transpose() * r;
        for (size_t i = 0; i < m; ++i) {
          const double sh = std::sqrt(h[i]);
          const double* b = B.data() + i * q;
          float* bf = Bf.data() + i * q;
          for (size_t j = 0; j < q; ++j) bf[j] = static_cast<float>(b[j] * sh);
        }
      }
      std::fill(Hf.begin(), Hf.end(), 0.0f);
      AccumulateHessian(Bf.data(), m, q, Hf.data());
      for (size_t j = 0; j < q * q; ++j) a.H[j] += Hf[j];
    }
    return absl::OkStatus();
  });
  g = acc[0].g;
  double r_sum = acc[0].r_sum;
  for (size_t k = 1; k < threads; ++k) {
    g += acc[k].g;
    r_sum += acc[k].r_sum;
  }
  if (d.X->row_major) {  // sum_i r_i (x_ij - shift_j) / scale_j
    for (size_t j = 0; j < d.p; ++j) g[j] = (g[j] - d.shift[j] * r_sum) * d.inv_scale[j];
  }
  H.setZero(q, q);
  for (size_t j = 0; j < q; ++j) {
    for (size_t l = 0; l <= j; ++l) {
      double sum = 0;
      for (size_t k = 0; k < threads; ++k) sum += acc[k].H[j * q + l];
      H(j, l) = sum;
      H(l, j) = sum;
    }
  }
}

// Pass 2: out = design * v.
void Multiply(const Design& d, const Eigen::VectorXd& v, size_t threads, absl::Span<double> out) {
  const size_t n = out.size(), q = d.q;
  if (d.X->row_major) {
    // design . v = X . (v / scale) + (intercept - shift . (v / scale)): no copy of X.
    Eigen::VectorXd w(d.p);
    double c = d.intercept ? v[q - 1] : 0.0;
    for (size_t j = 0; j < d.p; ++j) {
      w[j] = v[j] * d.inv_scale[j];
      c -= d.shift[j] * w[j];
    }
    (void)internal::RunChunks(n, threads, [&](size_t, size_t first, size_t last) {
      Eigen::Map<Eigen::VectorXd> zb(out.data() + first, static_cast<Eigen::Index>(last - first));
      zb.noalias() = ConstRowMap(d.X->values.data() + first * d.p, last - first, d.p) * w;
      zb.array() += c;
      return absl::OkStatus();
    });
    return;
  }
  (void)internal::RunChunks(n, threads, [&](size_t, size_t first, size_t last) {
    RowMatrix B(kFitBlock, q);
    Eigen::VectorXd zb(kFitBlock);
    for (size_t r0 = first; r0 < last; r0 += kFitBlock) {
      const size_t m = std::min(kFitBlock, last - r0);
      if (static_cast<size_t>(B.rows()) != m) B.resize(m, q);
      d.Fill(r0, B);
      zb.head(m).noalias() = B * v;
      for (size_t i = 0; i < m; ++i) out[r0 + i] = zb[i];
    }
    return absl::OkStatus();
  });
}

// The data term sum_i s_i [softplus(z_i + t dz_i) - y_i (z_i + t dz_i)].
double DataLoss(absl::Span<const double> zs, absl::Span<const double> dzs, double t,
                absl::Span<const double> ys, absl::Span<const double> ss) {
  // Raw pointers: the hardened Abseil checks every Span::operator[].
  const double *z = zs.data(), *dz = dzs.data(), *y = ys.data(), *s = ss.data();
  double sum = 0;
  for (size_t i = 0; i < zs.size(); ++i) {
    const double zi = z[i] + t * dz[i];
    sum += s[i] * (Softplus(zi) - y[i] * zi);
  }
  return sum;
}

}  // namespace

absl::StatusOr<ChurnModel> FitChurnModel(const MatrixView& X, absl::Span<const double> y,
                                         absl::Span<const double> sample_weight,
                                         const ChurnFitOptions& options,
                                         absl::Span<const std::string> feature_names) {
  NPSCORE_RETURN_IF_ERROR(CheckShape(X, "X"));
  const size_t n = X.rows, p = X.cols;
  if (n == 0) return absl::InvalidArgumentError("X has no rows: nothing to fit");
  if (y.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("y has ", y.size(), " labels but X has ", n, " rows"));
  }
  if (!sample_weight.empty() && sample_weight.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("sample_weight has ", sample_weight.size(),
                                                   " values but X has ", n, " rows"));
  }
  if (!(options.C > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("C is ", ValueText(options.C), ": it must be > 0 (infinity: no penalty)"));
  }
  if (!(options.tol > 0 && std::isfinite(options.tol))) {
    return absl::InvalidArgumentError(
        absl::StrCat("tol is ", ValueText(options.tol), ": it must be finite and > 0"));
  }
  NPSCORE_RETURN_IF_ERROR(internal::CheckIterations(options.max_iter, "max_iter"));
  NPSCORE_RETURN_IF_ERROR(internal::CheckThreads(options.threads));
  if (p > kMaxChurnFeatures) {
    return absl::InvalidArgumentError(absl::StrCat(
        "X has ", p, " columns: a churn model fits at most ", kMaxChurnFeatures,
        " (kMaxChurnFeatures; its Hessian has (columns + 1)^2 entries per thread)"));
  }
  if (!options.class_weight.empty()) {
    if (options.balanced_class_weight) {
      return absl::InvalidArgumentError("give class weights or ask for balanced ones, not both");
    }
    if (options.class_weight.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "class_weight has ", options.class_weight.size(), " values: give {w0, w1}"));
    }
    for (int c = 0; c < 2; ++c) {
      const double w = options.class_weight[c];
      if (!(w >= 0 && std::isfinite(w))) {
        return absl::InvalidArgumentError(absl::StrCat(
            "class weight of class ", c, " is ", ValueText(w), ": it must be finite and >= 0"));
      }
    }
  }
  ChurnModel model;
  if (feature_names.empty()) {
    for (size_t j = 0; j < p; ++j) model.feature_names.push_back(absl::StrCat("x", j));
  } else {
    if (feature_names.size() != p) {
      return absl::InvalidArgumentError(absl::StrCat(
          "feature_names has ", feature_names.size(), " names but X has ", p, " columns"));
    }
    absl::flat_hash_set<std::string> seen;
    for (const std::string& name : feature_names) {
      if (!seen.insert(name).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("feature name '", name, "' appears more than once"));
      }
    }
    model.feature_names.assign(feature_names.begin(), feature_names.end());
  }
  const absl::Span<const std::string> names = model.feature_names;

  // Labels and weights.
  double class_sum[2] = {0, 0};
  for (size_t i = 0; i < n; ++i) {
    const double yi = y[i];
    if (yi != yi) {
      return absl::InvalidArgumentError(absl::StrCat(
          "label at row ", i, " is missing (NaN): every row needs a 0/1 label"));
    }
    if (yi != 0 && yi != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("label at row ", i, " is ", ValueText(yi), ": labels must be 0 or 1"));
    }
    double w = 1;
    if (!sample_weight.empty()) {
      w = sample_weight[i];
      if (!(w >= 0 && std::isfinite(w))) {
        return absl::InvalidArgumentError(absl::StrCat(
            "sample_weight at row ", i, " is ", ValueText(w), ": weights must be finite and >= 0"));
      }
    }
    class_sum[yi == 1] += w;
  }
  if (!sample_weight.empty() && !(class_sum[0] + class_sum[1] > 0)) {
    return absl::InvalidArgumentError(
        "sample_weight is zero for every row: nothing to fit");
  }
  for (int c = 0; c < 2; ++c) {
    if (!(class_sum[c] > 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "y has no row of class ", c, " (with positive weight): a churn model needs both "
          "churners (1) and non-churners (0)"));
    }
  }
  double cw[2] = {1, 1};
  if (options.balanced_class_weight) {
    const double total = class_sum[0] + class_sum[1];
    cw[0] = total / (2 * class_sum[0]);
    cw[1] = total / (2 * class_sum[1]);
  } else if (!options.class_weight.empty()) {
    cw[0] = options.class_weight[0];
    cw[1] = options.class_weight[1];
  }
  std::vector<double> s(n);
  double S = 0;
  for (size_t i = 0; i < n; ++i) {
    s[i] = (sample_weight.empty() ? 1.0 : sample_weight[i]) * cw[y[i] == 1];
    S += s[i];
  }
  if (!(S > 0)) return absl::InvalidArgumentError("the weights of all rows are 0");

  // Columns: finite values, constant and duplicated columns, references.
  NPSCORE_ASSIGN_OR_RETURN(ColumnStats st, ScanColumns(X, names));
  if (std::isinf(options.C)) NPSCORE_RETURN_IF_ERROR(CheckDuplicates(X, st, names));
  for (size_t j = 0; j < p; ++j) {
    if (st.min[j] == st.max[j]) {
      model.info.warnings.push_back(absl::StrCat(
          "column ", ColumnText(j, names), " is constant (", ValueText(st.min[j]), ")",
          options.fit_intercept ? ": collinear with the intercept, its coefficient only "
                                  "shares the intercept's role"
                                : ": its coefficient acts as an intercept"));
    }
    model.reference.push_back(st.indicator[j] ? 0.0 : st.mean[j]);
  }

  Design d{&X, std::vector<double>(p, 0.0), std::vector<double>(p, 1.0), options.fit_intercept,
           p, p + (options.fit_intercept ? 1 : 0)};
  if (options.standardize) {
    model.mean = st.mean;
    model.scale = st.sd;
    for (size_t j = 0; j < p; ++j) {
      if (!(model.scale[j] > 0)) model.scale[j] = 1;
      d.shift[j] = model.mean[j];
      d.inv_scale[j] = 1 / model.scale[j];
    }
  }

  // Newton's method on F(theta) = data loss + ||w||^2 / (2C).
  const size_t q = d.q;
  const double lambda = std::isinf(options.C) ? 0.0 : 1.0 / options.C;
  // Each thread accumulates its own q x q Hessian (double + float): at most
  // kHessianBudget bytes of them in all, so wide models use fewer threads.
  constexpr size_t kHessianBudget = size_t{1} << 30;
  const size_t threads = std::min(AutoThreads(options.threads, n, q),
                                  std::max<size_t>(1, kHessianBudget / (q * q * 12 + 1)));
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(q), g(q), step(q);
  Eigen::MatrixXd H(q, q);
  // Start from the intercept-only optimum: the weighted log-odds of churn.
  double z0 = 0;
  if (options.fit_intercept) {
    double s1 = 0;
    for (size_t i = 0; i < n; ++i) s1 += s[i] * y[i];
    z0 = std::log(s1) - std::log(S - s1);
    if (!std::isfinite(z0)) z0 = 0;
    theta[q - 1] = z0;
  }
  std::vector<double> z(n, z0), dz(n, 0.0);
  const std::vector<double> yv(y.begin(), y.end());
  auto penalty = [&](const Eigen::VectorXd& th) {
    return 0.5 * lambda * th.head(p).squaredNorm();
  };
  double f = DataLoss(z, dz, 0, yv, s) + penalty(theta);
  ChurnFitInfo& info = model.info;
  for (;;) {
    GradHess(d, z, yv, s, threads, g, H);
    g.head(p) += lambda * theta.head(p);
    H.diagonal().head(p).array() += lambda;
    info.grad_norm = g.cwiseAbs().maxCoeff() / S;
    info.objective = f / S;
    if (info.grad_norm <= options.tol) {
      info.converged = true;
      break;
    }
    if (info.n_iter >= options.max_iter) break;
    // Newton direction; a tiny ridge if the Hessian is numerically singular
    // (separable data without a penalty).
    Eigen::LLT<Eigen::MatrixXd> llt(H);
    double ridge = 0;
    while (llt.info() != Eigen::Success || !llt.solve(g).allFinite()) {
      ridge = ridge == 0 ? 1e-10 * std::max(1.0, H.diagonal().maxCoeff()) : ridge * 100;
      Eigen::MatrixXd Hr = H;
      Hr.diagonal().array() += ridge;
      llt.compute(Hr);
      if (ridge > 1e10) break;
    }
    step = -llt.solve(g);
    ++info.n_iter;
    Multiply(d, step, threads, absl::Span<double>(dz));
    // Backtracking (Armijo) line search on F. Within rounding of F (the last
    // steps to a tight tolerance) the full Newton step is taken as is.
    const double slope = g.dot(step);
    const double noise = 1e-13 * std::abs(f) + 1e-300;
    double t = 1, f_new = 0;
    bool accepted = false;
    for (int k = 0; k < 60; ++k, t *= 0.5) {
      f_new = DataLoss(z, dz, t, yv, s) + penalty(theta + t * step);
      if (f_new <= f + 1e-4 * t * slope || (k == 0 && -slope <= noise)) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;  // no decrease possible: report the gradient reached
    theta += t * step;
    for (size_t i = 0; i < n; ++i) z[i] += t * dz[i];
    f = f_new;
  }
  // Back to the original scale.
  model.coef.resize(p);
  double b = options.fit_intercept ? theta[p] : 0.0;
  for (size_t j = 0; j < p; ++j) {
    model.coef[j] = theta[j] * d.inv_scale[j];
    b -= model.coef[j] * d.shift[j];
  }
  model.intercept = b;
  model.options = options;
  return model;
}

// --- Scoring and reasons --------------------------------------------------------

absl::Status CheckChurnInput(const ChurnModel& model, const MatrixView& X) {
  NPSCORE_RETURN_IF_ERROR(CheckShape(X, "X"));
  const size_t p = model.coef.size();
  if (X.cols != p) {
    std::string names;
    // A hand-built model may carry fewer names than coefficients.
    for (size_t j = 0; j < p && j < 20 && j < model.feature_names.size(); ++j) {
      absl::StrAppend(&names, j ? ", " : "", model.feature_names[j]);
    }
    if (p > 20) absl::StrAppend(&names, ", ...");
    return absl::InvalidArgumentError(absl::StrCat("X has ", X.cols,
                                                   " columns but the model has ", p,
                                                   " features (", names, ")"));
  }
  return absl::OkStatus();
}

namespace {

constexpr size_t kTile = 64;

// The top-K reasons of a tile of rows whose contributions are column-major
// (c[j * kTile + r]), for p <= 512 columns. Each positive contribution carries
// its column in the low 10 bits of its mantissa (1023 - j, so that of two
// equal values the lower column ranks first), which makes the ranking a pure
// min/max insertion network over the values alone: no branch, no index
// bookkeeping, and every row of the tile in its own vector lane. The exact
// contributions are read back from the tile afterwards. Values within 2^-42
// (relative) of each other are ranked by column. A contribution of +inf (a
// finite coefficient times a finite x - reference can overflow) is tagged as
// the largest finite value: its own tag would be a NaN, which the network
// cannot order.
inline double Tag(double x, size_t j) {
  constexpr double kLargest = std::numeric_limits<double>::max();
  const double y = x > kLargest ? kLargest : x;
  uint64_t bits;
  std::memcpy(&bits, &y, sizeof bits);
  bits = (bits & ~uint64_t{0x3FF}) | (1023 - j);
  double t;
  std::memcpy(&t, &bits, sizeof t);
  return x > 0 ? t : 0.0;
}

inline size_t TagColumn(double t) {
  uint64_t bits;
  std::memcpy(&bits, &t, sizeof bits);
  return 1023 - static_cast<size_t>(bits & 0x3FF);
}

template <size_t K>
__attribute__((always_inline)) inline void TopKTile(const double* c, size_t p,
                                                    double (*v)[kTile]) {
  for (size_t k = 0; k < K; ++k) {
    for (size_t r = 0; r < kTile; ++r) v[k][r] = 0;
  }
  for (size_t j = 0; j < p; ++j) {
    const double* cj = c + j * kTile;
    // All kTile lanes (a fixed trip count vectorizes best): lanes past the
    // tile's rows hold stale values whose results are never read.
    for (size_t r = 0; r < kTile; ++r) {
      double x = Tag(cj[r], j);
      for (size_t k = 0; k < K; ++k) {
        const double hi = v[k][r] > x ? v[k][r] : x;
        x = v[k][r] > x ? x : v[k][r];
        v[k][r] = hi;
      }
    }
  }
}

// Work space of the reasons kernel, one per thread.
struct ExplainTile {
  explicit ExplainTile(size_t p) : c(kTile * std::min<size_t>(std::max<size_t>(p, 1), 512), 0.0) {}
  std::vector<double> c;  // contributions, column-major, at most 512 columns per pass
  double z[kTile];
  double v[4][kTile];
};

// Contributions and log-odds of rows [r0, r0 + t) for columns [j0, j1) into
// the tile (column j at c[(j - j0) * kTile]); adds to z. The log-odds are summed
// in column order in both layouts, so a row scores the same whatever the layout.
NPSCORE_CLONES_AVX2
void FillTile(const double* values, size_t rows, size_t p, bool row_major, const double* w,
              const double* ref, size_t r0, size_t t, size_t j0, size_t j1, double* c,
              double* z) {
  if (row_major) {
    for (size_t r = 0; r < t; ++r) {
      const double* x = values + (r0 + r) * p;
      double zr = z[r];
      for (size_t j = j0; j < j1; ++j) {
        zr += w[j] * x[j];
        c[(j - j0) * kTile + r] = w[j] * (x[j] - ref[j]);
      }
      z[r] = zr;
    }
  } else {
    for (size_t j = j0; j < j1; ++j) {
      const double* x = values + j * rows + r0;
      double* cj = c + (j - j0) * kTile;
      const double wj = w[j], rj = ref[j];
      for (size_t r = 0; r < t; ++r) {
        z[r] += wj * x[r];
        cj[r] = wj * (x[r] - rj);
      }
    }
  }
}

template <size_t K>
NPSCORE_CLONES_AVX2 void TopKTileK(const double* c, size_t p, ExplainTile* s) {
  TopKTile<K>(c, p, s->v);
}

// The reasons kernel over rows [first, last), a tile of rows at a time: the
// contributions and log-odds, then per row the probability and the top
// reasons. Non-finite log-odds mean a non-finite value in the row: the row is
// scanned again to name it. No allocation.
absl::Status ExplainRows(const ChurnModel& m, const MatrixView& X, size_t top, size_t first,
                         size_t last, ExplainTile* s, absl::Span<double> proba,
                         absl::Span<int32_t> features, absl::Span<double> contributions) {
  const size_t p = m.coef.size();
  const double* w = m.coef.data();
  const double* ref = m.reference.data();
  double* out_p = proba.data();
  int32_t* out_f = features.data();
  double* out_c = contributions.data();
  const double* values = X.values.data();
  const bool one_pass = p <= 512;  // else probabilities first, reasons per row
  for (size_t r0 = first; r0 < last; r0 += kTile) {
    const size_t t = std::min(kTile, last - r0);
    for (size_t r = 0; r < t; ++r) s->z[r] = m.intercept;
    for (size_t j0 = 0; j0 < p; j0 += 512) {
      FillTile(values, X.rows, p, X.row_major, w, ref, r0, t, j0, std::min(p, j0 + 512), s->c.data(),
               s->z);
    }
    for (size_t r = 0; r < t; ++r) {
      const size_t i = r0 + r;
      const double z = s->z[r];
      if (!std::isfinite(z)) {
        for (size_t j = 0; j < p; ++j) {
          const double x = X.at(i, j);
          if (!std::isfinite(x)) {
            return absl::InvalidArgumentError(absl::StrCat(
                "X at row ", i, ", column ", ColumnText(j, m.feature_names), " is ",
                ValueText(x), ": values must be finite"));
          }
        }
        return absl::InvalidArgumentError(
            absl::StrCat("X at row ", i, ": the log-odds overflow (values too large)"));
      }
      out_p[i] = Sigmoid(z);
    }
    if (top == 0) continue;
    if (one_pass && top <= 4) {
      switch (top) {
        case 1: TopKTileK<1>(s->c.data(), p, s); break;
        case 2: TopKTileK<2>(s->c.data(), p, s); break;
        case 3: TopKTileK<3>(s->c.data(), p, s); break;
        default: TopKTileK<4>(s->c.data(), p, s); break;
      }
      for (size_t r = 0; r < t; ++r) {
        int32_t* vf = out_f + (r0 + r) * top;
        double* vc = out_c + (r0 + r) * top;
        for (size_t k = 0; k < top; ++k) {
          const double tag = s->v[k][r];
          if (tag > 0) {
            const size_t j = TagColumn(tag);
            vf[k] = static_cast<int32_t>(j);
            vc[k] = s->c[j * kTile + r];
          } else {
            vf[k] = -1;
            vc[k] = 0;
          }
        }
      }
    } else {
      // Wide models or many reasons: per row, over the columns in slices.
      for (size_t r = 0; r < t; ++r) {
        int32_t* vf = out_f + (r0 + r) * top;
        double* vc = out_c + (r0 + r) * top;
        for (size_t k = 0; k < top; ++k) {
          vc[k] = 0;
          vf[k] = -1;
        }
      }
      for (size_t j0 = 0; j0 < p; j0 += 512) {
        const size_t j1 = std::min(p, j0 + 512);
        double zdummy[kTile] = {};
        FillTile(values, X.rows, p, X.row_major, w, ref, r0, t, j0, j1, s->c.data(), zdummy);
        for (size_t r = 0; r < t; ++r) {
          int32_t* vf = out_f + (r0 + r) * top;
          double* vc = out_c + (r0 + r) * top;
          for (size_t j = j0; j < j1; ++j) {
            const double x = s->c[(j - j0) * kTile + r];
            if (!(x > vc[top - 1])) continue;
            size_t k = top - 1;
            while (k > 0 && x > vc[k - 1]) {
              vc[k] = vc[k - 1];
              vf[k] = vf[k - 1];
              --k;
            }
            vc[k] = x;
            vf[k] = static_cast<int32_t>(j);
          }
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

namespace {

// ExplainChurn with 0..kMaxReasons reasons (0: probabilities only).
absl::Status Explain(const ChurnModel& model, const MatrixView& X, int top,
                     absl::Span<double> proba, absl::Span<int32_t> features,
                     absl::Span<double> contributions, int threads) {
  NPSCORE_RETURN_IF_ERROR(CheckChurnInput(model, X));
  NPSCORE_RETURN_IF_ERROR(internal::CheckThreads(threads));
  const size_t n = X.rows, k = static_cast<size_t>(top), p = X.cols;
  if (proba.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("proba has ", proba.size(), " slots for ", n, " rows"));
  }
  if (features.size() != n * k || contributions.size() != n * k) {
    return absl::InvalidArgumentError(absl::StrCat(
        "features and contributions need rows * top = ", n * k, " slots, got ",
        features.size(), " and ", contributions.size()));
  }
  if (model.reference.size() != p) {
    return absl::InvalidArgumentError("the model has no reference for each feature");
  }
  return internal::RunChunks(n, AutoThreads(threads, n, p), [&](size_t, size_t first, size_t last) {
    auto tile = std::make_unique<ExplainTile>(p);
    return ExplainRows(model, X, k, first, last, tile.get(), proba, features, contributions);
  });
}

}  // namespace

namespace {

// The rules in the form the reasons pass reads: each column's group slot,
// and each group's first column.
struct RuleTable {
  std::vector<uint32_t> slot;   // column -> group slot
  std::vector<int32_t> lead;    // slot -> first column of the group
  std::vector<uint8_t> agrees;  // column: coefficient has the documented sign
  bool trivial = true;          // every column its own reason, no condition
};

absl::StatusOr<RuleTable> MakeRuleTable(const ChurnModel& m,
                                        absl::Span<const ChurnReasonRule> rules) {
  const size_t p = m.coef.size();
  RuleTable t;
  if (rules.empty()) {
    for (size_t j = 0; j < p; ++j) {
      t.slot.push_back(static_cast<uint32_t>(j));
      t.lead.push_back(static_cast<int32_t>(j));
      t.agrees.push_back(1);
    }
    return t;
  }
  if (rules.size() != p) {
    return absl::InvalidArgumentError(absl::StrCat("rules has ", rules.size(),
                                                   " entries but the model has ", p, " features"));
  }
  absl::flat_hash_map<std::string, uint32_t> groups;
  for (size_t j = 0; j < p; ++j) {
    const ChurnReasonRule& r = rules[j];
    if (r.direction < -1 || r.direction > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "rule of column ", ColumnText(j, m.feature_names), " has direction ", r.direction,
          ": it must be -1, 0 or 1"));
    }
    if (r.when_column < -1 || r.when_column >= static_cast<int64_t>(p)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "rule of column ", ColumnText(j, m.feature_names), " has when_column ", r.when_column,
          ": it must be -1 or a column 0..", p - 1));
    }
    if (r.when_column >= 0 && !(r.when_above == r.when_above)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "rule of column ", ColumnText(j, m.feature_names), " has when_above NaN"));
    }
    uint32_t g = static_cast<uint32_t>(t.lead.size());
    if (!r.group.empty()) {
      auto [it, inserted] = groups.emplace(r.group, g);
      if (!inserted) g = it->second;
    }
    if (g == t.lead.size()) t.lead.push_back(static_cast<int32_t>(j));
    t.slot.push_back(g);
    const double w = m.coef[j];
    t.agrees.push_back(r.direction == 0 || (r.direction > 0 ? w > 0 : w < 0));
    t.trivial &= r.when_column < 0 && t.agrees.back() && t.lead.size() == j + 1;
  }
  return t;
}

// The reasons of rows [first, last) under the rules: per row, the net
// contribution of each group of applicable columns (a column against its
// documented sign counted only where negative), shown when positive and
// carried by a column of the documented sign; the `top` largest, ties by
// first column.
void RuleReasons(const ChurnModel& m, const MatrixView& X, absl::Span<const ChurnReasonRule> rules,
                 const RuleTable& t, size_t top, size_t first, size_t last,
                 absl::Span<int32_t> features, absl::Span<double> contributions) {
  const size_t p = m.coef.size(), groups = t.lead.size();
  std::vector<double> net(groups);
  std::vector<uint8_t> carried(groups);
  for (size_t i = first; i < last; ++i) {
    std::fill(net.begin(), net.end(), 0.0);
    std::fill(carried.begin(), carried.end(), uint8_t{0});
    for (size_t j = 0; j < p; ++j) {
      if (!rules.empty()) {
        const ChurnReasonRule& r = rules[j];
        if (r.when_column >= 0 && !(X.at(i, static_cast<size_t>(r.when_column)) > r.when_above)) {
          continue;
        }
      }
      // A column whose coefficient contradicts its direction may lower a
      // reason, never raise it (a high score is never a churn reason).
      const double c = m.coef[j] * (X.at(i, j) - m.reference[j]);
      net[t.slot[j]] += t.agrees[j] ? c : std::min(c, 0.0);
      carried[t.slot[j]] |= static_cast<uint8_t>(c > 0 && t.agrees[j]);
    }
    int32_t* vf = features.data() + i * top;
    double* vc = contributions.data() + i * top;
    for (size_t k = 0; k < top; ++k) {
      vf[k] = -1;
      vc[k] = 0;
    }
    for (size_t g = 0; g < groups; ++g) {
      const double x = net[g];
      if (!carried[g] || !(x > vc[top - 1])) continue;
      size_t k = top - 1;
      while (k > 0 && x > vc[k - 1]) {
        vc[k] = vc[k - 1];
        vf[k] = vf[k - 1];
        --k;
      }
      vc[k] = x;
      vf[k] = t.lead[g];
    }
  }
}

}  // namespace

absl::Status ExplainChurn(const ChurnModel& model, const MatrixView& X,
                          absl::Span<const ChurnReasonRule> rules, int top,
                          absl::Span<double> proba, absl::Span<int32_t> features,
                          absl::Span<double> contributions, int threads) {
  if (top < 1 || top > kMaxReasons) {
    return absl::InvalidArgumentError(absl::StrCat(
        "top is ", top, ": give 1..", kMaxReasons,
        " reasons per row (kMaxReasons; for probabilities alone, predict)"));
  }
  NPSCORE_ASSIGN_OR_RETURN(RuleTable t, MakeRuleTable(model, rules));
  if (t.trivial) return Explain(model, X, top, proba, features, contributions, threads);
  // Probabilities (and the checks of X and the outputs) by the kernel, then
  // the reasons under the rules.
  NPSCORE_RETURN_IF_ERROR(Explain(model, X, top, proba, features, contributions, threads));
  const size_t n = X.rows, k = static_cast<size_t>(top);
  return internal::RunChunks(n, AutoThreads(threads, n, X.cols),
                             [&](size_t, size_t first, size_t last) {
                               RuleReasons(model, X, rules, t, k, first, last, features,
                                           contributions);
                               return absl::OkStatus();
                             });
}

absl::Status ExplainChurn(const ChurnModel& model, const MatrixView& X, int top,
                          absl::Span<double> proba, absl::Span<int32_t> features,
                          absl::Span<double> contributions, int threads) {
  const std::vector<ChurnReasonRule> rules = DefaultChurnReasonRules(model.feature_names);
  return ExplainChurn(model, X, rules, top, proba, features, contributions, threads);
}

namespace {
// The name of a churn_features column (npscore/churn.h holds them).
std::string Name(ChurnFeatureColumn c) { return ChurnFeatureColumnName(c); }
}  // namespace

std::vector<ChurnReasonRule> DefaultChurnReasonRules(absl::Span<const std::string> names) {
  absl::flat_hash_map<std::string, int32_t> col;
  for (size_t j = 0; j < names.size(); ++j) col.emplace(names[j], static_cast<int32_t>(j));
  auto at = [&](const std::string& name) {
    auto it = col.find(name);
    return it == col.end() ? int32_t{-1} : it->second;
  };
  const int32_t answered = at(Name(ChurnFeatureColumn::kHasResponse));
  const int32_t n_responses = at(Name(ChurnFeatureColumn::kNResponses));
  const int32_t waiting = at(Name(ChurnFeatureColumn::kDaysDetractorWaiting));
  const int32_t followed_up = at(Name(ChurnFeatureColumn::kDetractorFollowedUp));
  struct Known {
    std::string name;
    bool history;     // in the score-history group
    int direction;
    int32_t when;     // condition column (-1: none)
    double above;
  };
  const Known known[] = {
      {Name(ChurnFeatureColumn::kScore), true, -1, answered, 0},
      {Name(ChurnFeatureColumn::kMeanScore), true, -1, answered, 0},
      {Name(ChurnFeatureColumn::kMinScore), true, -1, answered, 0},
      {Name(ChurnFeatureColumn::kSegmentDetractor), true, +1, answered, 0},
      {Name(ChurnFeatureColumn::kSegmentPassive), true, +1, answered, 0},
      {Name(ChurnFeatureColumn::kDetractorShare), true, +1, answered, 0},
      {Name(ChurnFeatureColumn::kScoreChange), true, -1, n_responses, 1},
      {Name(ChurnFeatureColumn::kSegmentChange), true, -1, n_responses, 1},
      {Name(ChurnFeatureColumn::kDaysSinceResponse), false, +1, answered, 0},
      {Name(ChurnFeatureColumn::kTenureDays), false, -1, answered, 0},
      {Name(ChurnFeatureColumn::kDaysDetractorWaiting), false, +1, waiting, 0},
      {Name(ChurnFeatureColumn::kDaysToFollowUp), false, +1, followed_up, 0},
      {Name(ChurnFeatureColumn::kDetractorFollowedUp), false, -1, -1, 0},
      {Name(ChurnFeatureColumn::kEarlyLifeDetractor), false, +1, -1, 0},
      {Name(ChurnFeatureColumn::kNResponses), false, -1, -1, 0},
      {Name(ChurnFeatureColumn::kHasResponse), false, -1, -1, 0},
      {Name(ChurnFeatureColumn::kCustomerAgeDays), false, -1, -1, 0},
  };
  std::vector<ChurnReasonRule> rules(names.size());
  for (const Known& k : known) {
    const int32_t j = at(k.name);
    if (j < 0) continue;
    ChurnReasonRule& r = rules[static_cast<size_t>(j)];
    if (k.history) r.group = kScoreHistoryGroup;
    r.direction = k.direction;
    // A condition on a column the model lacks is dropped: without
    // has_response (the prior's own columns aside) nothing tells the
    // filled-in rows apart.
    r.when_column = k.when;
    r.when_above = k.above;
  }
  return rules;
}

absl::Status PredictChurn(const ChurnModel& model, const MatrixView& X, absl::Span<double> out) {
  return Explain(model, X, 0, out, {}, {}, 0);
}

// --- Prior model -------------------------------------------------------------

double ConvertHorizon(double rate, double from_days, double horizon_days) {
  if (rate >= 1) return 1;
  return -std::expm1(horizon_days / from_days * std::log1p(-rate));
}

absl::StatusOr<ChurnModel> PriorChurnModel(double horizon_days, const ChurnPriorRates& rates,
                                           const ChurnPriorColumns& columns) {
  if (!(horizon_days > 0 && horizon_days <= kMaxChurnHorizonDays)) {
    return absl::InvalidArgumentError(absl::StrCat("horizon_days is ", ValueText(horizon_days),
                                                   ": it must be in (0, ", kMaxChurnHorizonDays,
                                                   "] days (kMaxChurnHorizonDays)"));
  }
  struct Named {
    const char* name;
    SegmentRate r;
  };
  const Named all[] = {{"detractor", rates.detractor},
                       {"early_life_detractor", rates.early_life_detractor},
                       {"passive", rates.passive},
                       {"promoter", rates.promoter},
                       {"baseline", rates.baseline}};
  double logit[5];
  for (int k = 0; k < 5; ++k) {
    const SegmentRate& r = all[k].r;
    if (!(r.rate > 0 && r.rate < 1)) {
      return absl::InvalidArgumentError(absl::StrCat("rate of ", all[k].name, " is ",
                                                     ValueText(r.rate),
                                                     ": it must be strictly between 0 and 1"));
    }
    if (!(r.horizon_days > 0 && r.horizon_days <= kMaxChurnHorizonDays)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "horizon of ", all[k].name, " is ", ValueText(r.horizon_days),
          " days: it must be in (0, ", kMaxChurnHorizonDays, "] (kMaxChurnHorizonDays)"));
    }
    const double ph = ConvertHorizon(r.rate, r.horizon_days, horizon_days);
    logit[k] = std::log(ph) - std::log1p(-ph);
    if (!std::isfinite(logit[k])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "horizon_days is ", ValueText(horizon_days), ": the ", all[k].name, " rate of ",
          ValueText(r.rate), " per ", ValueText(r.horizon_days), " days becomes ", ValueText(ph),
          " over it (", ph >= 0.5 ? "certain churn" : "no churn",
          "), which a logistic model cannot represent: choose a horizon closer to ",
          ValueText(r.horizon_days), " days"));
    }
  }
  ChurnModel m;
  m.is_prior = true;
  m.horizon_days = horizon_days;
  m.feature_names = {columns.detractor, columns.passive, columns.answered,
                     columns.early_life_detractor};
  absl::flat_hash_set<std::string> seen(m.feature_names.begin(), m.feature_names.end());
  if (seen.size() != 4) {
    return absl::InvalidArgumentError("the prior model's four column names must differ");
  }
  m.intercept = logit[4];
  // logit: detractor 0, early-life 1, passive 2, promoter 3, baseline 4.
  m.coef = {logit[0] - logit[3], logit[2] - logit[3], logit[3] - logit[4], logit[1] - logit[0]};
  m.reference.assign(4, 0.0);
  m.info.converged = true;
  // With churn_features' names the prior reads four columns of the design
  // made with sign-up times (early_life_detractor needs them).
  const ChurnPriorColumns defaults;
  if (columns.detractor == defaults.detractor && columns.passive == defaults.passive &&
      columns.answered == defaults.answered &&
      columns.early_life_detractor == defaults.early_life_detractor) {
    ChurnDesignSpec spec;
    spec.signup = true;
    NPSCORE_ASSIGN_OR_RETURN(const ChurnDesign full, MakeChurnDesign(spec));
    NPSCORE_ASSIGN_OR_RETURN(ChurnDesign own, SelectChurnDesignColumns(full, m.feature_names));
    NPSCORE_RETURN_IF_ERROR(AttachChurnDesign(std::move(own), &m));
  }
  return m;
}

// --- Evaluation -----------------------------------------------------------------

absl::StatusOr<ChurnEvaluation> EvaluateChurn(absl::Span<const double> y,
                                              absl::Span<const double> p, int bins) {
  const size_t n = y.size();
  if (p.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("p has ", p.size(), " values but y has ", n));
  }
  if (bins < 1 || bins > kMaxReliabilityBins) {
    return absl::InvalidArgumentError(absl::StrCat("bins is ", bins, ": it must be in 1..",
                                                   kMaxReliabilityBins, " (kMaxReliabilityBins)"));
  }
  if (n == 0) {
    return absl::InvalidArgumentError("y and p have no rows: there is nothing to evaluate");
  }
  if (n > kMaxEvaluationRows) {
    return absl::InvalidArgumentError(absl::StrCat(
        "y has ", n, " rows: at most ", kMaxEvaluationRows, " (kMaxEvaluationRows) per evaluation"));
  }
  ChurnEvaluation e;
  e.n = static_cast<int64_t>(n);
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  double brier = 0, ll = 0;
  for (size_t i = 0; i < n; ++i) {
    const double yi = y[i], pi = p[i];
    if (yi != 0 && yi != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "label at row ", i, " is ", ValueText(yi), ": labels must be 0 or 1"));
    }
    if (!(pi >= 0 && pi <= 1)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "probability at row ", i, " is ", ValueText(pi), ": it must be in [0, 1]"));
    }
    e.positives += yi == 1;
    brier += (pi - yi) * (pi - yi);
    const double pc = std::min(std::max(pi, kEps), 1 - kEps);
    ll -= yi == 1 ? std::log(pc) : std::log1p(-pc);
  }
  const int64_t negatives = e.n - e.positives;
  if (e.positives == 0 || negatives == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "y has only class ", e.positives == 0 ? 0 : 1,
        ": AUC and lift need both churners and non-churners"));
  }
  e.brier = brier / n;
  e.log_loss = ll / n;
  e.base_rate = static_cast<double>(e.positives) / n;

  // Ascending by p, ties in row order.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return p[a] < p[b]; });
  // AUC: each positive counts the negatives below it, plus half the tied ones.
  double below = 0, pairs = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    double pos = 0, neg = 0;
    while (j < n && p[order[j]] == p[order[i]]) {
      (y[order[j]] == 1 ? pos : neg) += 1;
      ++j;
    }
    pairs += pos * (below + 0.5 * neg);
    below += neg;
    i = j;
  }
  e.auc = pairs / (static_cast<double>(e.positives) * static_cast<double>(negatives));
  // Reliability: equal-count bins in sorted order.
  for (int b = 0; b < bins; ++b) {
    const size_t lo = n * b / bins, hi = n * (b + 1) / bins;
    ReliabilityBin rb;
    rb.count = static_cast<int64_t>(hi - lo);
    double sp = 0, sy = 0;
    for (size_t i = lo; i < hi; ++i) {
      sp += p[order[i]];
      sy += y[order[i]];
    }
    rb.mean_predicted = rb.count ? sp / rb.count : internal::kNaN;
    rb.observed_rate = rb.count ? sy / rb.count : internal::kNaN;
    e.reliability.push_back(rb);
  }
  const size_t top = (n + 9) / 10;
  double sy = 0;
  for (size_t i = n - top; i < n; ++i) sy += y[order[i]];
  e.top_decile_rate = sy / top;
  e.lift = e.top_decile_rate / e.base_rate;
  return e;
}

}  // namespace npscore
