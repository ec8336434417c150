// Answers a survey in Debian's chromium the way a person does, from the
// score link of a received email: usage `node survey_flow.mjs <score URL>`.
// The survey (see tests/integration/test_browser_survey.py) has the tags
// "Support" and "Price", the extra question "What is missing?", the
// promoter follow-up "What do you love?", consent text "Quote me" and
// thank-you text "Thanks a lot!"; the link preselects score 9.
// Exits 0 when every step worked, else prints what failed and exits 1.
import { chromium } from 'playwright-core';

const url = process.argv[2];
if (!url) {
  console.error('usage: node survey_flow.mjs <score URL>');
  process.exit(2);
}

function check(condition, what) {
  if (!condition) throw new Error(what);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],  // tests may run as root
});
try {
  // The narrowest phone the pages are built for.
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  const problems = [];  // CSP violations and script errors show up here
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));

  const landing = await page.goto(url);
  check(landing.status() === 200, `landing page answered ${landing.status()}`);
  check(await page.locator('input[name=score]:checked').getAttribute('value') === '9',
        'score 9 is not preselected');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 360, `the page is ${width}px wide at a 360px viewport`);

  // The first real input posts the preselected score alone.
  const early = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.status() === 204, { timeout: 5000 });
  await page.mouse.move(20, 20);
  await page.mouse.move(60, 80);
  await early;

  // Keyboard: arrows move within the scale; the follow-up follows the band
  // and the consent box is there for promoters only.
  await page.locator('input[name=score]:checked').focus();
  await page.keyboard.press('ArrowLeft');
  check(await page.locator('input[name=score]:checked').getAttribute('value') === '8',
        'ArrowLeft did not choose 8');
  check(await page.locator('#consent').isHidden(), 'consent shown for a passive');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  check(await page.locator('input[name=score]:checked').getAttribute('value') === '10',
        'ArrowRight did not choose 10');
  check(await page.locator('#consent').isVisible(), 'consent hidden for a promoter');

  await page.getByLabel('What do you love?').fill('The support team.');
  await page.getByRole('group', { name: 'Support' }).getByLabel('4', { exact: true }).check();
  await page.getByRole('group', { name: 'Price' }).getByLabel('2', { exact: true }).check();
  await page.getByLabel('What is missing?').fill('Dark mode');
  await page.getByLabel('Quote me').check();
  await page.getByRole('button', { name: 'Send feedback' }).click();
  await page.waitForURL(/\/thanks$/);
  check((await page.textContent('main')).includes('Thanks a lot!'), 'no thank-you text');
  check(problems.length === 0, `console errors: ${problems.join(' | ')}`);
  console.log('survey answered');
} catch (e) {
  console.error(`survey flow failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
