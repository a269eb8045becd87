// libFuzzer harness: caller strings -> the option parsers ParseFrequency,
// ParseAdjustment, ParseFlagMode, ParseRollUp, ParseIntervalMethod and
// ParseCompareTest (all ASCII case-insensitive). Each is checked
// against its table of accepted names below: a name is accepted exactly when
// the table has it, as the table's value; a refusal is InvalidArgument and
// quotes the name. Every accepted name round-trips: where the module has a
// name function (FlagModeName, IntervalMethodName, CompareTestName), the
// value's canonical name parses back to the value. A failed check aborts.
//
// Input: byte 0 selects the parser (% 6); the rest is the name.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "npscore/health.h"
#include "npscore/nps.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "options_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

template <typename E>
struct Spelling {
  const char* name;
  E value;
};

using npscore::Adjustment;
using npscore::CompareTest;
using npscore::FlagMode;
using npscore::Frequency;
using npscore::IntervalMethod;
using npscore::RollUp;

// The accepted names (health.h, nps.h; "ME"/"QE" are pandas' month- and
// quarter-end aliases, the same calendar periods).
constexpr Spelling<Frequency> kFrequencies[] = {
    {"d", Frequency::kDay},       {"day", Frequency::kDay},         {"w", Frequency::kWeek},
    {"w-mon", Frequency::kWeek},  {"week", Frequency::kWeek},       {"m", Frequency::kMonth},
    {"ms", Frequency::kMonth},    {"me", Frequency::kMonth},        {"month", Frequency::kMonth},
    {"q", Frequency::kQuarter},   {"qs", Frequency::kQuarter},      {"qe", Frequency::kQuarter},
    {"quarter", Frequency::kQuarter}};
constexpr Spelling<Adjustment> kAdjustments[] = {
    {"holm", Adjustment::kHolm},
    {"bh", Adjustment::kBenjaminiHochberg},
    {"fdr_bh", Adjustment::kBenjaminiHochberg},
    {"benjamini-hochberg", Adjustment::kBenjaminiHochberg},
    {"none", Adjustment::kNone}};
constexpr Spelling<FlagMode> kFlagModes[] = {{"alert", FlagMode::kAlert},
                                             {"review", FlagMode::kReview}};
constexpr Spelling<RollUp> kRollUps[] = {
    {"pooled", RollUp::kPooled}, {"average", RollUp::kAverage}, {"latest", RollUp::kLatest}};
constexpr Spelling<IntervalMethod> kMethods[] = {{"wald", IntervalMethod::kWald},
                                                 {"adjusted-wald", IntervalMethod::kAdjustedWald},
                                                 {"score", IntervalMethod::kScore}};
constexpr Spelling<CompareTest> kTests[] = {{"auto", CompareTest::kAuto},
                                            {"asymptotic", CompareTest::kAsymptotic},
                                            {"exact", CompareTest::kExact},
                                            {"mid-p", CompareTest::kMidP}};

const char* NoName(int) { return nullptr; }

// Parses `name` and checks the verdict against `table`; `canonical` is the
// module's name function (or NoName).
template <typename E, size_t N, typename Parse, typename Name>
void Check(const char* what, const Spelling<E> (&table)[N], bool fold_case, Parse parse,
           Name canonical, absl::string_view name) {
  const std::string key = fold_case ? absl::AsciiStrToLower(name) : std::string(name);
  const Spelling<E>* want = nullptr;
  for (const Spelling<E>& s : table) {
    if (key == s.name) want = &s;
  }
  const absl::StatusOr<E> got = parse(name);
  if (want == nullptr) {
    if (got.ok()) Fail(what, "accepted \"" + absl::CHexEscape(name) + "\"");
    if (got.status().code() != absl::StatusCode::kInvalidArgument ||
        !absl::StrContains(got.status().message(), name)) {
      Fail(what, "a refusal that is not InvalidArgument quoting the name: " +
                     got.status().ToString());
    }
    return;
  }
  if (!got.ok()) Fail(what, "refused \"" + absl::CHexEscape(name) + "\"");
  if (*got != want->value) Fail(what, "\"" + absl::CHexEscape(name) + "\" parsed to another value");
  if constexpr (!std::is_same_v<Name, const char* (*)(int)>) {
    const char* c = canonical(*got);
    const absl::StatusOr<E> back = parse(c);
    if (!back.ok() || *back != *got) Fail(what, std::string("canonical name does not parse: ") + c);
  }
}

template <typename E, size_t N, typename Parse, typename Name>
void CheckTable(const char* what, const Spelling<E> (&table)[N], bool fold_case, Parse parse,
                Name canonical) {
  for (const Spelling<E>& s : table) {
    Check(what, table, fold_case, parse, canonical, s.name);
    if (fold_case) Check(what, table, fold_case, parse, canonical, absl::AsciiStrToUpper(s.name));
  }
}

const char* (*const kNoName)(int) = NoName;

// Every table entry once, before the first input.
void CheckTables() {
  CheckTable("ParseFrequency", kFrequencies, true, npscore::ParseFrequency, kNoName);
  CheckTable("ParseAdjustment", kAdjustments, true, npscore::ParseAdjustment, kNoName);
  CheckTable("ParseFlagMode", kFlagModes, true, npscore::ParseFlagMode, npscore::FlagModeName);
  CheckTable("ParseRollUp", kRollUps, true, npscore::ParseRollUp, kNoName);
  CheckTable("ParseIntervalMethod", kMethods, true, npscore::ParseIntervalMethod,
             npscore::IntervalMethodName);
  CheckTable("ParseCompareTest", kTests, true, npscore::ParseCompareTest,
             npscore::CompareTestName);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  CheckTables();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const absl::string_view name(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      Check("ParseFrequency", kFrequencies, true, npscore::ParseFrequency, kNoName, name);
      break;
    case 1:
      Check("ParseAdjustment", kAdjustments, true, npscore::ParseAdjustment, kNoName, name);
      break;
    case 2:
      Check("ParseFlagMode", kFlagModes, true, npscore::ParseFlagMode, npscore::FlagModeName, name);
      break;
    case 3:
      Check("ParseRollUp", kRollUps, true, npscore::ParseRollUp, kNoName, name);
      break;
    case 4:
      Check("ParseIntervalMethod", kMethods, true, npscore::ParseIntervalMethod,
            npscore::IntervalMethodName, name);
      break;
    default:
      Check("ParseCompareTest", kTests, true, npscore::ParseCompareTest,
            npscore::CompareTestName, name);
      break;
  }
  return 0;
}
