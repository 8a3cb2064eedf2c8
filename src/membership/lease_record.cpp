// Kubernetes Leases as membership records: parse one, write one, and who is live at a given time.
#include "membership/lease_record.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace epsitter {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil): no
// timegm(), no time zone, the same on every machine.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  day = day_of_year - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
}

// Reads exactly `count` digits at `at`; false when any is not a digit.
bool digits(std::string_view text, std::size_t at, std::size_t count, int& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

std::string text_at(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string{};
}

}  // namespace

std::optional<WallClock::time_point> parse_micro_time(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  // YYYY-MM-DDThh:mm:ss
  if (text.size() < 20 || !digits(text, 0, 4, year) || text[4] != '-' ||
      !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't') || !digits(text, 11, 2, hour) || text[13] != ':' ||
      !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::size_t at = 19;
  std::int64_t nanos = 0;
  if (text[at] == '.') {
    ++at;
    std::size_t count = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (count < 9) nanos = nanos * 10 + (text[at] - '0');
      ++count;
      ++at;
    }
    if (count == 0) return std::nullopt;
    for (std::size_t i = std::min<std::size_t>(count, 9); i < 9; ++i) nanos *= 10;
  }
  std::int64_t offset_seconds = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int offset_hours = 0, offset_minutes = 0;
    if (!digits(text, at + 1, 2, offset_hours) || at + 3 >= text.size() || text[at + 3] != ':' ||
        !digits(text, at + 4, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
      return std::nullopt;
    }
    offset_seconds = (std::int64_t{offset_hours} * 3600 + std::int64_t{offset_minutes} * 60) *
                     (text[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  const std::int64_t seconds =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second - offset_seconds;
  return WallClock::time_point{std::chrono::duration_cast<WallClock::duration>(
      std::chrono::seconds(seconds) + std::chrono::nanoseconds(nanos))};
}

std::string format_micro_time(WallClock::time_point time) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  std::int64_t seconds = micros / 1'000'000;
  std::int64_t fraction = micros % 1'000'000;
  if (fraction < 0) {
    fraction += 1'000'000;
    seconds -= 1;
  }
  std::int64_t days = seconds / 86400;
  std::int64_t in_day = seconds % 86400;
  if (in_day < 0) {
    in_day += 86400;
    days -= 1;
  }
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(days, year, month, day);
  char text[40];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                static_cast<long long>(year), month, day, static_cast<long long>(in_day / 3600),
                static_cast<long long>(in_day / 60 % 60), static_cast<long long>(in_day % 60),
                static_cast<long long>(fraction));
  return text;
}

std::optional<LeaseRecord> parse_lease(const nlohmann::json& object) {
  if (!object.is_object()) return std::nullopt;
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return std::nullopt;
  LeaseRecord lease;
  lease.name = text_at(*metadata, "name");
  if (lease.name.empty()) return std::nullopt;
  lease.resource_version = text_at(*metadata, "resourceVersion");
  const auto spec = object.find("spec");
  if (spec == object.end() || !spec->is_object()) return lease;
  lease.holder = text_at(*spec, "holderIdentity");
  lease.renew_time = parse_micro_time(text_at(*spec, "renewTime"));
  const auto duration = spec->find("leaseDurationSeconds");
  if (duration != spec->end() && duration->is_number_integer()) {
    const auto value = duration->get<std::int64_t>();
    lease.duration_seconds = value > 0 && value <= 86400 ? static_cast<int>(value) : 0;
  }
  return lease;
}

std::vector<std::string> live_members(const std::vector<LeaseRecord>& leases,
                                      WallClock::time_point now) {
  std::vector<std::string> live;
  for (const LeaseRecord& lease : leases) {
    if (lease.holder.empty() || !lease.renew_time || lease.duration_seconds <= 0) continue;
    if (*lease.renew_time + std::chrono::seconds(lease.duration_seconds) > now) {
      live.push_back(lease.holder);
    }
  }
  std::sort(live.begin(), live.end());
  live.erase(std::unique(live.begin(), live.end()), live.end());
  return live;
}

nlohmann::json lease_object(const OwnLease& lease, WallClock::time_point renew_time,
                            const std::string& resource_version) {
  nlohmann::json metadata = {{"name", lease.name},
                             {"namespace", lease.namespace_},
                             {"labels", {{kShardGroupLabel, lease.group}}}};
  if (!resource_version.empty()) metadata["resourceVersion"] = resource_version;
  return {{"apiVersion", "coordination.k8s.io/v1"},
          {"kind", "Lease"},
          {"metadata", std::move(metadata)},
          {"spec",
           {{"holderIdentity", lease.name},
            {"leaseDurationSeconds", lease.duration_seconds},
            {"renewTime", format_micro_time(renew_time)}}}};
}

}  // namespace epsitter
