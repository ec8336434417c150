// The survey list's menu and the Recipients page in Debian's chromium
// (driven by tests/integration/test_browser_surveys.py, which starts nginx
// with two surveys: SHOP_ID with customers alice, bob and old (ignored:
// signed up 200 days ago), DOOMED_ID with one emailed invitation).
//
// Environment: BASE, ADMIN_USER, ADMIN_PASSWORD, SHOT_DIR, OUT_FILE,
// SHOP_ID, DOOMED_ID. Exits 0 when every step worked.
import { adminSession, check, env, step } from './lib.mjs';

const SHOP_ID = Number(env('SHOP_ID'));
const out = {};
const t = await adminSession();
const { page, shot, go } = t;

const api = (path) => page.evaluate(async (p) => {
  const r = await fetch(`api/${p}`);
  return { status: r.status, body: await r.json().catch(() => null) };
}, path);

const surveyLink = (name) => page.locator('.survey-list').getByRole('link', { name, exact: true });
async function menuOf(name) {
  await page.getByRole('button', { name: `Actions for ${name}`, exact: true }).click();
  await page.locator('.menu:not([hidden])').waitFor();
}
const menuItem = (name) => page.locator('.menu:not([hidden])').getByRole('button', { name, exact: true });

try {
  step('the list with its menus');
  await go('#/', 'Surveys');
  await surveyLink('Shop NPS').waitFor();
  await shot('surveys-list', 1280);
  await menuOf('Shop NPS');
  check(await menuItem('Edit email').evaluate((el) => el === document.activeElement), 'the menu does not take the focus');
  await page.keyboard.press('ArrowDown');
  check(await menuItem('Rename…').evaluate((el) => el === document.activeElement), 'ArrowDown does not move in the menu');
  await shot('surveys-menu', 1280);
  await page.keyboard.press('Escape');
  await page.locator('.menu:not([hidden])').waitFor({ state: 'detached' }).catch(() => {});
  check(await page.locator('.menu:not([hidden])').count() === 0, 'Escape does not close the menu');

  step('duplicate: a copy with the automation off');
  await menuOf('Shop NPS');
  await menuItem('Duplicate').click();
  await page.getByText('“Shop NPS (copy)” created').waitFor();
  await surveyLink('Shop NPS (copy)').waitFor();
  const list = (await api('surveys')).body.surveys;
  const copy = list.find((s) => s.name === 'Shop NPS (copy)');
  check(copy && !copy.automation, `the copy: ${JSON.stringify(copy)}`);
  out.copy_id = copy.id;

  step('archive the copy: hidden, shown with "Show archived", restored');
  await menuOf('Shop NPS (copy)');
  await menuItem('Archive…').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Archive' }).click();
  await page.getByText('“Shop NPS (copy)” archived.').waitFor();
  await surveyLink('Shop NPS (copy)').waitFor({ state: 'detached' });
  await page.getByLabel('Show archived').check();
  await surveyLink('Shop NPS (copy)').waitFor();
  await page.locator('tr.row-archived', { hasText: 'Shop NPS (copy)' }).getByText('Archived', { exact: true }).waitFor();
  await shot('surveys-list-archived', 1280);
  // Its reports stay readable.
  check((await api(`surveys/${copy.id}/customers`)).status === 200, 'an archived survey\'s customers are not readable');
  await menuOf('Shop NPS (copy)');
  await menuItem('Restore').click();
  await page.getByText('restored').waitFor();
  await page.locator('tr.row-archived').waitFor({ state: 'detached' });
  await page.getByLabel('Show archived').uncheck();
  await surveyLink('Shop NPS (copy)').waitFor();

  step('rename the copy');
  await menuOf('Shop NPS (copy)');
  await menuItem('Rename…').click();
  await page.getByRole('dialog').getByLabel('Survey name').fill('Shop NPS, Q2');
  await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
  await surveyLink('Shop NPS, Q2').waitFor();

  step('delete a survey: its name typed');
  await menuOf('Doomed survey');
  await menuItem('Delete…').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Survey name').fill('doomed survey');
  await dialog.getByRole('button', { name: 'Delete survey' }).click();
  await dialog.getByText('The name does not match.').waitFor();
  check((await api(`surveys/${env('DOOMED_ID')}`)).status === 200, 'a wrong name deleted the survey');
  await dialog.getByLabel('Survey name').fill('Doomed survey');
  await dialog.getByRole('button', { name: 'Delete survey' }).click();
  await page.getByText('“Doomed survey” deleted.').waitFor();
  await surveyLink('Doomed survey').waitFor({ state: 'detached' });

  step('the list and its menu at 390 px');
  await page.setViewportSize({ width: 390, height: 800 });
  await go('#/', 'Surveys');
  await page.reload(); // a fresh page, without the last toast
  await surveyLink('Shop NPS').waitFor();
  await shot('surveys-list', 390);
  await menuOf('Shop NPS');
  const box = await page.locator('.menu:not([hidden])').boundingBox();
  check(box && box.x >= 0 && box.x + box.width <= 390, `the menu is off screen: ${JSON.stringify(box)}`);
  await shot('surveys-menu', 390);
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 1280, height: 900 });

  step('Recipients: adding a known address says so');
  await go(`#/surveys/${SHOP_ID}/recipients`, 'Recipients');
  const customers = page.getByRole('region', { name: 'Customers' });
  await customers.getByText('alice@example.com').waitFor();
  const add = page.getByRole('form', { name: 'Add a recipient' });
  await add.getByLabel('Email').fill('alice@example.com');
  await add.getByRole('button', { name: 'Add' }).click();
  await page.getByText('alice@example.com is already a customer').waitFor();

  step('search by part of an address, any case; no address check');
  const search = customers.getByLabel('Search');
  check(await search.getAttribute('type') === 'search', 'the search box is no type=search');
  await search.fill('ALI');
  await page.waitForFunction(() => document.querySelectorAll('section[aria-labelledby="customers-title"] tbody tr').length === 1);
  const rows = await customers.locator('tbody tr').allInnerTexts();
  check(rows.length === 1 && rows[0].includes('alice@example.com'), `search "ALI": ${rows}`);
  check(await customers.getByRole('link', { name: 'alice@example.com' }).getAttribute('href') ===
    `#/surveys/${SHOP_ID}/customers/${(await api(`surveys/${SHOP_ID}/customers?email=alice@example.com`)).body.customers[0].id}`, 'the row does not link to the customer page');
  check(!(await page.locator('.field-error:not(:empty)').count()), 'the search shows an error');

  step('filter by state; the reason in words');
  await search.fill('');
  await customers.getByLabel('State').selectOption('ignored');
  await customers.getByText('old@example.com').waitFor();
  await customers.getByText('joined 200 days ago, beyond the 90-day window').waitFor();
  await customers.getByText('bob@example.com').waitFor({ state: 'detached' });
  await customers.getByLabel('State').selectOption('answered');
  await customers.getByText('No customer matches.').waitFor();
  await customers.getByLabel('State').selectOption('');
  await customers.getByText('bob@example.com').waitFor();

  step('import a CSV: its columns recognised, Plan kept as a trait');
  await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from('First Name,Email Address,Plan\nCara,cara@example.com,pro\n') });
  await page.getByText('Every row is valid').waitFor();
  check(await page.getByLabel('Use column “First Name” as').inputValue() === 'first_name', 'First Name is not recognised');
  check(await page.getByLabel('Use column “Email Address” as').inputValue() === 'email', 'Email Address is not recognised');
  await page.getByText('ignored: plan').waitFor();
  await page.getByLabel('Use column “Plan” as').selectOption('trait');
  await page.getByText('traits: plan').waitFor();
  await page.getByText('Every row is valid').waitFor();
  await shot('recipients-import', 1280);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText('Imported 1 recipient').waitFor();
  // The list refreshed by itself.
  await customers.getByText('cara@example.com').waitFor();

  step('Recipients at 1280 and 390 px');
  await shot('recipients', 1280);
  await page.setViewportSize({ width: 390, height: 800 });
  await go(`#/surveys/${SHOP_ID}/recipients`, 'Recipients');
  await page.reload();
  await customers.getByText('cara@example.com').waitFor();
  await shot('recipients', 390);
} catch (e) {
  await t.failed(e, 'surveys');
}
await t.finish(out);
console.log(`surveys flow passed; screenshots in ${t.shotDir}`);
