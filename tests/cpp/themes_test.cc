#include "npscore/themes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace npscore {
namespace {

std::vector<std::string> Tags(const ThemeTagger& tagger, absl::string_view text,
                              InvalidUtf8 invalid = InvalidUtf8::kError) {
  std::vector<absl::string_view> comments{text};
  TagOptions o;
  o.invalid_utf8 = invalid;
  auto ind = tagger.Tag(comments, o);
  EXPECT_TRUE(ind.ok()) << ind.status();
  std::vector<std::string> out;
  if (!ind.ok()) return out;
  for (size_t t = 0; t < tagger.n_themes(); ++t) {
    if (ind->values[t]) out.push_back(tagger.taxonomy()[t].name);
  }
  return out;
}

using Names = std::vector<std::string>;

TEST(Normalize, FoldsCaseAccentsAndPunctuation) {
  EXPECT_EQ(*NormalizeText("Löve the UI!!"), "love the ui");
  EXPECT_EQ(*NormalizeText("Straße, ÉCOLE; Œuvre—Łódź"), "strasse ecole oeuvre lodz");
  EXPECT_EQ(*NormalizeText("  sign-up 👍 can't  "), "sign up can t");
  EXPECT_EQ(*NormalizeText("e\xCC\x81t\xC3\xA9"), "ete");  // decomposed e + U+0301, then é
  EXPECT_EQ(*NormalizeText("So sloooow, 1000 users"), "so slow 1000 users");
  EXPECT_EQ(*NormalizeText("Привет мир"), "Привет мир");  // other letters kept
  EXPECT_EQ(*NormalizeText(""), "");
  EXPECT_FALSE(NormalizeText("bad \xFF").ok());
  EXPECT_EQ(*NormalizeText("bad\xFFtext", true), "bad text");
}

TEST(ThemeTagger, WordBoundariesAndInflections) {
  auto tagger = ThemeTagger::Create({{"bug", {"bug"}}, {"debug", {"debug*"}}, {"price", {"price"}}});
  ASSERT_TRUE(tagger.ok()) << tagger.status();
  EXPECT_EQ(Tags(*tagger, "a bug"), (Names{"bug"}));
  EXPECT_EQ(Tags(*tagger, "BUGS!"), (Names{"bug"}));
  EXPECT_EQ(Tags(*tagger, "so buggy"), (Names{"bug"}));
  EXPECT_EQ(Tags(*tagger, "bugle and humbug"), (Names{}));
  EXPECT_EQ(Tags(*tagger, "the debugger"), (Names{"debug"}));  // only the prefix keyword
  EXPECT_EQ(Tags(*tagger, "pricing, priced, prices"), (Names{"price"}));
  EXPECT_EQ(Tags(*tagger, "priceless"), (Names{}));
}

TEST(ThemeTagger, PhrasesMultiLabelAndAccents) {
  auto tagger = ThemeTagger::Create(
      {{"usability", {"easy to use", "ui"}}, {"support", {"support", "customer service"}},
       {"cafe", {"café"}}});
  ASSERT_TRUE(tagger.ok());
  EXPECT_EQ(Tags(*tagger, "Super EASY-to-use; support was très helpful"), (Names{"usability", "support"}));
  EXPECT_EQ(Tags(*tagger, "easy to learn, hard to use"), (Names{}));
  EXPECT_EQ(Tags(*tagger, "Customer\tservice"), (Names{"support"}));
  EXPECT_EQ(Tags(*tagger, "customer, service"), (Names{"support"}));  // punctuation separates only
  EXPECT_EQ(Tags(*tagger, "CAFE and cafés"), (Names{"cafe"}));
  EXPECT_EQ(Tags(*tagger, "Löve the new UI 👍🏽"), (Names{"usability"}));
  EXPECT_EQ(Tags(*tagger, "👍"), (Names{}));
  EXPECT_EQ(Tags(*tagger, "日本語のUIです"), (Names{}));  // no word boundary around UI there
  EXPECT_EQ(Tags(*tagger, "日本語 UI"), (Names{"usability"}));
}

TEST(ThemeTagger, InvalidUtf8) {
  auto tagger = ThemeTagger::Create({{"bug", {"bug"}}});
  ASSERT_TRUE(tagger.ok());
  std::vector<absl::string_view> comments{"fine", "", "a bug \xC3\x28 here", "bug"};
  auto r = tagger->Tag(comments);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("comment 2 is not valid UTF-8 (byte 6 is 0xc3)"), std::string::npos);
  // Overlong "/", a surrogate, and a code point above U+10FFFF are invalid.
  for (absl::string_view bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
    std::vector<absl::string_view> one{bad};
    EXPECT_FALSE(tagger->Tag(one).ok()) << bad.size();
  }
  TagOptions o;
  o.invalid_utf8 = InvalidUtf8::kReplace;
  auto ok = tagger->Tag(comments, o);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->values, (std::vector<uint8_t>{0, 0, 1, 1}));
}

TEST(ThemeTagger, BadTaxonomies) {
  EXPECT_NE(ThemeTagger::Create({}).status().message().find("taxonomy is empty"), std::string::npos);
  EXPECT_NE(ThemeTagger::Create({{"a", {}}}).status().message().find("\"a\" has no keywords"), std::string::npos);
  EXPECT_NE(ThemeTagger::Create({{"a", {"x"}}, {"a", {"y"}}}).status().message().find("appears twice"),
            std::string::npos);
  EXPECT_NE(ThemeTagger::Create({{"", {"x"}}}).status().message().find("empty name"), std::string::npos);
  EXPECT_NE(ThemeTagger::Create({{"a", {"!!"}}}).status().message().find("has no word"), std::string::npos);
  EXPECT_NE(ThemeTagger::Create({{"a", {"\xFF"}}}).status().message().find("not valid UTF-8"), std::string::npos);
  // More themes than kMaxThemes: each comment would take that many indicators.
  std::vector<Theme> many;
  for (size_t t = 0; t <= kMaxThemes; ++t) many.push_back({"t" + std::to_string(t), {"w" + std::to_string(t)}});
  EXPECT_EQ(ThemeTagger::Create(many).status().message(),
            "the taxonomy has 1025 themes: at most 1024 (kMaxThemes)");
  many.pop_back();
  EXPECT_TRUE(ThemeTagger::Create(many).ok());
}

TEST(ThemeTagger, ThreadsAreBounded) {
  auto tagger = ThemeTagger::Create(DefaultTaxonomy());
  ASSERT_TRUE(tagger.ok());
  const std::vector<absl::string_view> comments = {"buggy app", "too expensive"};
  TagOptions o;
  o.threads = kMaxThreads + 1;
  EXPECT_EQ(tagger->Tag(comments, o).status().message(),
            "threads is 257: use 0 (automatic) or 1..256 (kMaxThreads)");
  o.threads = -1;
  EXPECT_FALSE(tagger->Tag(comments, o).ok());
  o.threads = kMaxThreads;  // more threads than comments: the same indicators
  auto many = tagger->Tag(comments, o);
  auto one = tagger->Tag(comments);
  ASSERT_TRUE(many.ok() && one.ok());
  EXPECT_EQ(many->values, one->values);
}

TEST(ThemeTagger, DefaultTaxonomyOnTypicalComments) {
  auto tagger = ThemeTagger::Create(DefaultTaxonomy());
  ASSERT_TRUE(tagger.ok()) << tagger.status();
  EXPECT_EQ(tagger->n_themes(), 9u);
  EXPECT_EQ(Tags(*tagger, "The app keeps crashing"), (Names{"bug"}));
  EXPECT_EQ(Tags(*tagger, "Way too pricey, and we were charged twice"), (Names{"pricing", "billing"}));
  EXPECT_EQ(Tags(*tagger, "So sloooow"), (Names{"performance"}));
  EXPECT_EQ(Tags(*tagger, "Please add SSO"), (Names{"feature_request"}));
  EXPECT_EQ(Tags(*tagger, "Great product, merci"), (Names{}));
}

TEST(ThemeTagger, ThreadsGiveTheSameIndicators) {
  auto tagger = ThemeTagger::Create(DefaultTaxonomy());
  ASSERT_TRUE(tagger.ok());
  const std::vector<std::string> pool{"bugs and slow pages", "pricing", "", "Onboarding was great",
                                      "support desk", "no themes here"};
  std::vector<absl::string_view> comments;
  for (int i = 0; i < 5000; ++i) comments.push_back(pool[i % pool.size()]);
  TagOptions one, three;
  one.threads = 1;
  three.threads = 3;
  auto a = tagger->Tag(comments, one), b = tagger->Tag(comments, three);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->values, b->values);
}

// docs/sources.md §6 / article 002: 45 promoters x $12,000 = 540,000; 120 passives
// x $8,000 = 960,000; 85 detractors x $5,000 = 425,000.
TEST(ThemeImpact, FeatureImpactTableExactly) {
  std::vector<uint8_t> ind;
  std::vector<int8_t> seg;
  std::vector<double> clv;
  auto add = [&](int count, int8_t s, double v, uint8_t mentions) {
    for (int i = 0; i < count; ++i) {
      ind.push_back(mentions);
      ind.push_back(0);
      seg.push_back(s);
      clv.push_back(v);
    }
  };
  add(45, 1, 12000, 1);
  add(120, 0, 8000, 1);
  add(85, -1, 5000, 1);
  add(10, 1, 12000, 0);  // customers not mentioning it
  for (ImpactClv basis : {ImpactClv::kSegment, ImpactClv::kMentioners}) {
    auto t = ThemeImpact(ind, 2, seg, clv, basis);
    ASSERT_TRUE(t.ok()) << t.status();
    ASSERT_EQ(t->theme, (std::vector<int64_t>{0, 1}));
    EXPECT_EQ(t->mentions[0], 250);
    EXPECT_EQ(t->segment_mentions[0], 85);
    EXPECT_EQ(t->segment_mentions[1], 120);
    EXPECT_EQ(t->segment_mentions[2], 45);
    EXPECT_EQ(t->segment_impact[0], 425000.0);
    EXPECT_EQ(t->segment_impact[1], 960000.0);
    EXPECT_EQ(t->segment_impact[2], 540000.0);
    EXPECT_EQ(t->impact[0], 1925000.0);
    EXPECT_EQ(t->driver[0], 0);  // passives first
    EXPECT_DOUBLE_EQ(t->nps[0], 100.0 * (45 - 85) / 250);
    EXPECT_EQ(t->mentions[1], 0);
    EXPECT_EQ(t->impact[1], 0.0);
    EXPECT_TRUE(std::isnan(t->nps[1]));
    EXPECT_EQ(t->driver[1], INT8_MIN);
  }
}

TEST(ThemeImpact, SegmentVersusMentionerAverages) {
  // Theme 0 is mentioned by one passive (CLV 100) and one detractor (CLV 30);
  // theme 1 by the other passive (CLV 300). Passive average 200, detractor 30.
  std::vector<uint8_t> ind{1, 0, 0, 1, 1, 0};
  std::vector<int8_t> seg{0, 0, -1};
  std::vector<double> clv{100, 300, 30};
  auto s = ThemeImpact(ind, 2, seg, clv, ImpactClv::kSegment);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->theme, (std::vector<int64_t>{0, 1}));  // 200 + 30 = 230 vs 200
  EXPECT_DOUBLE_EQ(s->impact[0], 230);
  EXPECT_DOUBLE_EQ(s->impact[1], 200);
  auto m = ThemeImpact(ind, 2, seg, clv, ImpactClv::kMentioners);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->theme, (std::vector<int64_t>{1, 0}));  // 300 vs 100 + 30
  EXPECT_DOUBLE_EQ(m->impact[0], 300);
  EXPECT_DOUBLE_EQ(m->impact[1], 130);
  EXPECT_DOUBLE_EQ(m->mentioner_clv[1], 130);
}

TEST(ThemeImpact, BadInput) {
  std::vector<uint8_t> ind{1, 0};
  std::vector<int8_t> seg{0, 1};
  std::vector<double> clv{1, -2};
  EXPECT_NE(ThemeImpact(ind, 1, seg, clv).status().message().find("clv at row 1 is -2"), std::string::npos);
  std::vector<double> ok{1, 2};
  std::vector<int8_t> bad_seg{0, 4};
  EXPECT_NE(ThemeImpact(ind, 1, bad_seg, ok).status().message().find("segment at row 1 is 4"), std::string::npos);
  std::vector<uint8_t> bad_ind{1, 2};
  EXPECT_NE(ThemeImpact(bad_ind, 1, seg, ok).status().message().find("row 1, theme 0 is 2"), std::string::npos);
  EXPECT_FALSE(ThemeImpact(ind, 2, seg, ok).ok());
  EXPECT_EQ(ThemeImpact(ind, 0, seg, ok).status().message(),
            "n_themes is 0: it must be in 1..1024 (kMaxThemes)");
  // n_themes sizes the table even without rows: bounded before allocating.
  EXPECT_EQ(ThemeImpact({}, int64_t{1} << 40, {}, {}).status().message(),
            "n_themes is 1099511627776: it must be in 1..1024 (kMaxThemes)");
  // rows x themes that overflows size_t is a length error, not a wrap-around.
  EXPECT_FALSE(ThemeImpact(ind, 1024, std::vector<int8_t>(2), std::vector<double>(2)).ok());
}

}  // namespace
}  // namespace npscore
