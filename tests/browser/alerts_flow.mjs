// The Alerts card of the dashboard (driven by tests/integration/test_alerts.py):
// an editor picks the band, the recipients and the reply-to address; a
// wrong address is named in words; saved values come back from the API.
// Screenshots of the card at 1280 and 390 px, checked with axe-core.
//
// Environment: BASE (the admin URL, ending in "/"), USER, PASSWORD,
// SHOT_DIR, SURVEY_ID. Exits 0 when every check passed; else prints what
// failed and exits 1.
import { mkdirSync, readFileSync } from 'node:fs';
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

const problems = [];
const check = (condition, what) => { if (!condition) problems.push(what); };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const context = await browser.newContext({
    httpCredentials: { username: env('USER'), password: env('PASSWORD') },
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  // The refused save of a wrong address is the expected 400.
  page.on('console', (m) => { if (m.type() === 'error' && !/400/.test(m.text())) problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== ORIGIN) problems.push(`request to ${r.url()}`);
  });
  const card = page.locator('form:has(#alerts-title)');
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 800 });
    await page.goto(`${BASE}#/surveys/${env('SURVEY_ID')}/dashboard`);
    await card.waitFor();
    await page.waitForFunction(() => !document.querySelector('main .loading'));
    if (width === 1280) {
      await page.selectOption('#alerts-on', 'detractors');
      await page.fill('#alerts-recipients', 'owner@acme.example\nnot an address');
      await page.getByRole('button', { name: 'Save alerts' }).click();
      const error = card.locator('.field-error');
      await error.filter({ hasText: 'not an address' }).waitFor();
      await page.fill('#alerts-recipients', 'owner@acme.example\ncto@acme.example');
      await page.fill('#alerts-reply-to', 'support@acme.example');
      await page.getByRole('button', { name: 'Save alerts' }).click();
      await page.locator('#toast', { hasText: 'Alerts saved.' }).waitFor();
      check((await error.innerText()) === '', 'the error stayed after a good save');
      await page.reload();
      await card.waitFor();
    }
    check(await page.inputValue('#alerts-on') === 'detractors', 'the band was not saved');
    check(await page.inputValue('#alerts-reply-to') === 'support@acme.example', 'reply_to was not saved');
    const sentence = await card.locator('.live-sentence').innerText();
    check(/goes to 2 addresses/.test(sentence), `the card says "${sentence}"`);
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: `${SHOT_DIR}/alerts-settings-${width}.png` });
    const violations = await page.evaluate(async (source) => {
      if (!window.axe) (0, eval)(source);
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
    }, AXE);
    for (const v of violations) problems.push(`axe at ${width}px: ${v}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= width + 1, `the dashboard is ${wide}px wide at ${width}px`);
  }
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('alerts card checked');
