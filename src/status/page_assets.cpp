// The status page's inline stylesheet and script (no external assets: it works air-gapped).
#include "status/page_assets.hpp"

namespace epsitter {

const char* const kStatusPageStyle = R"CSS(
:root{--fg:#1d2127;--mut:#5c6775;--bg:#fff;--line:#e2e6ea;--head:#f3f5f7;--down:#c62828;
--downbg:#fdeceb;--up:#2e7d32;--pend:#8a6d00;--spark:#3b6fb6}
@media (prefers-color-scheme:dark){:root{--fg:#e4e8ec;--mut:#9ba6b2;--bg:#14171b;--line:#2b3139;
--head:#1c2026;--downbg:#3b1d1d;--spark:#7aa7e6}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
background:var(--bg)}
header{position:sticky;top:0;z-index:1;display:flex;flex-wrap:wrap;align-items:center;
gap:.4rem 1.2rem;padding:.6rem 1rem;background:var(--head);border-bottom:1px solid var(--line)}
h1{font-size:1.15rem;margin:0}
#sum,#shard{margin:0;color:var(--mut)}
#sum .cd{color:var(--down);font-weight:700}#sum .cu{color:var(--up);font-weight:600}
#q{flex:0 1 24rem;padding:.35rem .6rem;font:inherit;color:inherit;background:var(--bg);
border:1px solid var(--mut);border-radius:4px}
#n,#stale{color:var(--mut)}#stale{display:none;color:var(--down);font-weight:600}
body.stale #stale{display:inline}
main{padding:0 1rem;overflow-x:auto}
table{border-collapse:collapse;width:100%;min-width:66rem;table-layout:fixed}
th,td{padding:.25rem .6rem;text-align:left;vertical-align:middle;border-bottom:1px solid var(--line);
white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.k1{width:6.6rem}.k3{width:14rem}.k4,.k7{width:5.6rem}.k5,.k6{width:7.2rem}
.k8{width:calc(120px + 1.2rem)}.k9{width:4.8rem}
.cw{color:var(--pend);font-weight:600}.ce{color:var(--down);font-weight:700}
.h th{overflow:visible;padding-top:.8rem;font-size:.72rem;font-weight:600;text-transform:uppercase;
letter-spacing:.05em;color:var(--mut)}
.g{content-visibility:auto;contain-intrinsic-size:auto 40rem}
h2{margin:1.1rem 0 0;padding:.25rem .6rem;font-size:1rem;border-bottom:2px solid var(--line)}
h2 small{margin-left:.8rem;font-weight:400;color:var(--mut)}
.n{font-weight:600}
.u{margin-left:.6rem;font-size:.8rem;color:var(--mut)}
.src{margin-left:.4rem;padding:0 .3rem;border:1px solid var(--mut);border-radius:.3rem;font-size:.7rem;color:var(--mut)}
.s{display:inline-block;min-width:4.6rem;padding:.1rem .4rem;border-radius:3px;text-align:center;
font-size:.72rem;font-weight:700;letter-spacing:.05em;text-transform:uppercase;color:#fff;
background:var(--pend)}
tr.down{background:var(--downbg)}tr.down .s{background:var(--down)}tr.up .s{background:var(--up)}
tr.down .r{color:var(--down)}
td.r{white-space:normal}
.x{text-align:right;font-variant-numeric:tabular-nums}
.sp{display:block;width:120px;height:24px;background:var(--head)}
.sp .l{fill:none;stroke:var(--spark);stroke-width:1.5;stroke-linecap:round;stroke-linejoin:round;
vector-effect:non-scaling-stroke}
.sp .f{stroke:var(--down);stroke-opacity:.4;vector-effect:non-scaling-stroke}
footer{padding:1rem;font-size:.8rem;color:var(--mut)}
footer a{color:inherit}
)CSS";

// Filters rows by every word typed (name, namespace, URL, state, reason), keeps the filter in
// location.hash so that reloads and shared links keep it, and refreshes the table in place from
// the same URL every `?refresh=` seconds (default 10) without touching the filter box.
const char* const kStatusPageScript = R"JS(
(function () {
  'use strict';
  var box = document.getElementById('q');
  var shown = document.getElementById('n');
  var groups = [];

  function index() {
    groups = Array.prototype.map.call(document.querySelectorAll('#m section'), function (body) {
      var heading = body.querySelector('h2');
      var ns = heading && heading.firstChild ? heading.firstChild.nodeValue || '' : '';
      return {
        body: body,
        rows: Array.prototype.map.call(body.querySelectorAll('tr.t'), function (row) {
          return { row: row, text: (ns + ' ' + row.textContent).toLowerCase() };
        })
      };
    });
  }

  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var total = 0;
    var visible = 0;
    groups.forEach(function (group) {
      var any = false;
      group.rows.forEach(function (item) {
        var match = words.every(function (word) { return item.text.indexOf(word) >= 0; });
        if (item.row.hidden === match) item.row.hidden = !match;
        any = any || match;
        total += 1;
        visible += match ? 1 : 0;
      });
      group.body.hidden = !any;
    });
    shown.textContent = words.length ? visible + ' of ' + total + ' shown' : '';
  }

  function remember() {
    var target = box.value ? '#' + encodeURIComponent(box.value) : location.pathname + location.search;
    history.replaceState(null, '', target);
  }

  function fromHash() {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch (e) {
      return '';
    }
  }

  function refresh() {
    if (document.hidden) return;
    fetch(location.pathname + location.search, { cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, 'text/html');
        ['m', 'sum'].forEach(function (id) {
          var fresh = page.getElementById(id);
          if (fresh) document.getElementById(id).replaceWith(document.adoptNode(fresh));
        });
        document.title = page.title;
        document.body.classList.remove('stale');
        index();
        apply();
      })
      .catch(function () { document.body.classList.add('stale'); });
  }

  box.value = fromHash();
  box.addEventListener('input', function () { apply(); remember(); });
  window.addEventListener('hashchange', function () { box.value = fromHash(); apply(); });
  document.addEventListener('keydown', function (event) {
    if (event.key === '/' && document.activeElement !== box) {
      event.preventDefault();
      box.focus();
    }
  });
  index();
  apply();
  var seconds = Number(new URLSearchParams(location.search).get('refresh'));
  if (!(seconds >= 1)) seconds = 10;
  setInterval(refresh, seconds * 1000);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) refresh();
  });
})();
)JS";

}  // namespace epsitter
