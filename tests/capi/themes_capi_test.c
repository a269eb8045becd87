/* Tests of the themes module's C ABI (npscore/c_api.h), as a C99 caller sees
 * it: the default and a custom taxonomy on tricky text, invalid UTF-8, and
 * the Feature Impact table of docs/sources.md §6 (45 x 12,000 = 540,000; 120 x
 * 8,000 = 960,000; 85 x 5,000 = 425,000). Prints "N passed, M failed";
 * exits non-zero on any failure. */

#include "check.h"

static void test_default_tagger(void) {
  npscore_themes_tagger *t = NULL;
  const char *name = NULL;
  const char *texts[5] = {"The app keeps CRASHING!!", "Trop cher: the price hike hurt", NULL, "",
                          "Support was tr\xC3\xA8s helpful, so sloooow though"};
  uint8_t out[5 * 9];
  size_t j, bug = 99, pricing = 99, support = 99, perf = 99;
  CHECK_CALL(NPSCORE_OK, npscore_themes_tagger_new(&t, NULL, 0, NULL), NULL);
  CHECK(npscore_themes_tagger_size(t) == 9);
  for (j = 0; j < 9; ++j) {
    CHECK_CALL(NPSCORE_OK, npscore_themes_tagger_name(&name, t, j, NULL), NULL);
    if (strcmp(name, "bug") == 0) bug = j;
    if (strcmp(name, "pricing") == 0) pricing = j;
    if (strcmp(name, "support") == 0) support = j;
    if (strcmp(name, "performance") == 0) perf = j;
  }
  CHECK(bug < 9 && pricing < 9 && support < 9 && perf < 9);
  CHECK_CALL(NPSCORE_EINVAL, npscore_themes_tagger_name(&name, t, 9, NULL), "j is 9", NULL);
  CHECK_CALL(NPSCORE_OK,
             npscore_themes_tagger_tag(out, (5) * npscore_themes_tagger_size(t), t, texts, NULL, 5, NPSCORE_INVALID_UTF8_ERROR, 0, NULL), NULL);
  CHECK(out[0 * 9 + bug] == 1 && out[0 * 9 + pricing] == 0);
  CHECK(out[1 * 9 + pricing] == 1 && out[1 * 9 + bug] == 0);
  for (j = 0; j < 9; ++j) CHECK(out[2 * 9 + j] == 0 && out[3 * 9 + j] == 0);
  CHECK(out[4 * 9 + support] == 1 && out[4 * 9 + perf] == 1);
  npscore_themes_tagger_free(t);
  npscore_themes_tagger_free(NULL);
  CHECK(npscore_themes_tagger_size(NULL) == 0);
}

static void test_custom_tagger(void) {
  const char *bug_words[2] = {"bug", "debug*"};
  const char *ux_words[1] = {"easy to use"};
  npscore_themes_theme themes[2];
  npscore_themes_tagger *t = NULL;
  /* Lengths given: the embedded text stops before "bug" in the 2nd. */
  const char *texts[4] = {"debugger", "easy-to-use, no bug", "BUGS", "a bug \xC3\x28"};
  const size_t lengths[4] = {8, 11, 4, 8};
  uint8_t out[4 * 2];
  themes[0].name = "bug";
  themes[0].keywords = bug_words;
  themes[0].n_keywords = 2;
  themes[1].name = "ux";
  themes[1].keywords = ux_words;
  themes[1].n_keywords = 1;
  CHECK_CALL(NPSCORE_OK, npscore_themes_tagger_new(&t, themes, 2, NULL), NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_themes_tagger_tag(out, (4) * npscore_themes_tagger_size(t), t, texts, lengths, 4, NPSCORE_INVALID_UTF8_ERROR, 1, NULL),
             "comment 3 is not valid UTF-8 (byte 6", NULL);
  CHECK_CALL(NPSCORE_OK,
             npscore_themes_tagger_tag(out, (4) * npscore_themes_tagger_size(t), t, texts, lengths, 4, NPSCORE_INVALID_UTF8_REPLACE, 1, NULL),
             NULL);
  CHECK(out[0] == 1 && out[1] == 0); /* debugger: the prefix keyword */
  CHECK(out[2] == 0 && out[3] == 1); /* "easy-to-use" (length 11) */
  CHECK(out[4] == 1 && out[5] == 0);
  CHECK(out[6] == 1 && out[7] == 0);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_themes_tagger_tag(out, (1) * npscore_themes_tagger_size(t), t, texts, NULL, 1, (int32_t)5, 0, NULL),
             "invalid is 5", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_themes_tagger_tag(out, (1) * npscore_themes_tagger_size(t), t, NULL, NULL, 1, NPSCORE_INVALID_UTF8_ERROR, 0, NULL),
             "texts", NULL);
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_themes_tagger_tag(out, 7, t, texts, lengths, 4, NPSCORE_INVALID_UTF8_ERROR, 1, NULL),
             "out has capacity 7 but the result needs 8", NULL);
  npscore_themes_tagger_free(t);

  t = (npscore_themes_tagger *)&t;
  CHECK_CALL(NPSCORE_EINVAL, npscore_themes_tagger_new(&t, themes, 0, NULL), "taxonomy is empty", NULL);
  CHECK(t == NULL);
  themes[1].n_keywords = 0;
  CHECK_CALL(NPSCORE_EINVAL, npscore_themes_tagger_new(&t, themes, 2, NULL), "\"ux\" has no keywords", NULL);
  themes[1].name = NULL;
  CHECK_CALL(NPSCORE_ENULL, npscore_themes_tagger_new(&t, themes, 2, NULL), "themes[1].name", NULL);
}

static void test_feature_impact_table(void) {
  enum { N = 260 };
  static uint8_t ind[N];
  static int8_t seg[N];
  static double clv[N];
  npscore_themes_impact_row row;
  int i;
  for (i = 0; i < N; ++i) {
    ind[i] = i < 250;
    if (i < 45 || i >= 250) {
      seg[i] = 1;
      clv[i] = 12000;
    } else if (i < 165) {
      seg[i] = 0;
      clv[i] = 8000;
    } else {
      seg[i] = -1;
      clv[i] = 5000;
    }
  }
  CHECK_CALL(NPSCORE_OK, npscore_themes_impact(&row, 1, ind, 1, seg, clv, N, NPSCORE_IMPACT_CLV_SEGMENT, NULL),
             NULL);
  CHECK(row.theme == 0 && row.mentions == 250);
  CHECK(row.segment_mentions[0] == 85 && row.segment_mentions[1] == 120 && row.segment_mentions[2] == 45);
  CHECK(row.segment_impact[0] == 425000.0);
  CHECK(row.segment_impact[1] == 960000.0);
  CHECK(row.segment_impact[2] == 540000.0);
  CHECK(row.impact == 1925000.0);
  CHECK(row.driver == 0); /* passives first */
  CHECK_NEAR(row.nps, 100.0 * (45 - 85) / 250, 1e-12);
  CHECK(row.ci_low < row.nps && row.nps < row.ci_high);
  clv[3] = -1;
  CHECK_CALL(NPSCORE_EINVAL, npscore_themes_impact(&row, 1, ind, 1, seg, clv, N, NPSCORE_IMPACT_CLV_SEGMENT, NULL),
             "clv at row 3 is -1", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_themes_impact(&row, 1, ind, 1, seg, clv, N, (int32_t)9, NULL), "basis is 9", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_themes_impact(&row, 1, NULL, 1, seg, clv, N, NPSCORE_IMPACT_CLV_SEGMENT, NULL), "indicators",
             NULL);
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_themes_impact(&row, 0, ind, 1, seg, clv, N, NPSCORE_IMPACT_CLV_SEGMENT, NULL),
             "out has capacity 0 but the result needs 1", NULL);
}

static void test_normalize_text(void) {
  /* "L\xc3\xb6ve the UI!!": the o with umlaut folds to o, punctuation separates. */
  static const char text[] = "L\xc3\xb6ve  the UI!!";
  static const char bad[] = "ok \xff then";
  char out[64];
  char small[5];
  size_t len = 0;
  npscore_error err;
  CHECK_CALL(NPSCORE_OK,
             npscore_themes_normalize_text(out, sizeof out, &len, text, strlen(text),
                                           NPSCORE_INVALID_UTF8_ERROR, &err),
             NULL);
  CHECK(strcmp(out, "love the ui") == 0 && len == 11 && err.status == NPSCORE_OK);
  /* Too small: NPSCORE_ERANGE, and the length needed; NULL out: the same. */
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_themes_normalize_text(small, sizeof small, &len, text, strlen(text),
                                           NPSCORE_INVALID_UTF8_ERROR, NULL),
             "out has capacity 5 but the result needs 12", NULL);
  CHECK(len == 11);
  len = 0;
  CHECK_CALL(NPSCORE_ENULL,
             npscore_themes_normalize_text(NULL, 0, &len, text, strlen(text),
                                           NPSCORE_INVALID_UTF8_ERROR, NULL),
             "out", NULL);
  CHECK(len == 11);
  /* Invalid UTF-8: an error naming the byte, or a word separator. */
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_themes_normalize_text(out, sizeof out, &len, bad, strlen(bad),
                                           NPSCORE_INVALID_UTF8_ERROR, NULL),
             "byte 3", NULL);
  CHECK_CALL(NPSCORE_OK,
             npscore_themes_normalize_text(out, sizeof out, &len, bad, strlen(bad),
                                           NPSCORE_INVALID_UTF8_REPLACE, NULL),
             NULL);
  CHECK(strcmp(out, "ok then") == 0);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_themes_normalize_text(out, sizeof out, &len, text, 3, 7, NULL),
             "invalid is 7", NULL);
  CHECK_CALL(NPSCORE_OK, npscore_themes_normalize_text(out, 1, &len, NULL, 0,
                                                       NPSCORE_INVALID_UTF8_ERROR, NULL),
             NULL);
  CHECK(out[0] == '\0' && len == 0);
}

int main(void) {
  (void)kZ95;
  test_normalize_text();
  test_default_tagger();
  test_custom_tagger();
  test_feature_impact_table();
  return check_summary();
}
