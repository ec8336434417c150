// Closing the loop in Debian's chromium, in two acts driven by
// tests/integration/test_closing_the_loop.py, which checks the mail and
// the webhook events in between:
//
//   node loop_flow.mjs customer <score URL>   a detractor answers from the
//       score link of the survey email: comment, submit, thank-you page.
//   node loop_flow.mjs owner <inbox URL>      the owner follows the alert
//       email's link to the thread: it is open; assigns, replies, waits for
//       the reply to be sent, closes it.
//
// Environment: SHOT_DIR; for the owner also BASE, ADMIN_USER,
// ADMIN_PASSWORD. Screenshots loop-<n>-<what>-<width>.png make the
// sequence for the closing note. Exits 0 when every step worked.
import { mkdirSync } from 'node:fs';
import { adminSession, axeViolations, check, env, launch, step, watch } from './lib.mjs';

const [act, url] = process.argv.slice(2);
if (!['customer', 'owner'].includes(act) || !url) {
  console.error('usage: node loop_flow.mjs customer|owner <URL>');
  process.exit(2);
}
const COMMENT = 'The export <b>broke</b> twice this week & nobody answered.';

async function customer() {
  const shotDir = env('SHOT_DIR');
  mkdirSync(shotDir, { recursive: true });
  const browser = await launch();
  const problems = [];
  const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
  watch(page, new URL(url).origin, problems);
  const shot = async (name) => {
    await page.screenshot({ path: `${shotDir}/${name}-390.png`, fullPage: true });
    for (const v of await axeViolations(page)) problems.push(`axe: ${name}: ${v}`);
  };
  try {
    step('the score link opens the page with 3 chosen');
    const landing = await page.goto(url);
    check(landing.status() === 200, `the landing page answered ${landing.status()}`);
    check((await page.locator('input[name=score]:checked').getAttribute('value')) === '3', 'score 3 is not chosen');
    await page.getByLabel('We are sorry to hear that. What should we do better?').fill(COMMENT);
    await shot('loop-1-customer-answers');
    step('send');
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await page.waitForURL(/\/thanks$/);
    check((await page.textContent('main')).includes('Thank you for your feedback!'), 'no thank-you text');
    await shot('loop-2-customer-thanked');
  } catch (e) {
    problems.push(`failed: ${e.message}`);
    await page.screenshot({ path: `${shotDir}/loop-customer-failure.png`, fullPage: true }).catch(() => {});
  } finally {
    await browser.close();
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log('the customer answered');
}

async function owner() {
  const t = await adminSession();
  const { page } = t;
  const out = {};
  try {
    step("the alert's link opens the thread, open, with the comment");
    await page.goto(url);
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    const detail = page.locator('.inbox-detail');
    await detail.getByText('broke').first().waitFor();
    check((await detail.locator('.badge-open').count()) > 0, 'the follow-up is not open');
    await detail.getByText('The alert opened the follow-up').waitFor();
    await page.locator('#inbox-count').getByText('1', { exact: true }).waitFor();
    // The comment is shown as text, never as markup.
    check((await detail.locator('b').filter({ hasText: 'broke' }).count()) === 0, 'the comment was rendered as HTML');
    await t.shot('loop-4-owner-inbox', 1280);

    step('assign to me and reply');
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.getByText('assigned it to admin').waitFor();
    await page.getByLabel(/^Reply to/).fill('Hi Cy,\n\nSorry about the export: it is fixed, and I will watch it this week.\n\nAda, Acme support');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('Reply queued').waitFor();
    // The reply step sends within a scheduler interval: reload until the
    // thread says so.
    await page.locator('.badge-mail-sent').waitFor({ timeout: 1000 }).catch(async () => {
      for (let i = 0; i < 60 && !(await page.locator('.badge-mail-sent').count()); i++) {
        await page.reload();
        await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
        await page.locator('.inbox-detail h2').first().waitFor();
        if (!(await page.locator('.badge-mail-sent').count())) await page.waitForTimeout(500);
      }
    });
    await page.locator('.badge-mail-sent').waitFor({ timeout: 2000 });
    await t.shot('loop-5-owner-replied', 1280);

    step('close it');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText('closed the follow-up').waitFor();
    await page.locator('#inbox-count').waitFor({ state: 'hidden' });
    await t.shot('loop-7-owner-closed', 1280);
    await page.setViewportSize({ width: 390, height: 800 });
    await page.reload();
    await page.locator('.inbox-detail').getByText('closed the follow-up').waitFor();
    await t.shot('loop-7-owner-closed', 390);
    out.closed = true;
  } catch (e) {
    await t.failed(e, 'loop-owner');
  }
  await t.finish(out);
  console.log(`the owner closed the loop; screenshots in ${t.shotDir}`);
}

await (act === 'customer' ? customer() : owner());
