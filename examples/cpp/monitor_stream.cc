// Streams survey responses from a CSV file (or stdin) into an npscore::Monitor
// and prints each alert as it fires, then a summary of the monitor's state.
//
//   monitor_stream [flags] [FILE]     (no FILE, or "-": read stdin)
//
// Flags (--name VALUE or --name=VALUE):
//   --owners N          owners taking cases round-robin (default 3; 0: none)
//   --capacity C        open cases each owner holds (default 30)
//   --health M|W|D|Q    count calendar periods of this length and raise
//                       health_flag alerts as they close (default: off)
//   --tz ZONE           the periods' time zone, e.g. Europe/Berlin (default UTC)
//   --lateness-hours H  how far behind the clock a response may arrive (default 24)
//   --slices N          distinct slice labels at most (default 16)
//   --until TIME        advance the clock to TIME at the end (default: the
//                       latest response time + 24 h)
//
// Input: a header naming the columns, in any order, then one response a line.
//   customer    the customer's integer code (int64)
//   score       a whole number in 0..10
//   time        "2025-03-14T09:30:00Z" (RFC 3339: a fraction of a second and
//               an offset instead of Z are accepted) or integer nanoseconds
//               since the Unix epoch (UTC)
//   slice       optional: a text label; labels get codes in order of first
//               appearance (an empty label is one too, printed "(none)")
//   clv, churn_risk  optional: the customer's value and P(churn), empty for
//               unknown; a case's priority needs both
//   contacted   optional: when the customer was first contacted about this
//               response (a time as above), empty for never; replayed at its
//               time, so a contact after the case's deadline (24 h for a
//               detractor) comes too late to stop its sla_breach
// Fields may be double-quoted ("a, b"; "" for a quote). Blank lines are skipped.
//
// Output: one tab-separated line per alert as it fires, kind, time (UTC), slice
// label ("(all)" for every response), then name=value fields:
//   case_opened, sla_breach  key=CUSTOMER@RESPONSE_TIME owner=N|unassigned
//                            deadline=TIME play=NAME priority=X|unknown
//   nps_shift                n= nps= previous_n= previous_nps= p=
//   health_flag              period=LABEL flags=NAME,... reasons=TEXT
// and at the end one paragraph summing up the monitor's snapshot.
//
// Exit status: 0 on success; 1 if FILE cannot be read; 2 for a bad flag or a
// bad row (the message names the line and the value; rows before it were
// ingested and their alerts printed).

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <queue>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "npscore/health.h"
#include "npscore/monitor.h"
#include "npscore/nps.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUnreadable = 1;
constexpr int kExitBadInput = 2;
constexpr int64_t kNsPerHour = int64_t{3600} * 1000 * 1000 * 1000;
constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

constexpr char kUsage[] =
    "usage: monitor_stream [--owners N] [--capacity C] [--health M|W|D|Q] [--tz ZONE]\n"
    "                      [--lateness-hours H] [--slices N] [--until TIME] [FILE|-]\n";

// The flags, with their defaults.
struct Flags {
  int32_t owners = 3;
  int64_t capacity = 30;
  std::string health;  // empty: off
  std::string time_zone = "UTC";
  double lateness_hours = 24.0;
  int32_t slices = 16;
  std::string until;  // empty: the latest response time + 24 h
  std::string file;   // empty or "-": stdin
};

// Returns the time of `text`: integer nanoseconds since the epoch, or an RFC
// 3339 time ("2025-03-14T09:30:00Z") within the int64 nanosecond range.
absl::StatusOr<int64_t> ParseTime(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  int64_t ns = 0;
  if (!text.empty() && absl::ascii_isdigit(static_cast<unsigned char>(text.back())) &&
      text.find_first_not_of("-0123456789") == absl::string_view::npos) {
    if (absl::SimpleAtoi(text, &ns)) return ns;
    return absl::InvalidArgumentError("is not an integer number of nanoseconds in the int64 range");
  }
  absl::Time t;
  std::string why;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &why)) {
    return absl::InvalidArgumentError(
        "is neither an ISO-8601 time such as 2025-03-14T09:30:00Z nor integer nanoseconds");
  }
  // INT64_MIN is npscore's missing time (kMissingTime), so the range starts one later.
  if (t < absl::FromUnixNanos(std::numeric_limits<int64_t>::min() + 1) ||
      t > absl::FromUnixNanos(std::numeric_limits<int64_t>::max())) {
    return absl::InvalidArgumentError(
        "is outside the nanosecond range of 1677-09-21 to 2262-04-11");
  }
  return absl::ToUnixNanos(t);
}

// ISO-8601 UTC text of a time: "2025-03-14T09:30:00Z" (a fraction only if any).
std::string Iso(int64_t ns) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", absl::FromUnixNanos(ns),
                          absl::UTCTimeZone());
}

// Splits one CSV record into `fields`: commas separate fields; a field in
// double quotes may hold commas and doubled quotes. False for a quote left
// open or text after a closing quote (a field spanning lines is not read).
bool SplitCsv(absl::string_view line, std::vector<std::string>* fields) {
  fields->clear();
  size_t i = 0;
  while (true) {
    std::string field;
    if (i < line.size() && line[i] == '"') {
      for (++i;; ++i) {
        if (i >= line.size()) return false;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        field += line[i];
      }
      if (i < line.size() && line[i] != ',') return false;
    } else {
      const size_t comma = line.find(',', i);
      const size_t stop = comma == absl::string_view::npos ? line.size() : comma;
      field.assign(line.data() + i, stop - i);
      i = stop;
    }
    fields->push_back(std::move(field));
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

// Where each column is in a row (-1: absent).
struct Columns {
  int customer = -1, score = -1, time = -1, slice = -1, clv = -1, churn_risk = -1,
      contacted = -1;
  size_t count = 0;
};

absl::StatusOr<Columns> ParseHeader(const std::vector<std::string>& names) {
  Columns c;
  c.count = names.size();
  const std::pair<const char*, int*> known[] = {
      {"customer", &c.customer}, {"score", &c.score},           {"time", &c.time},
      {"slice", &c.slice},       {"clv", &c.clv},               {"churn_risk", &c.churn_risk},
      {"contacted", &c.contacted}};
  for (size_t i = 0; i < names.size(); ++i) {
    const absl::string_view name = absl::StripAsciiWhitespace(names[i]);
    int* slot = nullptr;
    for (const auto& [known_name, index] : known) {
      if (name == known_name) slot = index;
    }
    if (slot == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown column '", name,
          "' (columns: customer, score, time, and optionally slice, clv, churn_risk, contacted)"));
    }
    if (*slot >= 0) return absl::InvalidArgumentError(absl::StrCat("column '", name, "' twice"));
    *slot = static_cast<int>(i);
  }
  for (const auto& [name, index] : {std::pair<const char*, int>{"customer", c.customer},
                                    {"score", c.score}, {"time", c.time}}) {
    if (index < 0) {
      return absl::InvalidArgumentError(absl::StrCat("the header lacks the column '", name, "'"));
    }
  }
  return c;
}

// A number of an optional column: NaN when empty.
absl::StatusOr<double> ParseOptional(absl::string_view name, absl::string_view text) {
  double value = kUnknown;
  if (absl::StripAsciiWhitespace(text).empty()) return value;
  if (!absl::SimpleAtod(text, &value)) {
    return absl::InvalidArgumentError(absl::StrCat(name, " '", text, "' is not a number"));
  }
  return value;
}

// A contact to replay at its time: the earliest first.
struct Contact {
  int64_t time;
  npscore::CaseKey key;
  bool operator>(const Contact& o) const {
    return std::tie(time, key.customer, key.responded_at) >
           std::tie(o.time, o.key.customer, o.key.responded_at);
  }
};

// One run: the monitor, the slice labels and the contacts still to come.
class Stream {
 public:
  Stream(npscore::Monitor monitor, bool has_slices, int32_t max_slices)
      : monitor_(std::move(monitor)), max_slices_(max_slices) {
    if (!has_slices) labels_.push_back("");
  }

  // Ingests one row (its fields) and prints the alerts it raises.
  absl::Status Row(const Columns& c, const std::vector<std::string>& f) {
    if (f.size() != c.count) {
      return absl::InvalidArgumentError(
          absl::StrCat("the row has ", f.size(), " fields, the header ", c.count));
    }
    npscore::MonitorResponse r;
    if (!absl::SimpleAtoi(f[c.customer], &r.customer)) {
      return absl::InvalidArgumentError(
          absl::StrCat("customer '", f[c.customer], "' is not an integer code"));
    }
    if (!absl::SimpleAtod(f[c.score], &r.score)) {
      return absl::InvalidArgumentError(absl::StrCat("score '", f[c.score], "' is not a number"));
    }
    const auto time = ParseTime(f[c.time]);
    if (!time.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("time '", f[c.time], "' ", time.status().message()));
    }
    r.time = *time;
    if (c.slice >= 0) {
      const auto code = SliceCode(f[c.slice]);
      if (!code.ok()) return code.status();
      r.slice = *code;
    }
    if (c.clv >= 0) {
      const auto clv = ParseOptional("clv", f[c.clv]);
      if (!clv.ok()) return clv.status();
      r.clv = *clv;
    }
    if (c.churn_risk >= 0) {
      const auto risk = ParseOptional("churn_risk", f[c.churn_risk]);
      if (!risk.ok()) return risk.status();
      r.churn_risk = *risk;
    }
    int64_t contacted = std::numeric_limits<int64_t>::min();
    if (c.contacted >= 0 && !absl::StripAsciiWhitespace(f[c.contacted]).empty()) {
      const auto at = ParseTime(f[c.contacted]);
      if (!at.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("contacted '", f[c.contacted], "' ", at.status().message()));
      }
      if (*at < r.time) {
        return absl::InvalidArgumentError(absl::StrCat(
            "contacted '", f[c.contacted], "' is before the response's time ", Iso(r.time)));
      }
      contacted = *at;
    }

    // Contacts due by this response's time happen before it moves the clock.
    std::vector<npscore::Alert> alerts;
    absl::Status status = ReplayContacts(r.time);
    if (status.ok()) status = monitor_.Ingest(r, &alerts);
    if (!status.ok()) return status;
    for (const npscore::Alert& a : alerts) {
      // A contact matters only for the case the response opened.
      if (a.kind == npscore::AlertKind::kCaseOpened && contacted != std::numeric_limits<int64_t>::min() &&
          a.key == npscore::CaseKey{r.customer, r.time}) {
        contacts_.push(Contact{contacted, a.key});
      }
    }
    Print(alerts);
    return absl::OkStatus();
  }

  // Replays the contacts due by `until` and moves the clock there.
  absl::Status Finish(int64_t until) {
    std::vector<npscore::Alert> alerts;
    absl::Status status = ReplayContacts(until);
    if (status.ok()) status = monitor_.Advance(until, &alerts);
    Print(alerts);
    return status;
  }

  // One paragraph on the monitor's state.
  std::string Summary() const;

  int64_t clock() const { return monitor_.clock(); }

 private:
  absl::StatusOr<int32_t> SliceCode(const std::string& label) {
    const auto it = codes_.find(label);
    if (it != codes_.end()) return it->second;
    if (static_cast<int32_t>(labels_.size()) >= max_slices_) {
      return absl::InvalidArgumentError(absl::StrCat("slice '", label, "' is a new label beyond the ",
                                                     max_slices_, " of --slices"));
    }
    const int32_t code = static_cast<int32_t>(labels_.size());
    codes_.emplace(label, code);
    labels_.push_back(label);
    return code;
  }

  std::string Label(int32_t slice) const {
    if (slice < 0) return "(all)";
    const std::string& label = labels_[slice];
    return label.empty() ? "(none)" : label;
  }

  absl::Status ReplayContacts(int64_t until) {
    while (!contacts_.empty() && contacts_.top().time <= until) {
      const Contact c = contacts_.top();
      contacts_.pop();
      const absl::Status status = monitor_.RecordContact(c.key, c.time);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

  void Print(const std::vector<npscore::Alert>& alerts) const;

  npscore::Monitor monitor_;
  int32_t max_slices_;
  absl::flat_hash_map<std::string, int32_t> codes_;
  std::vector<std::string> labels_;
  std::priority_queue<Contact, std::vector<Contact>, std::greater<Contact>> contacts_;
};

std::string FlagNames(uint32_t flags) {
  static constexpr std::pair<uint32_t, const char*> kNames[] = {
      {npscore::kFlagLowN, "low_n"},
      {npscore::kFlagPassiveVulnerability, "passive_vulnerability"},
      {npscore::kFlagDetractorSurge, "detractor_surge"},
      {npscore::kFlagPromoterErosion, "promoter_erosion"},
      {npscore::kFlagNpsDrop, "nps_drop"},
      {npscore::kFlagLevelShift, "level_shift"}};
  std::vector<const char*> names;
  for (const auto& [bit, name] : kNames) {
    if (flags & bit) names.push_back(name);
  }
  return absl::StrJoin(names, ",");
}

void Stream::Print(const std::vector<npscore::Alert>& alerts) const {
  for (const npscore::Alert& a : alerts) {
    std::string line = absl::StrCat(npscore::AlertKindName(a.kind), "\t", Iso(a.time), "\t",
                                     Label(a.slice));
    switch (a.kind) {
      case npscore::AlertKind::kCaseOpened:
      case npscore::AlertKind::kSlaBreach:
        absl::StrAppend(&line, "\tkey=", a.key.customer, "@", Iso(a.key.responded_at),
                        "\towner=", a.owner < 0 ? std::string("unassigned") : absl::StrCat(a.owner),
                        "\tdeadline=", Iso(a.deadline), "\tplay=", a.play(), "\tpriority=",
                        a.priority == a.priority ? absl::StrFormat("%.2f", a.priority) : "unknown");
        break;
      case npscore::AlertKind::kNpsShift:
        absl::StrAppend(&line, absl::StrFormat("\tn=%d\tnps=%.1f\tprevious_n=%d\tprevious_nps=%.1f\tp=%.3g",
                                               a.n, a.nps, a.n_previous, a.nps_previous, a.p_value));
        break;
      case npscore::AlertKind::kHealthFlag:
        absl::StrAppend(&line, "\tperiod=", a.period_label, "\tflags=", FlagNames(a.flags),
                        "\treasons=", a.reasons);
        break;
    }
    std::printf("%s\n", line.c_str());
  }
  if (!alerts.empty()) std::fflush(stdout);  // as they fire, also into a pipe
}

// "NPS 30.5 [22.0, 38.7]" of `counts` with the monitor's interval, or "no NPS".
std::string NpsText(const npscore::Summary& s) {
  if (!(s.n > 0)) return "no NPS";
  return absl::StrFormat("NPS %.1f [%.1f, %.1f]", s.nps, s.ci_low, s.ci_high);
}

std::string Stream::Summary() const {
  const npscore::MonitorSnapshot s = monitor_.Snapshot();
  const npscore::MonitorOptions& o = monitor_.options();
  if (s.clock == std::numeric_limits<int64_t>::min()) return "Summary: no responses.";
  const auto overall = npscore::Summarize(s.counts, o.interval);
  std::string text = absl::StrFormat(
      "Summary at %s: %d responses (%d left out as late), %s with %.0f%% intervals "
      "(%d detractors, %d passives, %d promoters)",
      Iso(s.clock), s.responses, s.late,
      overall.ok() ? NpsText(*overall) : std::string("no NPS"), 100 * o.interval.confidence,
      s.counts.detractors, s.counts.passives, s.counts.promoters);
  if (labels_.size() > 1) {
    std::vector<std::string> parts;
    for (size_t k = 0; k < labels_.size(); ++k) {
      const auto slice = npscore::Summarize(s.slice_counts[k], o.interval);
      parts.push_back(absl::StrFormat("%s %s (n = %d)", Label(static_cast<int32_t>(k)),
                                      slice.ok() ? NpsText(*slice) : std::string("no NPS"),
                                      s.slice_counts[k].n()));
    }
    absl::StrAppend(&text, "; by slice: ", absl::StrJoin(parts, ", "));
  }
  // The window's length: shift_window_steps steps of shift_step_hours, in whole seconds.
  const int64_t window_ns = o.shift_window_steps *
                            static_cast<int64_t>(std::llround(o.shift_step_hours * 3600)) *
                            1000 * 1000 * 1000;
  absl::StrAppend(
      &text,
      absl::StrFormat(". The rolling window [%s, %s) has n = %.0f, %s; the one before n = %.0f, %s.",
                      Iso(s.window_end - window_ns), Iso(s.window_end), s.window.n,
                      NpsText(s.window), s.previous_window.n, NpsText(s.previous_window)));
  absl::StrAppend(&text, absl::StrFormat(" Cases: %d opened, %d open (%d unassigned", s.cases_opened,
                                         static_cast<int64_t>(s.open_cases.size()), s.unassigned));
  if (!s.owner_load.empty()) {
    absl::StrAppend(&text, "; owners' loads ", absl::StrJoin(s.owner_load, ", "));
  }
  absl::StrAppend(&text, absl::StrFormat("), %d SLA breaches.", s.breaches));
  if (o.health) {
    absl::StrAppend(&text, absl::StrFormat(" Health periods: %d of %d closed.", s.health_closed,
                                           s.health_periods));
  }
  return text;
}

// Reads the flags and the FILE argument into `flags`.
absl::Status ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "-" || !absl::StartsWith(arg, "--")) {
      if (!flags->file.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("a second FILE '", arg, "'"));
      }
      flags->file = std::string(arg);
      continue;
    }
    std::string name, value;
    if (const size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = std::string(arg.substr(0, eq));
      value = std::string(arg.substr(eq + 1));
    } else {
      name = std::string(arg);
      if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat(name, " needs a value"));
      value = argv[++i];
    }
    const auto bad = [&](absl::string_view rule) {
      return absl::InvalidArgumentError(absl::StrCat(name, " is '", value, "': ", rule));
    };
    if (name == "--owners") {
      if (!absl::SimpleAtoi(value, &flags->owners) || flags->owners < 0 ||
          flags->owners > npscore::kMaxMonitorOwners) {
        return bad(absl::StrCat("owners are 0..", npscore::kMaxMonitorOwners));
      }
    } else if (name == "--capacity") {
      if (!absl::SimpleAtoi(value, &flags->capacity) || flags->capacity < 0) {
        return bad("a capacity is a whole number >= 0");
      }
    } else if (name == "--health") {
      flags->health = value;
    } else if (name == "--tz") {
      flags->time_zone = value;
    } else if (name == "--lateness-hours") {
      // The monitor checks the range.
      if (!absl::SimpleAtod(value, &flags->lateness_hours)) return bad("not a number");
    } else if (name == "--slices") {
      if (!absl::SimpleAtoi(value, &flags->slices) || flags->slices < 1 ||
          flags->slices > npscore::kMaxMonitorSlices) {
        return bad(absl::StrCat("slice labels are 1..", npscore::kMaxMonitorSlices));
      }
    } else if (name == "--until") {
      flags->until = value;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", name));
    }
  }
  return absl::OkStatus();
}

// Reads the next line into `line` (without "\r\n"), counting lines; false at the end.
bool NextLine(std::istream& in, std::string* line, int64_t* number) {
  if (!std::getline(in, *line)) return false;
  ++*number;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

int BadInput(const std::string& message) {
  std::fprintf(stderr, "monitor_stream: %s\n", message.c_str());
  return kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (absl::string_view(argv[i]) == "--help" || absl::string_view(argv[i]) == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
  }
  Flags flags;
  if (const absl::Status status = ParseFlags(argc, argv, &flags); !status.ok()) {
    std::fprintf(stderr, "monitor_stream: %s\n%s", std::string(status.message()).c_str(), kUsage);
    return kExitBadInput;
  }

  npscore::MonitorOptions options;
  options.capacities.assign(flags.owners, flags.capacity);
  options.lateness_hours = flags.lateness_hours;
  options.time_zone = flags.time_zone;
  if (!flags.health.empty()) {
    const auto frequency = npscore::ParseFrequency(flags.health);
    if (!frequency.ok()) return BadInput(absl::StrCat("--health: ", frequency.status().message()));
    options.health = true;
    options.health_frequency = *frequency;
  }
  int64_t until = std::numeric_limits<int64_t>::min();
  if (!flags.until.empty()) {
    const auto time = ParseTime(flags.until);
    if (!time.ok()) return BadInput(absl::StrCat("--until '", flags.until, "' ", time.status().message()));
    until = *time;
  }

  std::ifstream file;
  std::istream* in = &std::cin;
  std::string source = "<stdin>";
  if (!flags.file.empty() && flags.file != "-") {
    file.open(flags.file);
    if (!file) {
      std::fprintf(stderr, "monitor_stream: cannot read %s\n", flags.file.c_str());
      return kExitUnreadable;
    }
    in = &file;
    source = flags.file;
  }

  // The header: the first line that is not blank.
  std::string line;
  int64_t number = 0;
  std::vector<std::string> fields;
  bool have_header = false;
  while (!have_header && NextLine(*in, &line, &number)) {
    if (number == 1 && absl::StartsWith(line, "\xEF\xBB\xBF")) line.erase(0, 3);  // a UTF-8 BOM
    have_header = !absl::StripAsciiWhitespace(line).empty();
  }
  if (!have_header) return BadInput(absl::StrCat(source, ": no header line"));
  if (!SplitCsv(line, &fields)) {
    return BadInput(absl::StrCat(source, ":", number, ": a quote is left open"));
  }
  const auto columns = ParseHeader(fields);
  if (!columns.ok()) return BadInput(absl::StrCat(source, ":", number, ": ", columns.status().message()));

  options.n_slices = columns->slice >= 0 ? flags.slices : 1;
  auto monitor = npscore::Monitor::Create(options);
  if (!monitor.ok()) return BadInput(std::string(monitor.status().message()));
  Stream stream(*std::move(monitor), columns->slice >= 0, flags.slices);

  while (NextLine(*in, &line, &number)) {
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    if (!SplitCsv(line, &fields)) {
      return BadInput(absl::StrCat(source, ":", number, ": a quote is left open"));
    }
    if (const absl::Status status = stream.Row(*columns, fields); !status.ok()) {
      return BadInput(absl::StrCat(source, ":", number, ": ", status.message()));
    }
  }
  if (in->bad()) {
    std::fprintf(stderr, "monitor_stream: reading %s failed at line %lld\n", source.c_str(),
                 static_cast<long long>(number + 1));
    return kExitUnreadable;
  }

  if (stream.clock() != std::numeric_limits<int64_t>::min() ||
      until != std::numeric_limits<int64_t>::min()) {
    if (until == std::numeric_limits<int64_t>::min()) {
      const int64_t clock = stream.clock();
      until = clock > std::numeric_limits<int64_t>::max() - 24 * kNsPerHour
                  ? std::numeric_limits<int64_t>::max()
                  : clock + 24 * kNsPerHour;
    }
    if (const absl::Status status = stream.Finish(until); !status.ok()) {
      return BadInput(absl::StrCat("at the end (", Iso(until), "): ", status.message()));
    }
  }
  std::printf("%s\n", stream.Summary().c_str());
  return kExitOk;
}
