// The status page in a real headless browser (Debian's Chromium driven by playwright-core): the
// real binary probing an up and a down loopback target, then a page of 1,000 targets.
'use strict';

const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { test, after } = require('node:test');

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (error) {
  console.error('playwright-core is missing: run tests/browser/install-deps (scripts/test does)');
  process.exit(1);
}

const EPSITTER_BIN = process.env.EPSITTER_BIN || 'build/src/epsitter';
const FIXTURE_BIN = process.env.FIXTURE_BIN || 'build/tests/browser/status_page_fixture';
const ARTIFACT_DIR = process.env.ARTIFACT_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'shots-'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps calling out to a network that is closed.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync'];

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function waitFor(what, predicate, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function listen(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function refusedPort() {
  const server = await listen(() => {});
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function getJson(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (error) {
          reject(error);
        }
      });
    }).on('error', reject);
  });
}

// The real binary on a config; resolves to its base URL once it logs the port it listens on.
async function startEpsitter(config) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epsitter-browser-'));
  const configPath = path.join(dir, 'sitter.yaml');
  fs.writeFileSync(configPath, config);
  const child = spawn(EPSITTER_BIN, [configPath], {
    env: { ...process.env, SERVER_PORT: '0', POLL_INTERVAL: '0.5', LOG_LEVEL: 'INFO' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  cleanups.push(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    for (const marker of ['ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:']) {
      assert.ok(!log.includes(marker), `sanitizer report:\n${log}`);
    }
  });
  const port = await waitFor('epsitter to listen', () => {
    if (child.exitCode !== null) throw new Error(`epsitter exited at start:\n${log}`);
    const found = /msg="listening" port=(\d+)/.exec(log);
    return found && found[1];
  });
  return `http://127.0.0.1:${port}`;
}

// A fresh profile directory per run, as the flags above assume.
async function openBrowser() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 720 },
  });
  cleanups.push(async () => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  });
  return context;
}

// Every console error, uncaught exception, failed request or error response, as text.
function watchForErrors(page) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    problems.push(`request failed: ${request.url()} ${request.failure().errorText}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

// Names of the rows the filter leaves visible, top to bottom.
function visibleTargets(page) {
  return page.$$eval('#m tr.t', (rows) => rows.filter((row) => !row.hidden && row.offsetParent)
    .map((row) => row.querySelector('.n').textContent));
}

test('the page shows the down target first with its reason, and the filter narrows it', async () => {
  const backend = await listen((request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end('ok\n');
  });
  cleanups.push(() => new Promise((resolve) => backend.close(resolve)));
  const upUrl = `http://127.0.0.1:${backend.address().port}/healthz`;
  const downUrl = `http://127.0.0.1:${await refusedPort()}/`;
  // Alphabetically the up target comes first: only the state can put the down one on top.
  const base = await startEpsitter([
    'urls:',
    '  alpha-web:', '    namespace: prod', `    url: ${upUrl}`,
    '  zulu-db:', '    namespace: prod', `    url: ${downUrl}`,
    '',
  ].join('\n'));
  await waitFor('two probes of each target', async () => {
    const doc = await getJson(`${base}/api/v1/targets?history=0`);
    return doc.targets.every((target) => target.probes >= 2);
  });

  const context = await openBrowser();
  const page = await context.newPage();
  const problems = watchForErrors(page);
  await page.goto(`${base}/?refresh=1`);

  const rows = await page.$$eval('#m tr.t', (trs) => trs.map((tr) => ({
    name: tr.querySelector('.n').textContent,
    state: tr.querySelector('.s').textContent,
    reason: tr.querySelector('.r').textContent,
    stateColor: getComputedStyle(tr.querySelector('.s')).backgroundColor,
    sparkline: tr.querySelector('svg.sp') !== null,
  })));
  assert.deepEqual(rows.map((row) => [row.name, row.state, row.reason]), [
    ['zulu-db', 'down', 'connection refused'],
    ['alpha-web', 'up', 'HTTP 200'],
  ]);
  assert.notEqual(rows[0].stateColor, rows[1].stateColor, 'down and up differ in colour');
  assert.ok(rows.every((row) => row.sparkline), 'every probed target has a sparkline');
  assert.match(await page.title(), /^1 down/);
  assert.equal(await page.textContent('tr.t.up .u'), `get ${upUrl}`); // the method label, as the config wrote it
  await page.screenshot({ path: path.join(ARTIFACT_DIR, 'status-page.png'), fullPage: true });

  await page.fill('#q', 'alpha');
  assert.deepEqual(await visibleTargets(page), ['alpha-web']);
  assert.equal(await page.textContent('#n'), '1 of 2 shown');
  assert.equal(new URL(page.url()).hash, '#alpha');

  // The auto-refresh replaces the table and keeps the filter.
  const before = await page.getAttribute('#sum time', 'datetime');
  await waitFor('an auto-refresh', async () =>
    (await page.getAttribute('#sum time', 'datetime')) !== before, 15000);
  assert.equal(await page.inputValue('#q'), 'alpha');
  assert.deepEqual(await visibleTargets(page), ['alpha-web']);

  // So does a reload, through the URL's hash; state words filter too.
  await page.reload();
  assert.equal(await page.inputValue('#q'), 'alpha');
  assert.deepEqual(await visibleTargets(page), ['alpha-web']);
  await page.fill('#q', 'refused');
  assert.deepEqual(await visibleTargets(page), ['zulu-db']);
  await page.fill('#q', 'prod down');
  assert.deepEqual(await visibleTargets(page), ['zulu-db']);
  await page.fill('#q', 'nothing matches this');
  assert.deepEqual(await visibleTargets(page), []);
  await page.fill('#q', '');
  assert.deepEqual(await visibleTargets(page), ['zulu-db', 'alpha-web']);
  assert.equal(new URL(page.url()).hash, '');
  await page.fill('#q', 'alpha');
  await page.screenshot({ path: path.join(ARTIFACT_DIR, 'status-page-filtered.png') });

  assert.deepEqual(problems, []);
});

test('a page of 1,000 targets renders, and the time it takes is reported', async () => {
  const html = execFileSync(FIXTURE_BIN, ['1000'], { maxBuffer: 64 << 20 });
  const server = await listen((request, response) => {
    if (request.url.split('?')[0] !== '/') {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));

  const context = await openBrowser();
  const page = await context.newPage();
  const problems = watchForErrors(page);
  await page.goto(`http://127.0.0.1:${server.address().port}/`, { waitUntil: 'load' });
  // From navigation start to the first frame painted after the load event.
  const timing = await page.evaluate(() => new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(() => {
      const navigation = performance.getEntriesByType('navigation')[0];
      resolve({
        domReady: navigation.domContentLoadedEventEnd,
        load: navigation.loadEventEnd,
        frame: performance.now(),
      });
    }, 0));
  }));
  const filterMs = await page.evaluate(() => new Promise((resolve) => {
    const box = document.getElementById('q');
    const start = performance.now();
    box.value = 'team-5 down';
    box.dispatchEvent(new Event('input'));
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start), 0));
  }));
  const visible = await visibleTargets(page);
  await page.fill('#q', '');
  const rows = await page.$$eval('#m tr.t', (trs) => trs.map((tr) => tr.className));
  assert.equal(rows.length, 1000);
  assert.equal(rows[0], 't down');
  assert.ok(visible.length > 0 && visible.length < 1000, 'the filter narrows 1,000 rows');
  await page.screenshot({ path: path.join(ARTIFACT_DIR, 'status-page-1000.png') });
  assert.deepEqual(problems, []);

  console.log(`status page, 1000 targets, ${(html.length / 1024).toFixed(0)} KiB of HTML: ` +
    `DOM ready ${timing.domReady.toFixed(0)} ms, load ${timing.load.toFixed(0)} ms, ` +
    `first frame after load ${timing.frame.toFixed(0)} ms after navigation start; ` +
    `filter applied and painted in ${filterMs.toFixed(0)} ms`);
});
