// The Delays page's send window card (driven by
// tests/integration/test_send_window.py): an editor turns the window on,
// picks days, hours and a zone; a bad zone is refused in words; the saved
// window's example sentences come from the server. Screenshots of the page
// at 1280 and 390 px, checked with axe-core.
//
// Then the Recipients page of HELD_SURVEY_ID, whose one invitation waits
// for its window, says so.
//
// Environment: BASE (the admin URL, ending in "/"), ADMIN_USER,
// ADMIN_PASSWORD, SHOT_DIR, SURVEY_ID, HELD_SURVEY_ID. Exits 0 when every
// check passed.
import { adminSession, check, env, step } from './lib.mjs';

const t = await adminSession();
const { page } = t;
const facts = {};
try {
  const card = page.locator('form:has(#send-window-title)');
  step('open the Delays page');
  await t.go(`#/surveys/${env('SURVEY_ID')}/delays`, 'Delays');
  await card.waitFor();
  await card.getByText('No send window').waitFor();
  step('turn the window on with a zone the server does not know');
  await card.getByLabel('Only send within a window').check();
  for (const day of ['Sat', 'Sun']) await card.getByLabel(day, { exact: true }).uncheck();
  await card.getByLabel('From (HH:MM)').fill('09:00');
  await card.getByLabel('Until (HH:MM)').fill('17:00');
  await card.getByLabel('Time zone', { exact: true }).fill('Europe/Berlln');
  // The refused save is the expected 400 in the console.
  t.problems.length = 0;
  await card.getByRole('button', { name: 'Save window' }).click();
  await card.locator('.field-error', { hasText: 'send_window.time_zone' }).waitFor();
  t.problems.splice(0, t.problems.length, ...t.problems.filter((p) => !/400/.test(p)));
  step('save a good one');
  await card.getByLabel('Time zone', { exact: true }).fill('Europe/Berlin');
  await card.getByLabel(/customer’s time zone/).check();
  await card.getByRole('button', { name: 'Save window' }).click();
  await page.locator('#toast', { hasText: 'Send window saved.' }).waitFor();
  await card.locator('.send-window-examples li', { hasText: 'Europe/Berlin' }).first().waitFor();
  facts.examples = await card.locator('.send-window-examples li').allInnerTexts();
  check(facts.examples.length === 2, `examples: ${facts.examples.join(' | ')}`);
  check(facts.examples.some((e) => /; sent .* between \d+:\d\d and \d+:\d\d Europe\/Berlin/.test(e)),
    `no deferral sentence in ${facts.examples.join(' | ')}`);
  step('reload: the saved window is shown');
  await page.reload();
  await card.waitFor();
  await card.locator('.send-window-examples li', { hasText: 'Europe/Berlin' }).first().waitFor();
  check(await card.getByLabel('Time zone', { exact: true }).inputValue() === 'Europe/Berlin', 'the zone was not kept');
  check(!(await card.getByLabel('Sat', { exact: true }).isChecked()), 'Saturday came back');
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 800 });
    await card.scrollIntoViewIfNeeded();
    await t.shot('delays-send-window', width);
  }
  step('a held invitation on the Recipients page');
  await page.setViewportSize({ width: 1280, height: 900 });
  await t.go(`#/surveys/${env('HELD_SURVEY_ID')}/recipients`, 'Recipients');
  await page.getByText('Waits for the send window').waitFor();
  await t.shot('recipients-held-for-window', 1280);
} catch (e) {
  await t.failed(e, 'delays-send-window');
}
await t.finish(facts);
