// The Alerts card of the dashboard (driven by tests/integration/test_alerts.py):
// an editor picks the band, the recipients and the reply-to address; a
// wrong address is named in words; saved values come back from the API.
// Screenshots of the card at 1280 and 390 px, checked with axe-core.
//
// Environment: BASE (the admin URL, ending in "/"), USER, PASSWORD,
// SHOT_DIR, SURVEY_ID. Exits 0 when every check passed; else prints what
// failed and exits 1.
import { mkdirSync } from 'node:fs';
import { axeViolations, env, launch, watch } from './lib.mjs';

const BASE = env('BASE');
const SHOT_DIR = env('SHOT_DIR');
mkdirSync(SHOT_DIR, { recursive: true });

const problems = [];
const check = (condition, what) => { if (!condition) problems.push(what); };
const browser = await launch();
try {
  const context = await browser.newContext({
    httpCredentials: { username: env('USER'), password: env('PASSWORD') },
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  watch(page, new URL(BASE).origin, problems);
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
    for (const v of await axeViolations(page)) problems.push(`axe at ${width}px: ${v}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= width + 1, `the dashboard is ${wide}px wide at ${width}px`);
  }
} finally {
  await browser.close();
}
// The refused save of a wrong address is the expected 400.
const unexpected = problems.filter((p) => !(p.startsWith('console: ') && /400/.test(p)));
if (unexpected.length) {
  console.error(unexpected.join('\n'));
  process.exit(1);
}
console.log('alerts card checked');
