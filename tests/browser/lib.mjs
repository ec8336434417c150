// What every admin UI flow in Debian's chromium shares: the environment it
// is given, a signed-in page that records console errors, page errors and
// any request to another host, axe checks, screenshots that also check the
// page fits its width, and the ending that prints every problem found.
//
// Usage:
//   const t = await adminSession();          // BASE, ADMIN_USER, ADMIN_PASSWORD, SHOT_DIR
//   try { await t.go('#/surveys/1/inbox', 'Inbox'); await t.shot('inbox', 1280); }
//   catch (e) { await t.failed(e, 'inbox'); }
//   await t.finish({ some: 'facts' });       // writes OUT_FILE if set; exits 1 on problems
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

export function check(condition, what) {
  if (!condition) throw new Error(what);
}

export const step = (what) => console.log(`step: ${what}`);

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'], // tests may run as root
  });
}

// Records what a page must never do: script errors, console errors, and a
// request to any origin but `origin` (the CSP promises none).
export function watch(page, origin, problems) {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== origin) {
      problems.push(`request to another host: ${r.url()}`);
    }
  });
}

// The serious and critical axe violations of the page, as lines. Waits
// first for finite transitions to end (a toast fading in or out has no
// contrast to measure yet). axe is evaluated through the DevTools
// protocol, which the page's CSP allows.
export async function axeViolations(page) {
  await page
    .waitForFunction(
      () => document.getAnimations().every((a) => a.playState !== 'running' || a.effect.getComputedTiming().iterations === Infinity),
      null,
      { timeout: 5000 },
    )
    .catch(() => {});
  return page.evaluate(async (source) => {
    if (!window.axe) (0, eval)(source);
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
  }, AXE);
}

// A browser signed in to the admin UI at BASE with HTTP basic credentials.
export async function adminSession({ width = 1280, height = 900, browser = null } = {}) {
  const base = env('BASE');
  const origin = new URL(base).origin;
  const shotDir = env('SHOT_DIR');
  mkdirSync(shotDir, { recursive: true });
  const own = !browser;
  browser = browser || (await launch());
  const context = await browser.newContext({
    httpCredentials: { username: env('ADMIN_USER'), password: env('ADMIN_PASSWORD') },
    viewport: { width, height },
  });
  const page = await context.newPage();
  const problems = [];
  watch(page, origin, problems);
  const t = {
    base,
    origin,
    browser,
    context,
    page,
    problems,
    shotDir,
    // Opens a hash route and waits for its page heading.
    async go(hash, heading) {
      await page.goto(base + hash);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    },
    async axe(label) {
      for (const v of await axeViolations(page)) problems.push(`axe: ${label}: ${v}`);
    },
    // A full-page screenshot `<name>-<width>.png`, axe-checked, and the
    // page must not scroll sideways at that width.
    async shot(name, w = page.viewportSize().width) {
      await page.waitForTimeout(300); // a toast's transition
      await page.screenshot({ path: `${shotDir}/${name}-${w}.png`, fullPage: true });
      await t.axe(`${name} at ${w}px`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      check(wide <= w + 1, `${name} is ${wide}px wide at ${w}px`);
    },
    async failed(e, name) {
      problems.push(`failed: ${e.message}`);
      await page.screenshot({ path: `${shotDir}/${name}-failure.png`, fullPage: true }).catch(() => {});
    },
    // Closes the browser, writes `out` to OUT_FILE when set, and exits 1
    // with every problem printed if there was one.
    async finish(out = {}) {
      if (own) await browser.close();
      else await context.close();
      if (process.env.OUT_FILE) writeFileSync(process.env.OUT_FILE, JSON.stringify(out));
      if (problems.length) {
        console.error(problems.join('\n'));
        process.exit(1);
      }
    },
  };
  return t;
}
