// The operator's page in a real headless Chromium (Debian's, driven by Playwright): sign in, find the migration in the
// list, open it, see it wait for approval, approve it with a reason, follow it to COMPLETED, keep a screenshot.
// Environment: ORCHESTRATOR_URL, TOKEN (an approver's), MIGRATION_ID, OUT (a folder for screenshots), CHROMIUM.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const base = process.env.ORCHESTRATOR_URL;
const id = process.env.MIGRATION_ID;
const out = process.env.OUT;
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true });
const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
page.on('pageerror', (e) => console.error('page error:', e.message));
try {
  await page.goto(base + '/');
  await page.fill('#token', process.env.TOKEN);
  await page.click('#token-form button');
  await page.waitForSelector('[data-testid=who]:has-text("(admin)"), [data-testid=who]:has-text("(approver)")');
  await page.waitForSelector(`a[href="#/m/${id}"]`, { timeout: 30000 });
  await page.click(`a[href="#/m/${id}"]`);

  await page.waitForSelector('[data-testid=waiting]:has-text("waiting for approval")', { timeout: 120000 });
  await page.screenshot({ path: `${out}/waiting-for-approval.png`, fullPage: true });
  await page.fill('#reason', 'rehearsal clean, approved on the page');
  await page.click('button[data-action=approve]');

  await page.waitForSelector('[data-testid=phase]:has-text("COMPLETED")', { timeout: 180000 });
  await page.waitForSelector('[data-testid=timeline] li:has-text("approve by")', { timeout: 10000 });
  const checkpoints = await page.textContent('[data-testid=checkpoints]');
  if (!checkpoints.includes('☑ Backup verified')) {
    throw new Error('the page does not show "Backup verified" reached: ' + checkpoints);
  }
  const plan = await page.textContent('#plan');
  if (!plan.includes('Rollback Procedure')) {
    throw new Error('the plan is not rendered: ' + plan.slice(0, 200));
  }
  await page.screenshot({ path: `${out}/completed.png`, fullPage: true });
  console.log('the page followed ' + id + ' to COMPLETED');
} catch (e) {
  await page.screenshot({ path: `${out}/failure.png`, fullPage: true }).catch(() => {});
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}
