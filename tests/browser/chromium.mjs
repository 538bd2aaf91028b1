// Opens kg's graph page in headless Debian Chromium, offline: every request that is not for a
// local file is aborted and recorded, and console errors and page errors are collected.
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.KG_CHROMIUM || "/usr/bin/chromium";

// Flags that keep Chromium itself from reaching the network.
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

// playwright-core gives every launch a fresh, temporary profile (user data dir).
export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

export async function openPage(browser, file, { width = 1280, height = 800 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, serviceWorkers: "block" });
  const page = await context.newPage();
  const seen = { requests: [], console: [], pageErrors: [] };
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) {
      return route.continue();
    }
    seen.requests.push(url);
    return route.abort();
  });
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("file:") && !url.startsWith("data:") && !seen.requests.includes(url)) {
      seen.requests.push(url);
    }
  });
  page.on("websocket", (socket) => seen.requests.push(socket.url()));
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      seen.console.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => seen.pageErrors.push(String(error)));
  await page.goto("file://" + file, { waitUntil: "load" });
  return { context, page, seen };
}

// Seconds from the start of navigation until the layout stood still (physics switched off).
export async function waitUntilStill(page, timeoutMs) {
  await page.waitForFunction(() => window.kgStillAt !== undefined, null, { timeout: timeoutMs, polling: 50 });
  return page.evaluate(() => window.kgStillAt / 1000);
}

// What vis-network actually draws: the visible nodes and edges.
export async function drawn(page) {
  return page.evaluate(() => {
    const body = window.kgNetwork.body;
    return {
      nodes: body.nodeIndices.slice(),
      edges: body.edgeIndices.map((id) => {
        const edge = edges.get(id);
        return { id, from: edge.from, to: edge.to, prop: edge.prop, label: edge.label || "" };
      }),
    };
  });
}
