// Reminders in the admin UI (driven by tests/integration/test_browser_reminders.py):
// an editor sets a reminder on the Delays page, which says in words what it
// does and that it does not count against the monthly budget; then, in the
// email editor's Reminder view, changes the reminder's subject and clicks
// its introduction in the preview to rewrite it, and saves. Screenshots of
// both pages at 1280 and 390 px, checked with axe-core.
//
// Environment: BASE (the admin URL, ending in "/"), ADMIN_USER,
// ADMIN_PASSWORD, SHOT_DIR, SURVEY_ID. Exits 0 when every check passed.
import { adminSession, check, env, step } from './lib.mjs';

const t = await adminSession();
const { page } = t;
const facts = {};
const survey = env('SURVEY_ID');
try {
  step('the Delays page: a reminder after 4 days');
  await t.go(`#/surveys/${survey}/delays`, 'Delays');
  const form = page.locator('form:has(#delays-title)');
  await form.getByText('No reminders: customers get the survey email only.').waitFor();
  // Out of range: the page says so before saving.
  await form.getByLabel('Reminder after (days)').fill('31');
  await form.getByText('Remind after 1 to 30 days').waitFor();
  await form.getByLabel('Reminder after (days)').fill('4');
  await form.getByText('have not answered 4 days after their survey email get one reminder').waitFor();
  await form.getByText('Reminders do not count against the monthly budget.').waitFor();
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Delays saved').waitFor();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 800 });
    await t.shot('delays-reminder', width);
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  step('the email editor: the reminder view and its subject');
  await t.go(`#/surveys/${survey}/email`, 'Email');
  const frame = page.frameLocator('iframe.preview-frame');
  await page.locator('.segmented label', { hasText: 'Reminder' }).click();
  await page.locator('.preview-subject', { hasText: 'Reminder subject:' }).waitFor();
  await frame.locator('[data-callexa-field="reminder_intro"]').waitFor();
  await page.getByLabel('Reminder subject').fill('Still a minute for us, {first_name}?');
  // A placeholder outside the greeting is flagged as the owner types.
  await page.locator('.notice', { hasText: 'is replaced in the greeting only' }).waitFor();
  await page.getByLabel('Reminder subject').fill('Still a minute for us?');
  await page.locator('.preview-subject', { hasText: 'Still a minute for us?' }).waitFor();

  step('click the introduction in the preview and rewrite it');
  await frame.locator('[data-callexa-field="reminder_intro"]').click();
  const box = page.locator('.inplace');
  await box.locator('.inplace-label', { hasText: 'Reminder introduction' }).waitFor();
  const editor = box.locator('.rich-content');
  await editor.waitFor();
  await editor.press('Control+a');
  await page.keyboard.type('Only one click, and it helps us a lot.');
  await box.getByRole('button', { name: 'Done' }).click();
  await frame.locator('[data-callexa-field="reminder_intro"]', { hasText: 'Only one click' }).waitFor();
  // The survey email itself keeps its own introduction.
  await page.locator('.segmented label', { hasText: 'Survey email' }).click();
  await page.locator('.preview-subject', { hasText: /^Subject:/ }).waitFor();
  check(!(await frame.locator('body').innerText()).includes('Only one click'),
    'the survey email shows the reminder introduction');
  await page.locator('.segmented label', { hasText: 'Reminder' }).click();
  await frame.locator('[data-callexa-field="reminder_intro"]', { hasText: 'Only one click' }).waitFor();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('#toast', { hasText: 'Saved.' }).waitFor();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 800 });
    await page.waitForTimeout(400); // the preview frame refits its height
    await t.shot('email-reminder', width);
  }
  facts.subject = await page.locator('.preview-subject').innerText();
} catch (e) {
  await t.failed(e, 'reminder');
}
await t.finish(facts);
