// The owner sets up a webhook on the Integrations page in Debian's chromium
// (driven by tests/integration/test_webhooks.py, which starts nginx and a
// local receiver): adds one, sees its secret once, sends a test, sees the
// delivery in the log; screenshots at 1280 and 390 px, checked with axe-core.
//
// Environment: BASE (the admin URL, ending in "/"), ADMIN_USER,
// ADMIN_PASSWORD, SHOT_DIR, SURVEY_ID, HOOK_URL (the receiver's URL),
// OUT_FILE (JSON for the Python side: the secret shown).
// Exits 0 when every step worked; else prints what failed and exits 1.
import { adminSession, check, env } from './lib.mjs';

const out = {};
const t = await adminSession();
const { page, problems } = t;
const BASE = t.base;
const SHOT_DIR = t.shotDir;

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
    await t.axe(`webhooks at ${width}px`);
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
  await t.failed(e, 'webhooks');
}
await t.finish(out);
console.log(`webhooks flow passed; screenshots in ${SHOT_DIR}`);
