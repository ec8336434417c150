// The testimonials embed on a website of another origin, in Debian's
// chromium (driven by tests/integration/test_browser_admin.py): the page
// holds the snippet from the admin, as an owner pastes it.
//   usage: node embed_flow.mjs <page URL> <expected quote fragment> <shot path>
// Exits 0 when the approved testimonial shows inside the shadow root as
// text, no script of a quote ran and nothing logged an error.
import { chromium } from 'playwright-core';

const [url, expected, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url);
  const host = page.locator('[data-callexa-testimonials]');
  // Playwright's locators pierce open shadow roots.
  await host.locator('blockquote').first().waitFor({ timeout: 10000 });
  const quotes = await host.locator('blockquote').allInnerTexts();
  if (!quotes.some((q) => q.includes(expected))) problems.push(`quotes: ${JSON.stringify(quotes)}`);
  const inShadow = await page.evaluate(() => {
    const h = document.querySelector('[data-callexa-testimonials]');
    return Boolean(h.shadowRoot && h.shadowRoot.querySelector('blockquote')) &&
      h.shadowRoot.querySelectorAll('img, script').length === 0;
  });
  if (!inShadow) problems.push('the quotes are not text inside an open shadow root');
  if (await page.evaluate(() => window.__xss)) problems.push('a script in a quote ran');
  await page.screenshot({ path: shot, fullPage: true });
} catch (e) {
  problems.push(`failed: ${e.message}`);
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('embed shown on a foreign page');
