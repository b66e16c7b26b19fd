import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether Debian's Chromium is here; CI (SWF_REQUIRE_BROWSER=1) turns its absence into a failure. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.SWF_REQUIRE_BROWSER === '1')
    throw new Error(`${CHROMIUM} is required in CI (apt-get install chromium)`);
  console.warn(`skipping browser tests: ${CHROMIUM} is not installed (apt-get install chromium)`);
  return false;
}

/** Headless Debian Chromium, never a downloaded browser; flags keep it off the (closed) network. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
