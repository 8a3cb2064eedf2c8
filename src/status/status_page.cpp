// Renders the status page: one self-contained HTML document (inline CSS, SVG and script).
#include "status/status_page.hpp"

#include <fmt/format.h>

#include <array>
#include <iterator>

#include "status/html_escape.hpp"
#include "status/page_assets.hpp"
#include "status/sparkline.hpp"
#include "status/status_format.hpp"

namespace epsitter {

namespace {

constexpr const char* kColumnWidths =
    R"(<colgroup><col class="k1"><col><col class="k3"><col class="k4"><col class="k5">)"
    R"(<col class="k6"><col class="k7"><col class="k9"><col class="k8"></colgroup>)";
// A certificate with less than this left is shown as a warning, as the README's example alert.
constexpr double kCertWarningSeconds = 14 * 86400.0;

std::string page_title(const StateCounts& all) {
  if (all.down > 0) return fmt::format("{} down · epsitter", all.down);
  if (all.pending > 0) return fmt::format("{} pending · epsitter", all.pending);
  return fmt::format("all {} up · epsitter", all.up);
}

// "<td title="2026-...Z">5m 12s ago" or a dash.
void append_age_cell(std::string& out, const std::optional<WallClock::time_point>& at,
                     WallClock::time_point now, const char* suffix, const char* otherwise) {
  if (!at) {
    fmt::format_to(std::back_inserter(out), "<td>{}", otherwise);
    return;
  }
  fmt::format_to(std::back_inserter(out), R"(<td title="{}">{}{})", format_utc(*at),
                 format_age(seconds_between(*at, now)), suffix);
}

// The chain's days left, with the leaf's subject, issuer and own days left in the tooltip.
void append_cert_cell(std::string& out, const TargetStatus& target, WallClock::time_point now) {
  if (!target.cert_expires_at) {
    out += R"(<td class="x">–)";
    return;
  }
  const double left = seconds_between(now, *target.cert_expires_at);
  fmt::format_to(std::back_inserter(out), R"(<td class="x{}" title="{})",
                 left <= 0                    ? " ce"
                 : left < kCertWarningSeconds ? " cw"
                                              : "",
                 format_utc(*target.cert_expires_at));
  if (!target.cert_subject.empty()) {
    out += "; leaf ";
    append_html_escaped(out, target.cert_subject);
    out += " issued by ";
    append_html_escaped(out, target.cert_issuer);
  }
  if (target.cert_leaf_expires_at) {
    fmt::format_to(std::back_inserter(out), "; leaf expires {} ({})",
                   format_utc(*target.cert_leaf_expires_at),
                   format_cert_days(seconds_between(now, *target.cert_leaf_expires_at)));
  }
  fmt::format_to(std::back_inserter(out), R"(">{})", format_cert_days(left));
}

void append_row(std::string& out, const TargetStatus& target, std::size_t capacity,
                WallClock::time_point now) {
  const std::string_view state = to_string(target.state);
  fmt::format_to(std::back_inserter(out), R"(<tr class="t {0}"><td><b class="s">{0}</b>)", state);
  out += R"(<td><span class="n">)";
  append_html_escaped(out, target.labels.name);
  out += "</span>";
  if (target.source != "file") {  // discovered: say from what, so it is not looked for in the file
    out += R"(<span class="src">)";
    append_html_escaped(out, target.source);
    out += "</span>";
  }
  out += R"(<span class="u">)";
  append_html_escaped(out, target.labels.method);
  out += ' ';
  append_html_escaped(out, target.labels.url);
  out += "</span>";

  if (target.last) {
    fmt::format_to(std::back_inserter(out), R"(<td class="r">{}<td class="x">{})",
                   describe_outcome(*target.last), format_latency(target.last->duration_seconds));
  } else {
    out += R"(<td class="r">waiting for the first probe<td class="x">–)";
  }
  append_age_cell(out, target.last_success_at, now, " ago", target.last ? "never" : "–");
  append_age_cell(out, target.state_since, now, "", "–");
  if (target.success_ratio) {
    fmt::format_to(std::back_inserter(out), R"(<td class="x">{})",
                   format_ratio(*target.success_ratio));
  } else {
    out += R"(<td class="x">–)";
  }
  append_cert_cell(out, target, now);
  out += "<td>";
  append_sparkline(out, target.history, capacity);
  out += "</tr>\n";
}

void append_counts(std::string& out, const StateCounts& counts) {
  std::array<std::string, 3> parts;
  std::size_t used = 0;
  if (counts.down > 0) parts[used++] = fmt::format("{} down", counts.down);
  if (counts.pending > 0) parts[used++] = fmt::format("{} pending", counts.pending);
  if (counts.up > 0) parts[used++] = fmt::format("{} up", counts.up);
  for (std::size_t i = 0; i < used; ++i) {
    if (i > 0) out += " · ";
    out += parts[i];
  }
}

void append_summary(std::string& out, const StateCounts& all, WallClock::time_point now) {
  const std::string updated = format_utc(now);
  out += R"(<p id="sum">)";
  if (all.down > 0)
    fmt::format_to(std::back_inserter(out), R"(<span class="cd">{} down</span> · )", all.down);
  if (all.pending > 0) fmt::format_to(std::back_inserter(out), "{} pending · ", all.pending);
  fmt::format_to(
      std::back_inserter(out),
      R"(<span class="cu">{} up</span> of {} · updated <time datetime="{}">{} UTC</time></p>)",
      all.up, all.total(), updated, updated.substr(11, 8));
}

}  // namespace

std::string render_status_page(const StatusSnapshot& snapshot, WallClock::time_point now,
                               std::string_view shard) {
  const auto& targets = snapshot.targets;
  const StateCounts all = count_states(targets.begin(), targets.end());
  std::string out;
  // About 1 KiB a target with a full history; one allocation up front.
  out.reserve(4096 + targets.size() * (600 + 7 * snapshot.history_capacity));

  out += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  out += R"(<meta name="viewport" content="width=device-width,initial-scale=1">)";
  fmt::format_to(std::back_inserter(out), "<title>{}</title>", page_title(all));
  out += R"(<link rel="icon" href="data:,"><style>)";
  out += kStatusPageStyle;
  out += "</style></head>\n<body>\n<header><h1>epsitter</h1>";
  append_summary(out, all, now);
  if (!shard.empty()) {
    out += R"(<p id="shard">)";
    append_html_escaped(out, shard);
    out += "</p>";
  }
  out += R"(<input id="q" type="search" placeholder="filter: name, namespace, URL, state, reason")"
         R"( aria-label="filter targets" autocomplete="off" spellcheck="false">)";
  out += R"(<span id="n"></span><span id="stale">not refreshed: epsitter is unreachable</span>)";
  out += "</header>\n<main id=\"m\">";
  if (targets.empty()) {
    out += "<p>No targets are configured.</p>";
  } else {
    // One table per namespace, in a section the browser may skip laying out while it is off
    // screen; fixed column widths keep the columns of all tables aligned.
    out += R"(<table class="h">)";
    out += kColumnWidths;
    fmt::format_to(std::back_inserter(out),
                   "<thead><tr><th>State<th>Target<th>Last result<th class=\"x\">Latency"
                   "<th>Last success<th>In state for<th class=\"x\">Success<th class=\"x\">Cert"
                   "<th>Last {} probes"
                   "</thead></table>\n",
                   snapshot.history_capacity);
    for (auto group = targets.begin(); group != targets.end();) {
      const std::string& ns = group->labels.namespace_;
      auto group_end = group;
      while (group_end != targets.end() && group_end->labels.namespace_ == ns) ++group_end;
      out += R"(<section class="g"><h2>)";
      append_html_escaped(out, ns);
      out += "<small>";
      append_counts(out, count_states(group, group_end));
      out += "</small></h2><table>";
      out += kColumnWidths;
      out += "<tbody>\n";
      for (; group != group_end; ++group) append_row(out, *group, snapshot.history_capacity, now);
      out += "</tbody></table></section>\n";
    }
  }
  out +=
      "</main>\n<footer>A probe succeeds when a response arrives and meets the target's "
      "expectations (by default: a 2xx status). Cert: days until the served certificate chain "
      "expires (hover for the leaf's subject, issuer and expiry). ";
  fmt::format_to(std::back_inserter(out),
                 "The last {} probes of each target are kept. Same data as JSON: "
                 R"(<a href="api/v1/targets">api/v1/targets</a>. Type / to filter.</footer>)",
                 snapshot.history_capacity);
  out += "\n<script>";
  out += kStatusPageScript;
  out += "</script>\n</body></html>\n";
  return out;
}

}  // namespace epsitter
