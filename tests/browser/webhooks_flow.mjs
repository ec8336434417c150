// The owner sets up a webhook on the Integrations page in Debian's chromium
// (driven by tests/integration/test_webhooks.py, which starts nginx and a
// local receiver): adds one, sees its secret once, sends a test, sees the
// delivery in the log; screenshots at 1280 and 390 px, checked with axe-core.
//
// Environment: BASE (the admin URL, ending in "/"), ADMIN_USER,
// ADMIN_PASSWORD, SHOT_DIR, SURVEY_ID, HOOK_URL (the receiver's URL),
// OUT_FILE (JSON for the Python side: the secret shown).
// Exits 0 when every step worked; else prints what failed and exits 1.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const BASE = env('BASE');
const ORIGIN = new URL(BASE).origin;
const SHOT_DIR = env('SHOT_DIR');
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
mkdirSync(SHOT_DIR, { recursive: true });

function check(condition, what) {
  if (!condition) throw new Error(what);
}

const problems = [];
const foreign = [];
const out = {};
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const context = await browser.newContext({
  httpCredentials: { username: env('ADMIN_USER'), password: env('ADMIN_PASSWORD') },
  viewport: { width: 1280, height: 900 },
});
const page = await context.newPage();
page.on('console', (m) => {
  if (m.type() === 'error') problems.push(`console: ${m.text()}`);
});
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('request', (r) => {
  const u = new URL(r.url());
  if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== ORIGIN) foreign.push(r.url());
});

async function axe(label) {
  const violations = await page.evaluate(async (source) => {
    if (!window.axe) (0, eval)(source);
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
  }, AXE);
  for (const v of violations) problems.push(`axe ${label}: ${v}`);
}

try {
  await page.goto(`${BASE}#/surveys/${env('SURVEY_ID')}/webhooks`);
  await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
  await page.getByText('No webhooks yet').waitFor();

  // A bad URL: the form says why, naming the field.
  await page.getByLabel('Endpoint URL').fill('ftp://example.com/');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await page.getByRole('alert').filter({ hasText: 'url' }).waitFor();
  // The browser reports the refused request itself: expected here.
  for (let i = problems.length - 1; i >= 0; i -= 1) {
    if (problems[i].includes('status of 400')) problems.splice(i, 1);
  }

  await page.getByLabel('Endpoint URL').fill(env('HOOK_URL'));
  await page.getByRole('button', { name: 'Add webhook' }).click();
  const secret = page.getByRole('textbox', { name: 'Signing secret' });
  await secret.waitFor();
  out.secret = await secret.inputValue();
  check(out.secret.startsWith('whsec_'), `the secret shown: ${out.secret}`);
  await page.getByText('you will not see it again').waitFor();

  await page.getByRole('button', { name: 'Send a test' }).click();
  await page.getByRole('cell', { name: 'HTTP 200' }).waitFor({ timeout: 20000 }).catch(async () => {
    // The page reloads the log 3 s after a test; a slow machine may need another look.
    await page.reload();
    await page.getByRole('cell', { name: 'HTTP 200' }).waitFor({ timeout: 20000 });
  });
  check(await page.getByRole('row', { name: /webhook\.test/ }).count() === 1, 'one test event in the log');

  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(100);
    await page.screenshot({ path: `${SHOT_DIR}/webhooks-${width}.png`, fullPage: true });
    await axe(`at ${width}px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    check(overflow <= width + 1, `the page is ${overflow}px wide at ${width}px`);
  }

  // Leaving and coming back: the secret is gone for good.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
  await page.getByRole('cell', { name: 'HTTP 200' }).waitFor();
  check(await page.getByRole('textbox', { name: 'Signing secret' }).count() === 0, 'the secret is shown again');
  check(!(await page.content()).includes(out.secret), 'the page holds the secret');
} catch (e) {
  problems.push(`failed: ${e.message}`);
  await page.screenshot({ path: `${SHOT_DIR}/webhooks-failure.png`, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}

writeFileSync(env('OUT_FILE'), JSON.stringify(out));
for (const u of foreign) problems.push(`request to another host: ${u}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`webhooks flow passed; screenshots in ${SHOT_DIR}`);
