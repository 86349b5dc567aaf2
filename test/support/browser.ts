import { chromium, Browser, BrowserContext } from 'playwright-core';
import { AddressInfo } from 'node:net';
import { bootApp, TestApp } from './app';

/** Debian's chromium, as CI installs it; the flags this machine needs (no network, no sandbox as root). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export interface ServedApp extends TestApp {
  baseUrl: string;
}

/** The real app, listening on a free port of 127.0.0.1. */
export async function serveApp(env: Record<string, string> = {}): Promise<ServedApp> {
  const t = await bootApp(env);
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return Object.assign(t, { baseUrl: `http://127.0.0.1:${port}` });
}

export async function signIn(context: BrowserContext, baseUrl: string, login: string, password: string) {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type=submit]')]);
  return page;
}
