// A team in the admin UI (driven by tests/integration/test_admin_roles.py,
// which starts nginx with auth_basic users and a role map, and makes
// changes as each): the header says who is signed in with which role, the
// Audit log page lists the changes for an owner and is not offered to a
// viewer. Screenshots at 1280 and 390 px, checked with axe-core.
//
// Environment: BASE (the admin URL, ending in "/"), PASSWORD (every
// user's), SHOT_DIR, SURVEY_ID and SURVEY_NAME (a survey with changes).
// Exits 0 when every check passed; else prints what failed and exits 1.
import { mkdirSync } from 'node:fs';
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
mkdirSync(SHOT_DIR, { recursive: true });

function check(condition, what) {
  if (!condition) throw new Error(what);
}

const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});

async function as(user, role, steps) {
  const context = await browser.newContext({
    httpCredentials: { username: user, password: env('PASSWORD') },
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    // The viewer's refused api/audit is the expected 403.
    if (m.type() === 'error' && !/403/.test(m.text())) problems.push(`${user}: console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${user}: page error: ${e.message}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== ORIGIN) problems.push(`${user}: request to ${r.url()}`);
  });
  const axe = async (label) => {
    const violations = await axeViolations(page);
    for (const v of violations) problems.push(`${user}: axe: ${label}: ${v}`);
  };
  const settle = async () => {
    await page.locator('main h1').waitFor();
    await page.waitForFunction(() => !document.querySelector('main .loading'));
    await page.waitForTimeout(300);
  };
  try {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width > 500 ? 900 : 800 });
      console.log(`step: ${user} (${role}) at ${width}px`);
      await page.goto(`${BASE}#/surveys/${env('SURVEY_ID')}/dashboard`);
      await settle();
      const who = await page.locator('.topbar-user').innerText();
      check(who.replace(/\s+/g, ' ').includes(`${user} · ${role}`), `the header says "${who}", not "${user} · ${role}"`);
      await page.screenshot({ path: `${SHOT_DIR}/team-header-${user}-${width}.png`, clip: { x: 0, y: 0, width, height: 120 } });
      await axe(`dashboard at ${width}px`);
      await steps(page, width);
      await settle();
      await page.screenshot({ path: `${SHOT_DIR}/team-audit-${user}-${width}.png`, fullPage: true });
      await axe(`audit at ${width}px`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      check(overflow <= width + 1, `the audit page is ${overflow}px wide at ${width}px`);
    }
  } catch (e) {
    problems.push(`${user}: failed: ${e.message}`);
    await page.screenshot({ path: `${SHOT_DIR}/team-failure-${user}.png`, fullPage: true }).catch(() => {});
  } finally {
    await context.close();
  }
}

// A viewer is not offered the Audit log; typing its address shows why.
await as('carol', 'viewer', async (page) => {
  check((await page.getByRole('link', { name: 'Audit log' }).count()) === 0, 'a viewer is offered the Audit log');
  check((await page.getByRole('link', { name: 'Export CSV' }).count()) === 0, 'a viewer is offered the CSV export');
  await page.goto(`${BASE}#/surveys/${env('SURVEY_ID')}/setup`);
  await page.getByText('only an owner sees it').waitFor();
  check((await page.getByRole('button', { name: 'Rotate key…' }).count()) === 0, 'a viewer is offered the key rotation');
  await page.goto(`${BASE}#/audit`);
  await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor().catch(() => {});
  await page.getByText('the viewer role may not view the audit log').waitFor();
});

// An owner follows the header's link and filters by survey.
await as('alice', 'owner', async (page, width) => {
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
  const table = page.locator('table.audit-table');
  await table.waitFor();
  const text = await table.innerText();
  for (const expected of ['Changed settings', 'bob', 'alice', 'editor', 'Rotated the API key', 'Name:', '→', env('SURVEY_NAME')]) {
    check(text.includes(expected), `the audit log does not show "${expected}" at ${width}px:\n${text}`);
  }
  check(!text.includes('wk_team_secret'), 'the audit log shows a key');
  check(!text.includes('@example.com'), 'the audit log shows an address');
  await page.getByLabel('Survey').selectOption({ label: env('SURVEY_NAME') });
  await page.waitForFunction(() => !document.querySelector('table.audit-table')?.innerText.includes('Erased'));
});

await browser.close();
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`team flow passed; screenshots in ${SHOT_DIR}`);
