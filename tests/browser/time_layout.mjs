// Loads each graph page in headless Chromium and prints, as one JSON line per page, the seconds
// from the start of navigation until its layout stood still, and what it drew.
// Usage: node time_layout.mjs [--screenshot PNG] PAGE.html...   (one PNG: of the last page)
import { drawn, launch, openPage, waitUntilStill } from "./chromium.mjs";

const args = process.argv.slice(2);
let screenshot = null;
const files = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === "--screenshot") screenshot = args[++i];
  else files.push(args[i]);
}

const browser = await launch();
try {
  for (const [index, file] of files.entries()) {
    const { context, page, seen } = await openPage(browser, file);
    const stillSeconds = await waitUntilStill(page, 600000);
    const { nodes, edges } = await drawn(page);
    if (screenshot && index === files.length - 1) await page.screenshot({ path: screenshot });
    process.stdout.write(
      JSON.stringify({ file, stillSeconds, nodes: nodes.length, edges: edges.length, ...seen }) + "\n",
    );
    await context.close();
  }
} finally {
  await browser.close();
}
