// The user's browser for sso-launcher's end-to-end test: Debian's Chromium, driven by
// playwright-core. Used as the browser command: `node browser.mjs {url} MODE`.
// MODE: allow (sign in and consent), deny (cancel at consent), or a tampering case:
// tamper-pkce (the code_challenge sent to the provider is replaced) or tamper-nonce (the
// nonce sent to the provider is replaced). A forged state comes from the provider's hook.
import { chromium } from 'playwright-core';

const [url, mode = 'allow'] = process.argv.slice(2);
const target = new URL(url);
if (mode === 'tamper-pkce') target.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
if (mode === 'tamper-nonce') target.searchParams.set('nonce', 'a-nonce-the-app-never-sent');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--password-store=basic'],
});
try {
  const page = await browser.newPage();
  await page.goto(target.toString());
  await page.fill('input[name="login"]', 'jane');
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
  if (mode === 'deny') {
    await page.click('text=[ Cancel ]');
  } else {
    await page.click('button:has-text("Continue")');
  }
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback/, { timeout: 15000 });
  await page.waitForLoadState('load');
  process.stdout.write(`${await page.locator('h1').textContent()}\n`);
} finally {
  await browser.close();
}
