// Account roll-up (B2B): account-level NPS by pooling all responses, by one
// vote per account (its mean score's segment) or by each contact's latest
// response, optionally weighted by the account's value.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "npscore/health.h"
#include "src/internal/latest.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

using internal::AsScore;
using internal::CheckLength;
using internal::EmptySummary;
using internal::ForEachValidBlock;
using internal::IsMissing;
using internal::kNaN;
using internal::SegmentIndex;
using internal::Tally;
using internal::ValueText;

using ContactKey = std::pair<int64_t, int64_t>;  // (account, contact)

// The latest response of one contact so far (internal/latest.h: rows come
// in ascending order, so a tie goes to the later row).
struct Latest {
  int64_t time;
  int64_t row;
};

absl::Status CheckAccountInputs(size_t rows, size_t accounts, size_t contacts, size_t times,
                                RollUp how, int64_t n_accounts,
                                absl::Span<const double> weights, double min_n) {
  NPSCORE_RETURN_IF_ERROR(CheckLength("accounts", accounts, rows));
  if (contacts != 0) NPSCORE_RETURN_IF_ERROR(CheckLength("contacts", contacts, rows));
  if (times != 0) NPSCORE_RETURN_IF_ERROR(CheckLength("times", times, rows));
  if (how == RollUp::kLatest && (contacts == 0 || times == 0)) {
    return absl::InvalidArgumentError(
        "the latest-response roll-up needs contact ids and response times");
  }
  if (n_accounts < 0 || n_accounts > kMaxAccounts) {
    return absl::InvalidArgumentError(
        absl::StrCat("n_accounts is ", n_accounts, ": must be between 0 and ", kMaxAccounts,
                     " (kMaxAccounts)"));
  }
  if (!weights.empty()) {
    if (weights.size() != static_cast<size_t>(n_accounts)) {
      return absl::InvalidArgumentError(absl::StrCat("account_weights has ", weights.size(),
                                                     " entries but there are ", n_accounts,
                                                     " accounts"));
    }
    for (size_t a = 0; a < weights.size(); ++a) {
      const double w = weights[a];
      if (!(w >= 0 && w <= std::numeric_limits<double>::max())) {
        return absl::InvalidArgumentError(absl::StrCat("weight of account ", a, " is ",
                                                       ValueText(w),
                                                       ": weights must be finite and >= 0"));
      }
    }
  }
  if (!(min_n >= 0 && min_n <= std::numeric_limits<double>::max())) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_n is ", ValueText(min_n), ": must be finite and >= 0"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RollUp> ParseRollUp(absl::string_view name) {
  const std::string s = absl::AsciiStrToLower(name);
  if (s == "pooled") return RollUp::kPooled;
  if (s == "average") return RollUp::kAverage;
  if (s == "latest") return RollUp::kLatest;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown account roll-up \"", name, "\": use \"pooled\", \"average\" or \"latest\""));
}

template <typename T>
absl::StatusOr<AccountTable> AccountNps(absl::Span<const T> scores,
                                        absl::Span<const int64_t> accounts, int64_t n_accounts,
                                        absl::Span<const int64_t> contacts,
                                        absl::Span<const int64_t> times, RollUp how,
                                        absl::Span<const double> account_weights, double min_n,
                                        const ScoreOptions& options,
                                        const IntervalOptions& interval) {
  const Cutoffs& cut = options.cutoffs;
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(cut));
  NPSCORE_RETURN_IF_ERROR(ValidateIntervalOptions(interval));
  NPSCORE_RETURN_IF_ERROR(CheckAccountInputs(scores.size(), accounts.size(), contacts.size(),
                                             times.size(), how, n_accounts, account_weights,
                                             min_n));
  const size_t A = static_cast<size_t>(n_accounts);
  const bool has_contacts = !contacts.empty();
  const bool latest = how == RollUp::kLatest;
  const T dmax = AsScore<T>(cut.detractor_max);
  const T pmax = AsScore<T>(cut.passive_max);
  const T* sp = scores.data();
  const int64_t* ap = accounts.data();
  const int64_t* cp = contacts.data();
  const int64_t* tp = times.data();

  // Per account: detractors, passives, promoters (3 slots), the sum of the
  // scores and the distinct contacts of the responses counted.
  std::vector<int64_t> seg(3 * A, 0), total(A, 0), n_contacts(A, 0);
  auto count = [&](size_t a, T x) {
    ++seg[3 * a + static_cast<size_t>(SegmentIndex(x, dmax, pmax))];
    total[a] += static_cast<int64_t>(x);
  };
  absl::flat_hash_set<ContactKey> seen;          // all responses: distinct contacts
  absl::flat_hash_map<ContactKey, Latest> last;  // kLatest: each contact's latest response
  int64_t skipped = 0;

  // One pass: validate, then count (or keep each contact's latest response).
  NPSCORE_RETURN_IF_ERROR(ForEachValidBlock(
      scores, 0, scores.size(), cut, options.missing,
      [&](size_t begin, size_t end, const Tally&) -> absl::Status {
        for (size_t i = begin; i < end; ++i) {
          const int64_t a = ap[i];
          if (a < 0) continue;
          if (a >= n_accounts) {
            return absl::InvalidArgumentError(absl::StrCat("account code at row ", i, " is ", a,
                                                           ": outside 0..", n_accounts - 1));
          }
          if (IsMissing(sp[i])) {
            ++skipped;
            continue;
          }
          if (!latest) {
            count(static_cast<size_t>(a), sp[i]);
            if (has_contacts && seen.insert(ContactKey{a, cp[i]}).second) {
              ++n_contacts[static_cast<size_t>(a)];
            }
            continue;
          }
          const int64_t t = tp[i];
          if (t == kMissingTime) {
            return absl::InvalidArgumentError(absl::StrCat(
                "time at row ", i, " is missing (NaT): the latest response needs a time"));
          }
          const int64_t row = static_cast<int64_t>(i);
          auto [it, inserted] = last.try_emplace(ContactKey{a, cp[i]}, Latest{t, row});
          if (!inserted && internal::IsLaterRow(t, it->second.time)) it->second = Latest{t, row};
        }
        return absl::OkStatus();
      }));
  if (latest) {
    for (const auto& kv : last) {
      const size_t a = static_cast<size_t>(kv.first.first);
      count(a, sp[static_cast<size_t>(kv.second.row)]);
      ++n_contacts[a];
    }
  }

  // Per account, then the overall summary over the accounts that are not small.
  AccountTable out;
  out.responses.assign(A, 0);
  if (has_contacts) out.contacts.assign(A, 0);
  out.mean_score.assign(A, kNaN);
  out.nps.assign(A, kNaN);
  out.segment.assign(A, kNoSegment);
  out.small.assign(A, 1);
  const bool weighted = !account_weights.empty();
  Counts votes;
  WeightedCounts wvotes;
  int64_t* vote[3] = {&votes.detractors, &votes.passives, &votes.promoters};
  double* wvote[3] = {&wvotes.detractors, &wvotes.passives, &wvotes.promoters};
  for (size_t a = 0; a < A; ++a) {
    const int64_t* c = &seg[3 * a];
    const int64_t n = c[0] + c[1] + c[2];
    out.responses[a] = n;
    if (has_contacts) out.contacts[a] = n_contacts[a];
    if (n == 0) continue;
    const double nn = static_cast<double>(n);
    const double mean = static_cast<double>(total[a]) / nn;
    out.mean_score[a] = mean;
    out.nps[a] = 100.0 * static_cast<double>(c[2] - c[0]) / nn;
    out.segment[a] = mean < cut.detractor_max + 1 ? -1 : (mean < cut.passive_max + 1 ? 0 : 1);
    out.small[a] = nn < min_n;
    if (out.small[a]) continue;
    const double w = weighted ? account_weights[a] : 1.0;
    if (how == RollUp::kAverage) {
      // One vote, the segment of the mean score.
      const size_t v = static_cast<size_t>(out.segment[a] + 1);
      *vote[v] += 1;
      *wvote[v] += w;
      wvotes.sum_w2 += w * w;
      wvotes.rows += 1;
    } else {
      // Every response counted; with weights, the account's weight is
      // counted once, spread evenly over its responses (w / n each), so an
      // account that answers more often does not weigh more: the overall
      // NPS is the weighted mean of the accounts' own NPS.
      const double wr = w / nn;
      for (size_t g = 0; g < 3; ++g) {
        *vote[g] += c[g];
        *wvote[g] += wr * static_cast<double>(c[g]);
      }
      wvotes.sum_w2 += nn * wr * wr;
      wvotes.rows += n;
    }
  }
  votes.skipped = wvotes.skipped = skipped;
  out.overall = EmptySummary(interval);
  out.overall.skipped = skipped;
  out.overall.weighted = weighted;
  if (weighted ? wvotes.total() > 0 : votes.n() > 0) {
    NPSCORE_ASSIGN_OR_RETURN(out.overall,
                             weighted ? Summarize(wvotes, interval) : Summarize(votes, interval));
  }
  return out;
}

#define NPSCORE_INSTANTIATE_(T)                                                            \
  template absl::StatusOr<AccountTable> AccountNps<T>(                                     \
      absl::Span<const T>, absl::Span<const int64_t>, int64_t, absl::Span<const int64_t>,  \
      absl::Span<const int64_t>, RollUp, absl::Span<const double>, double,                 \
      const ScoreOptions&, const IntervalOptions&);
NPSCORE_FOR_EACH_SCORE_TYPE(NPSCORE_INSTANTIATE_)
#undef NPSCORE_INSTANTIATE_

}  // namespace npscore
