// The C ABI of the themes module (npscore/c_api.h): thin wrappers over
// npscore/themes.h.

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/themes.h"

// The C header repeats the core's bound: they must agree.
static_assert(NPSCORE_MAX_THEMES == npscore::kMaxThemes, "themes");

struct npscore_themes_tagger {
  npscore::ThemeTagger tagger;
};

namespace {

// Reads an npscore_themes_invalid_utf8 value into *out.
npscore_status ReadInvalidUtf8(npscore::capi::Call& call, int32_t invalid,
                               npscore::InvalidUtf8* out) {
  if (invalid != NPSCORE_INVALID_UTF8_ERROR && invalid != NPSCORE_INVALID_UTF8_REPLACE) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("invalid is ", invalid),
                     ": use NPSCORE_INVALID_UTF8_ERROR (0) or NPSCORE_INVALID_UTF8_REPLACE (1)");
  }
  *out = invalid == NPSCORE_INVALID_UTF8_REPLACE ? npscore::InvalidUtf8::kReplace
                                                 : npscore::InvalidUtf8::kError;
  return NPSCORE_OK;
}

}  // namespace

extern "C" {

NPSCORE_API npscore_status npscore_themes_tagger_new(npscore_themes_tagger** out,
                                                     const npscore_themes_theme* themes,
                                                     size_t n_themes, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  std::vector<npscore::Theme> taxonomy;
  if (themes == nullptr && n_themes == 0) {
    taxonomy = npscore::DefaultTaxonomy();
  } else {
    NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, themes, n_themes, "themes"));
    if (n_themes == 0) {
      return call.Fail(NPSCORE_EINVAL, "the taxonomy is empty",
                       ": give at least one theme (or NULL and 0 for the default taxonomy)");
    }
    for (size_t t = 0; t < n_themes; ++t) {
      const npscore_themes_theme& th = themes[t];
      if (th.name == nullptr) return call.Null(absl::StrCat("themes[", t, "].name"));
      if (th.keywords == nullptr && th.n_keywords > 0) {
        return call.Null(absl::StrCat("themes[", t, "].keywords"));
      }
      npscore::Theme theme{th.name, {}};
      for (size_t k = 0; k < th.n_keywords; ++k) {
        if (th.keywords[k] == nullptr) return call.Null(absl::StrCat("themes[", t, "].keywords[", k, "]"));
        theme.keywords.emplace_back(th.keywords[k]);
      }
      taxonomy.push_back(std::move(theme));
    }
  }
  auto tagger = npscore::ThemeTagger::Create(std::move(taxonomy));
  if (!tagger.ok()) return call.Fail(tagger.status());
  *out = new npscore_themes_tagger{*std::move(tagger)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_themes_tagger_size(const npscore_themes_tagger* tagger) {
  return tagger == nullptr ? 0 : tagger->tagger.n_themes();
}

NPSCORE_API npscore_status npscore_themes_tagger_name(const char** out,
                                                      const npscore_themes_tagger* tagger,
                                                      size_t j, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(tagger);
  const auto& taxonomy = tagger->tagger.taxonomy();
  if (j >= taxonomy.size()) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("j is ", j),
                     absl::StrCat(": the tagger has ", taxonomy.size(), " themes"));
  }
  *out = taxonomy[j].name.c_str();
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_themes_tagger_tag(uint8_t* out, size_t out_capacity,
                                                     const npscore_themes_tagger* tagger,
                                                     const char* const* texts,
                                                     const size_t* lengths, size_t n,
                                                     int32_t invalid, int32_t threads,
                                                     npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(tagger);
  const size_t n_themes = tagger->tagger.n_themes();
  if (n_themes > 0 && n > SIZE_MAX / n_themes) {
    return call.Fail(NPSCORE_EINVAL, "n x the tagger's themes overflows");
  }
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckOutput(call, out, out_capacity, n * n_themes, "out"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, texts, n, "texts"));
  if (lengths != nullptr) {
    NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, lengths, n, "lengths"));
  }
  npscore::TagOptions opt;
  NPSCORE_C_RETURN_IF_ERROR(ReadInvalidUtf8(call, invalid, &opt.invalid_utf8));
  std::vector<absl::string_view> views(n);
  for (size_t i = 0; i < n; ++i) {
    if (texts[i] == nullptr) continue;
    views[i] = lengths != nullptr ? absl::string_view(texts[i], lengths[i]) : absl::string_view(texts[i]);
  }
  opt.threads = threads;
  auto ind = tagger->tagger.Tag(views, opt);
  if (!ind.ok()) return call.Fail(ind.status());
  if (ind->values.size() != n * n_themes) {
    return call.Fail(NPSCORE_EINTERNAL, absl::StrCat("the tagger gave ", ind->values.size(),
                                                     " indicators, not ", n * n_themes));
  }
  if (!ind->values.empty()) std::memcpy(out, ind->values.data(), ind->values.size());
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_themes_tagger_free(npscore_themes_tagger* tagger) { delete tagger; }

NPSCORE_API npscore_status npscore_themes_normalize_text(char* out, size_t out_capacity,
                                                         size_t* out_length, const char* text,
                                                         size_t length, int32_t invalid,
                                                         npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out_length);
  if (text == nullptr && length > 0) return call.Null("text", " is NULL but length is not 0");
  npscore::InvalidUtf8 mode;
  NPSCORE_C_RETURN_IF_ERROR(ReadInvalidUtf8(call, invalid, &mode));
  auto folded = npscore::NormalizeText(absl::string_view(text == nullptr ? "" : text, length),
                                       mode == npscore::InvalidUtf8::kReplace);
  if (!folded.ok()) return call.Fail(folded.status());
  *out_length = folded->size();  // the size needed, also when out is too small
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckCapacity(call, "out", out_capacity, folded->size() + 1));
  std::memcpy(out, folded->data(), folded->size());
  out[folded->size()] = '\0';
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_themes_impact(npscore_themes_impact_row* out,
                                                 size_t out_capacity, const uint8_t* indicators,
                                                 size_t n_themes, const int8_t* segment,
                                                 const double* clv, size_t n, int32_t basis,
                                                 npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  if (n_themes < 1 || n_themes > static_cast<size_t>(npscore::kMaxThemes)) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("n_themes is ", n_themes),
                     absl::StrCat(": it must be in 1..", npscore::kMaxThemes,
                                  " (NPSCORE_MAX_THEMES)"));
  }
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckOutput(call, out, out_capacity, n_themes, "out"));
  if (n_themes > 0 && n > SIZE_MAX / n_themes) {
    return call.Fail(NPSCORE_EINVAL, "n x n_themes overflows");
  }
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, indicators, n * n_themes, "indicators"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, segment, n, "segment"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, clv, n, "clv"));
  if (basis != NPSCORE_IMPACT_CLV_SEGMENT && basis != NPSCORE_IMPACT_CLV_MENTIONERS) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("basis is ", basis),
                     ": use NPSCORE_IMPACT_CLV_SEGMENT (0) or NPSCORE_IMPACT_CLV_MENTIONERS (1)");
  }
  auto t = npscore::ThemeImpact(absl::Span<const uint8_t>(indicators, n * n_themes),
                                static_cast<int64_t>(n_themes), absl::Span<const int8_t>(segment, n),
                                absl::Span<const double>(clv, n),
                                basis == NPSCORE_IMPACT_CLV_MENTIONERS ? npscore::ImpactClv::kMentioners
                                                                     : npscore::ImpactClv::kSegment);
  if (!t.ok()) return call.Fail(t.status());
  if (t->size() != n_themes) {
    return call.Fail(NPSCORE_EINTERNAL, absl::StrCat("the impact table has ", t->size(),
                                                     " rows, not ", n_themes));
  }
  for (size_t r = 0; r < t->size(); ++r) {
    npscore_themes_impact_row& row = out[r];
    row.theme = t->theme[r];
    row.mentions = t->mentions[r];
    for (size_t k = 0; k < 3; ++k) {
      row.segment_mentions[k] = t->segment_mentions[r * 3 + k];
      row.segment_clv[k] = t->segment_clv[r * 3 + k];
      row.segment_impact[k] = t->segment_impact[r * 3 + k];
    }
    row.impact = t->impact[r];
    row.mentioner_clv = t->mentioner_clv[r];
    row.nps = t->nps[r];
    row.ci_low = t->ci_low[r];
    row.ci_high = t->ci_high[r];
    row.driver = t->driver[r];
  }
  return call.Ok();
  NPSCORE_C_END
}

}  // extern "C"
