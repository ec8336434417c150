// The Setup page's DKIM card in Debian's chromium (driven by
// tests/integration/test_dkim.py, which starts nginx with callexa_dkim): the
// TXT records to publish, each with a copy button that puts the value on
// the clipboard, and the alignment verdict; screenshots of the card's page
// at 1280 and 390 px, checked with axe-core.
//
// Environment: BASE (the admin URL, ending in "/"), ADMIN_USER,
// ADMIN_PASSWORD, SHOT_DIR, SHOT_NAME (file names SHOT_NAME-<width>.png),
// SURVEY_ID, OUT_FILE (JSON for the Python side: the names and values shown,
// and the card's text).
// Exits 0 when every step worked; else prints what failed and exits 1.
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { axeViolations } from './lib.mjs';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const BASE = env('BASE');
const ORIGIN = new URL(BASE).origin;
const SHOT_DIR = env('SHOT_DIR');
const SHOT_NAME = env('SHOT_NAME');
mkdirSync(SHOT_DIR, { recursive: true });

function check(condition, what) {
  if (!condition) throw new Error(what);
}

const problems = [];
const out = { names: [], values: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const context = await browser.newContext({
  httpCredentials: { username: env('ADMIN_USER'), password: env('ADMIN_PASSWORD') },
  viewport: { width: 1280, height: 900 },
});
await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ORIGIN });
const page = await context.newPage();
page.on('console', (m) => {
  if (m.type() === 'error') problems.push(`console: ${m.text()}`);
});
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('request', (r) => {
  const u = new URL(r.url());
  if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== ORIGIN) problems.push(`request to another host: ${r.url()}`);
});

async function axe(label) {
  const violations = await axeViolations(page);
  for (const v of violations) problems.push(`axe ${label}: ${v}`);
}

try {
  await page.goto(`${BASE}#/surveys/${env('SURVEY_ID')}/setup`);
  await page.getByRole('heading', { level: 1, name: 'Setup' }).waitFor();
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Email signing (DKIM)' }) });
  await card.waitFor();
  if (process.env.EXPECT_RECORDS === '0') {
    // Without callexa_dkim: how to turn it on.
    await card.getByText('callexa_dkim example.com callexa /etc/nginx/dkim.pem;').waitFor();
  }
  const names = card.getByRole('textbox', { name: 'Name' });
  const values = card.getByRole('textbox', { name: 'Value' });
  const count = await values.count();
  check((count >= 1) === (process.env.EXPECT_RECORDS !== '0'), `${count} DNS records shown`);
  for (let i = 0; i < count; i += 1) {
    out.names.push(await names.nth(i).inputValue());
    out.values.push(await values.nth(i).inputValue());
  }
  out.text = await card.innerText();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(100);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOT_DIR}/${SHOT_NAME}-${width}.png`, fullPage: true });
    await axe(`at ${width}px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    check(overflow <= width + 1, `the page is ${overflow}px wide at ${width}px`);
    // Every value is shown whole, without scrolling its box.
    const clipped = await values.evaluateAll((areas) => areas.filter((a) => a.scrollHeight > a.clientHeight + 1).length);
    check(clipped === 0, `${clipped} record values need scrolling at ${width}px`);
  }
  // The copy button puts the value on the clipboard.
  if (count > 0) {
    await card.getByRole('button', { name: 'Copy record value' }).first().click();
    await page.getByText('Record value copied.').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    check(copied === out.values[0], `the clipboard holds ${copied}`);
  }
} catch (e) {
  problems.push(`failed: ${e.message}`);
  await page.screenshot({ path: `${SHOT_DIR}/${SHOT_NAME}-failure.png`, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}

writeFileSync(env('OUT_FILE'), JSON.stringify(out));
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`DKIM setup flow passed; screenshots in ${SHOT_DIR}`);
