// Drives kg's graph page as a reader would and prints what it saw, as JSON, for
// test_graph_page.py to judge. Usage: node check_page.mjs PLAN.json
// (readme_screenshot.json is the plan of the README's screenshot; paths are relative to the
// current folder.)
//
// The plan lists pages; for each page every step is optional:
//   {"file": "/abs/graph.html", "screenshot": "/abs/shot.png",
//    "hoverEdge": {"from": IRI, "to": IRI, "prop": "worksFor"}, "clickNode": IRI,
//    "search": "Trump", "neighbourhood": 1, "filterClass": "Person", "filterProperty": "told"}
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { drawn, launch, openPage, waitUntilStill } from "./chromium.mjs";

const plan = JSON.parse(readFileSync(process.argv[2], "utf-8"));
const STILL_TIMEOUT_MS = plan.stillTimeoutMs ?? 60000;

// The page position (CSS pixels) of a point of the graph.
async function toPage(page, point) {
  return page.evaluate((p) => {
    const rect = document.querySelector("#kg-network canvas").getBoundingClientRect();
    const dom = window.kgNetwork.canvasToDOM(p);
    return { x: rect.left + dom.x, y: rect.top + dom.y };
  }, point);
}

// How many canvas pixels have exactly each node colour of the legend.
async function colourPixels(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector("#kg-network canvas");
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    const wanted = {};
    document.querySelectorAll(".kg-swatch").forEach((swatch) => {
      const [r, g, b] = getComputedStyle(swatch).backgroundColor.match(/\d+/g).map(Number);
      wanted[(r << 16) | (g << 8) | b] = { colour: swatch.parentElement.textContent.trim(), pixels: 0 };
    });
    for (let i = 0; i < data.length; i += 4) {
      const entry = wanted[(data[i] << 16) | (data[i + 1] << 8) | data[i + 2]];
      if (entry && data[i + 3] === 255) entry.pixels += 1;
    }
    return Object.fromEntries(Object.values(wanted).map((e) => [e.colour, e.pixels]));
  });
}

async function hoverEdge(page, wanted) {
  const point = await page.evaluate((w) => {
    const id = edges.getIds({ filter: (e) => e.from === w.from && e.to === w.to && e.prop === w.prop })[0];
    if (id === undefined) return null;
    // the middle of the edge as drawn, curved or straight
    return window.kgNetwork.body.edges[id].edgeType.getPoint(0.5);
  }, wanted);
  if (point === null) return { error: "no such edge on the page" };
  const at = await toPage(page, point);
  await page.mouse.move(at.x - 40, at.y - 40);
  await page.mouse.move(at.x, at.y, { steps: 4 });
  await page.waitForFunction(() => {
    const tip = document.querySelector("div.vis-tooltip");
    return tip && tip.style.visibility === "visible" && tip.textContent.length > 0;
  }, null, { timeout: 5000 });
  return page.evaluate(() => {
    const tip = document.querySelector("div.vis-tooltip");
    return { text: tip.innerText, quotes: tip.querySelectorAll("q").length, scripts: tip.querySelectorAll("script, img").length };
  });
}

async function clickNode(page, id) {
  const point = await page.evaluate((node) => window.kgNetwork.getPositions([node])[node], id);
  const at = await toPage(page, point);
  await page.mouse.click(at.x, at.y);
  await page.waitForSelector("#kg-details:not([hidden])", { timeout: 5000 });
  return page.evaluate(() => ({
    selected: window.kgNetwork.getSelectedNodes(),
    details: document.getElementById("kg-details").innerText,
  }));
}

async function search(page, text) {
  await page.fill("#kg-search", text);
  // A small page animates the move to the entity; a large one jumps there at once.
  await page.evaluate(() => {
    window.kgMoved = window.kgPage.large;
    window.kgNetwork.once("animationFinished", () => { window.kgMoved = true; });
  });
  await page.press("#kg-search", "Enter");
  await page.waitForFunction(() => window.kgMoved, null, { timeout: 5000 });
  return page.evaluate(() => {
    const network = window.kgNetwork;
    const selected = network.getSelectedNodes();
    const canvas = document.querySelector("#kg-network canvas").getBoundingClientRect();
    const details = document.getElementById("kg-details");
    // the middle of the part of the view the details panel leaves free
    const free = canvas.width - (details.hidden ? 0 : details.offsetWidth + 16);
    let offset = null;
    if (selected.length === 1) {
      const dom = network.canvasToDOM(network.getPositions(selected)[selected[0]]);
      offset = Math.hypot(dom.x - free / 2, dom.y - canvas.height / 2);
    }
    const status = document.getElementById("kg-status").textContent;
    return { selected, offset, status, drawn: window.kgNetwork.body.nodeIndices.slice() };
  });
}

async function classesDrawn(page) {
  const { nodes } = await drawn(page);
  return page.evaluate((ids) => ids.map((id) => window.nodes.get(id).cls), nodes);
}

async function checkPage(browser, step) {
  const result = { file: step.file };
  const { context, page, seen } = await openPage(browser, resolve(step.file));
  try {
    result.stillSeconds = await waitUntilStill(page, STILL_TIMEOUT_MS);
    result.drawn = await drawn(page);
    result.selected = await page.evaluate(() => window.kgNetwork.getSelectedNodes());
    result.header = await page.evaluate(() => ({
      entities: document.getElementById("kg-entity-count").textContent,
      relations: document.getElementById("kg-relation-count").textContent,
      notices: [...document.querySelectorAll(".kg-notice")].map((p) => p.textContent),
    }));
    result.colourPixels = await colourPixels(page);
    if (step.hoverEdge) result.hover = await hoverEdge(page, step.hoverEdge);
    if (step.screenshot) await page.screenshot({ path: resolve(step.screenshot) });
    if (step.clickNode) {
      await page.mouse.move(1, 1);
      result.click = await clickNode(page, step.clickNode);
    }
    if (step.search) {
      result.search = await search(page, step.search);
      if (step.neighbourhood) {
        await page.selectOption("#kg-hops", String(step.neighbourhood));
        await page.click("#kg-neighbourhood");
        result.neighbourhood = await drawn(page);
        await page.click("#kg-show-all");
      }
    }
    if (step.filterClass) {
      const box = `input[data-class="${step.filterClass}"]`;
      await page.uncheck(box);
      const hidden = await classesDrawn(page);
      await page.check(box);
      const shown = await classesDrawn(page);
      result.filterClass = { hidden, shown };
    }
    if (step.filterProperty) {
      await page.click(".kg-properties summary");
      const box = `input[data-property="${step.filterProperty}"]`;
      await page.uncheck(box);
      const hidden = (await drawn(page)).edges.map((e) => e.prop);
      const visible = await page.evaluate(() => document.getElementById("kg-visible").textContent);
      await page.check(box);
      result.filterProperty = { hidden, visible, shown: (await drawn(page)).edges.map((e) => e.prop) };
    }
  } catch (error) {
    result.error = String(error);
  } finally {
    Object.assign(result, seen);
    await context.close();
  }
  return result;
}

const browser = await launch();
try {
  const results = [];
  for (const step of plan.pages) results.push(await checkPage(browser, step));
  process.stdout.write(JSON.stringify(results) + "\n");
} finally {
  await browser.close();
}
