// The follow-up inbox in Debian's chromium (driven by
// tests/integration/test_inbox.py, which starts nginx with a survey whose
// detractor Cy has an open follow-up (INVITATION_ID) and promoter Dee none).
// Assigns it to the signed-in user, adds a note, replies, waits for the
// reply to be sent, closes it; screenshots at 1280 and 390 px, axe-checked.
//
// Environment: BASE, ADMIN_USER, ADMIN_PASSWORD, SHOT_DIR, OUT_FILE,
// SURVEY_ID, INVITATION_ID. Exits 0 when every step worked.
import { adminSession, check, env, step } from './lib.mjs';

const SURVEY = Number(env('SURVEY_ID'));
const ITEM = Number(env('INVITATION_ID'));
const out = {};
const t = await adminSession();
const { page, shot, go } = t;

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
  await t.failed(e, 'inbox');
}
await t.finish(out);
console.log(`inbox flow passed; screenshots in ${t.shotDir}`);
