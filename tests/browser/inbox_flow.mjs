// The follow-up inbox in Debian's chromium (driven by
// tests/integration/test_inbox.py, which starts nginx with a survey whose
// detractor Cy has an open follow-up (INVITATION_ID) and promoter Dee none).
// Assigns it to the signed-in user, adds a note, replies, waits for the
// reply to be sent, closes it; screenshots at 1280 and 390 px, axe-checked.
//
// Environment: BASE, ADMIN_USER, ADMIN_PASSWORD, SHOT_DIR, OUT_FILE,
// SURVEY_ID, INVITATION_ID. Exits 0 when every step worked.
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
const SURVEY = Number(env('SURVEY_ID'));
const ITEM = Number(env('INVITATION_ID'));
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
mkdirSync(SHOT_DIR, { recursive: true });

function check(condition, what) {
  if (!condition) throw new Error(what);
}

const problems = [];
const axeFailures = [];
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
  if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== ORIGIN) problems.push(`request to another host: ${r.url()}`);
});

async function axe(label) {
  const violations = await page.evaluate(async (source) => {
    if (!window.axe) (0, eval)(source);
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
  }, AXE);
  for (const v of violations) axeFailures.push(`${label}: ${v}`);
}

async function shot(name, width) {
  await page.waitForTimeout(300); // the toast's transition
  await page.screenshot({ path: `${SHOT_DIR}/${name}-${width}.png`, fullPage: true });
  await axe(`${name} at ${width}px`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= width + 1, `${name} is ${wide}px wide at ${width}px`);
}

async function go(hash, heading) {
  await page.goto(BASE + hash);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

const step = (what) => console.log(`step: ${what}`);

try {
  step('the inbox lists the open detractor, the tab counts it');
  await go(`#/surveys/${SURVEY}/inbox`, 'Inbox');
  const list = page.locator('.inbox-list');
  await list.getByText('Support took a week to answer').waitFor();
  check(!(await list.getByText('dee@example.com').count()), 'the promoter without a follow-up is listed');
  await page.locator('#inbox-count').getByText('1', { exact: true }).waitFor();
  await shot('inbox', 1280);

  step('the thread: assign to me, a note, a reply');
  await list.getByRole('link', { name: 'Cy' }).click();
  await page.getByRole('heading', { level: 2, name: 'Cy' }).waitFor();
  check((await page.getByText('plan').count()) > 0, 'the customer traits are not shown');
  await page.getByRole('button', { name: 'Assign to me' }).click();
  await page.getByText('assigned it to admin').waitFor();
  await page.getByLabel('Internal note').fill('Their export job was stuck; fixed on our side.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.getByText('Their export job was stuck').waitFor();
  await page.getByLabel(/^Reply to/).fill('Hi Cy,\n\nWe are on it: the export works again. Sorry for the wait.');
  check((await page.getByText('goes to the sender address').count()) > 0 || (await page.getByText('answer goes to').count()) > 0, 'the Reply-To is not explained');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.getByText('Reply queued').waitFor();
  // Sent by the reply step within a second or two: reload until it says so.
  for (let i = 0; i < 60; i++) {
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Cy' }).waitFor();
    if (await page.locator('.badge-mail-sent').count()) break;
    await page.waitForTimeout(500);
  }
  await page.locator('.badge-mail-sent').waitFor({ timeout: 2000 });
  await shot('inbox-thread', 1280);

  step('close it');
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await page.getByText('closed the follow-up').waitFor();
  await page.locator('#inbox-count').waitFor({ state: 'hidden' });
  out.closed = true;

  step('390 px: the closed list and the thread');
  await page.setViewportSize({ width: 390, height: 800 });
  await go(`#/surveys/${SURVEY}/inbox?follow_up=closed`, 'Inbox');
  await page.locator('.inbox-list').getByText('Support took a week to answer').waitFor();
  await shot('inbox', 390);
  await go(`#/surveys/${SURVEY}/inbox?follow_up=closed&item=${ITEM}`, 'Inbox');
  await page.getByRole('heading', { level: 2, name: 'Cy' }).waitFor();
  await shot('inbox-thread', 390);
} catch (e) {
  problems.push(`failed: ${e.message}`);
  await page.screenshot({ path: `${SHOT_DIR}/inbox-failure.png`, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}

writeFileSync(env('OUT_FILE'), JSON.stringify(out));
for (const a of axeFailures) problems.push(`axe: ${a}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`inbox flow passed; screenshots in ${SHOT_DIR}`);
