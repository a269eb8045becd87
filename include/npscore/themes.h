// npscore/themes.h: which problems to fix first: theme tagging of comments and revenue-weighted theme impact.

#ifndef NPSCORE_THEMES_H_
#define NPSCORE_THEMES_H_

namespace npscore {}  // namespace npscore

#endif  // NPSCORE_THEMES_H_
