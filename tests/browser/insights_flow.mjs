// Customers and their traits in the admin UI, in Debian's chromium (driven
// by tests/integration/test_browser_insights.py, which starts nginx and
// has customers with traits answer first).
//
// Environment: BASE (the admin URL, ending in "/"), ADMIN_USER,
// ADMIN_PASSWORD, SHOT_DIR (screenshots), SURVEY_ID (five answers of four
// customers: ada 6 then 10 and cy 8 on plan pro, bob 3 and dee 10 on plan
// free), SINGLE_ID (a survey with one answer).
// Exits 0 when every step worked; else prints what failed and exits 1.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { axeViolations } from './lib.mjs';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const BASE = env('BASE');
const SHOT_DIR = env('SHOT_DIR');
const SURVEY = env('SURVEY_ID');
const SINGLE = env('SINGLE_ID');
mkdirSync(SHOT_DIR, { recursive: true });

function check(condition, what) {
  if (!condition) throw new Error(what);
}

const problems = [];
const axeFailures = [];

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

async function axe(label) {
  const violations = await axeViolations(page);
  for (const v of violations) axeFailures.push(`${label}: ${v}`);
}

const hash = () => decodeURIComponent(new URL(page.url()).hash);
const headline = () => page.locator('.headline .nps').innerText();
const loaded = () => page.waitForFunction(() => !document.querySelector('main .loading') && document.querySelector('main h1'));

// Both widths, full page, axe-checked, no sideways scrolling.
async function shots(name, ready) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 800 });
    await page.reload();
    await loaded();
    await ready();
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${SHOT_DIR}/insights-${name}-${width}.png`, fullPage: true });
    await axe(`${name} at ${width}px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    check(overflow <= width + 1, `${name} is ${overflow}px wide at ${width}px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const step = (name) => console.log(`step: ${name}`);

try {
  step('the dashboard of all answers: an NPS and a trend');
  await page.goto(`${BASE}#/surveys/${SURVEY}/dashboard`);
  await page.locator('.headline .nps-value').waitFor();
  await page.locator('#trend-title').waitFor();
  // Latest per customer: ada 10, bob 3, cy 8, dee 10.
  check((await headline()).includes('25.0'), `NPS of all: ${await headline()}`);

  step('filter by plan = pro: the URL holds it');
  await page.getByLabel('Customer trait').selectOption('plan');
  await page.getByLabel('Trait value').selectOption('pro');
  await page.waitForFunction(() => location.hash.includes('trait.plan=pro'));
  await page.locator('.active-filters', { hasText: 'plan = pro' }).waitFor();
  await page.waitForFunction(() => document.querySelector('.headline .stat dd')?.textContent === '2');
  check((await headline()).includes('50.0'), `NPS of pro: ${await headline()}`);
  check((await page.getByLabel('Customer trait').inputValue()) === 'plan', 'the trait select lost its value');
  await page.locator('.chart canvas').waitFor();

  step('Back restores the unfiltered view');
  await page.goBack();
  await page.waitForFunction(() => !location.hash.includes('trait.'));
  await page.waitForFunction(() => document.querySelector('.headline .stat dd')?.textContent === '4');
  check((await page.getByLabel('Customer trait').inputValue()) === '', 'the trait select kept its value after Back');
  await page.goForward();
  await page.waitForFunction(() => location.hash.includes('trait.plan=pro'));
  await page.waitForFunction(() => document.querySelector('.headline .stat dd')?.textContent === '2');
  await shots('dashboard', async () => {
    await page.locator('.chart canvas').waitFor();
    await page.getByText('CSV columns').click();
  });

  step('a band filter shows that band’s share and count, not an NPS');
  await page.goto(`${BASE}#/surveys/${SURVEY}/dashboard?band=promoter`);
  await page.locator('.headline .nps-label', { hasText: 'Promoters' }).waitFor();
  const share = await headline();
  check(share.includes('50.0%') && share.includes('2 of 4 answers'), `promoters' share: ${share}`);
  check(!share.includes('100.0') && !share.includes('±'), `a band shows an NPS: ${share}`);
  await page.locator('.chart canvas').waitFor();
  await page.locator('#trend-title', { hasText: 'Share of promoters' }).waitFor();
  await shots('dashboard-band', () => page.locator('.headline .nps-label', { hasText: 'Promoters' }).waitFor());

  step('responses filtered by plan = pro from the URL');
  await page.goto(`${BASE}#/surveys/${SURVEY}/responses?trait.plan=pro`);
  await page.locator('ol.responses').waitFor();
  const emails = await page.locator('.response-meta').allInnerTexts();
  check(emails.length === 3 && emails.every((t) => /ada@|cy@/.test(t)), `pro responses: ${emails.join(' | ')}`);
  check((await page.getByLabel('Trait value').inputValue()) === 'pro', 'the value select does not show the URL filter');

  step('the CSV with user_id and trait.plan columns');
  await page.getByText('CSV columns').click();
  await page.getByLabel('User ID').check();
  await page.getByRole('checkbox', { name: 'plan', exact: true }).check();
  const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
  check(decodeURIComponent(href).includes('columns=user_id,trait.plan'), `CSV link: ${href}`);
  check(decodeURIComponent(href).includes('trait.plan=pro'), `CSV link without the filter: ${href}`);
  const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href);
  const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
  check(lines[0].endsWith(',consent,user_id,trait:plan'), `CSV header: ${lines[0]}`);
  check(lines.length === 4, `CSV rows: ${lines.length - 1}\n${csv}`);
  check(lines.slice(1).every((l) => l.endsWith(',pro')) && lines.some((l) => l.includes(',u-ada,pro')), `CSV rows:\n${csv}`);
  await shots('responses', async () => {
    await page.locator('ol.responses').waitFor();
    await page.getByText('CSV columns').click();
  });

  step('a customer page from a response');
  await page.locator('.customer-link', { hasText: 'Ada Lovelace' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Ada Lovelace' }).waitFor();
  check(hash().includes(`#/surveys/${SURVEY}/customers/`), `customer URL: ${hash()}`);
  const traits = await page.locator('section[aria-labelledby="traits-title"] dl').innerText();
  check(traits.includes('Analytical Engines') && /plan\s+pro/.test(traits), `traits: ${traits}`);
  const identity = await page.locator('section[aria-labelledby="who-title"] dl').innerText();
  check(identity.includes('u-ada') && identity.includes('ada@example.com'), `identity: ${identity}`);
  check((await page.locator('blockquote.comment').allInnerTexts()).includes('Setup was slow <b>really</b>'), 'the comment with markup is not shown as text');
  check((await page.locator('section[aria-labelledby="inv-title"] tbody tr').count()) === 2, 'not two invitations');
  await page.locator('section[aria-labelledby="history-title"] canvas').waitFor();
  await shots('customer', () => page.locator('section[aria-labelledby="history-title"] canvas').waitFor());

  step('a survey with one answer: not enough for a trend');
  await page.goto(`${BASE}#/surveys/${SINGLE}/dashboard`);
  await page.locator('.trend-empty', { hasText: 'Not enough answers for a trend yet' }).waitFor();
  check((await page.locator('.chart canvas').count()) === 0, 'a trend chart of one point');
  await shots('dashboard-single', () => page.locator('.trend-empty').waitFor());
} catch (e) {
  problems.push(`failed: ${e.message}`);
  await page.screenshot({ path: `${SHOT_DIR}/insights-failure.png`, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}

for (const a of axeFailures) problems.push(`axe: ${a}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`insights flow passed; screenshots in ${SHOT_DIR}`);
