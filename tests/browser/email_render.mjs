// A received email's HTML part as a mail client shows it, in Debian's
// chromium with scripts off (driven by tests/integration/test_report_email.py):
// it must render, ask for nothing from the network, and fit a phone.
//
// Usage: node email_render.mjs <html file> <screenshot prefix> [letter|survey]
// ("letter": a person's message, such as a reply from the inbox, which has
// no heading; "survey": a survey email or its reminder, whose question is
// no heading either, and which must show its eleven score links; every
// other email of Callexa has one).
// Exits 0 when it rendered clean at 700 and 390 pixels; else prints why.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [file, shot, kind] = process.argv.slice(2);
const html = readFileSync(file, 'utf8');
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  for (const width of [700, 390]) {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.on('console', (m) => problems.push(`console at ${width}px: ${m.text()}`));
    await page.route('**/*', (route) => {
      problems.push(`request at ${width}px: ${route.request().url()}`);
      return route.abort();
    });
    await page.setContent(html, { waitUntil: 'load' });
    await page.screenshot({ path: `${shot}-${width}.png`, fullPage: true });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > width + 1) problems.push(`${wide}px wide at ${width}px`);
    if (kind === 'survey') {
      const scores = await page.locator('a[href*="score="]').count();
      if (scores !== 11) problems.push(`${scores} score links at ${width}px`);
    } else if (kind !== 'letter') {
      const heading = (await page.locator('h1').count()) ? await page.locator('h1').innerText() : '';
      if (!heading.trim()) problems.push('no heading');
    }
    await context.close();
  }
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`email rendered; screenshots ${shot}-700.png, ${shot}-390.png`);
