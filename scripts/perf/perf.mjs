// Rollback Lab's performance figures, each beside its budget (run through
// scripts/perf.sh, which builds, serves and installs what this needs):
//
//   node scripts/perf/perf.mjs BASE_URL DIST [--loads N] [--only size,load,lighthouse,interaction]
//   node scripts/perf/perf.mjs - DIST --only size      (no server, no browser)
//
// 1. First-load transfer of the home page (HTML, loader scripts, .wasm,
//    CSS; the app uses system fonts), gzip and brotli, and the .wasm alone.
// 2. Navigation start → interactive on a lesson, median of N cold loads:
//    the later of the app's "app-ready" mark and the paint of the lesson's
//    title, against the same lesson as a plain static page
//    (BASE_URL/__static/<slug>.html, the later of its load event and the
//    paint of its title) served by the same server in the same run.
// 3. Lighthouse 12.2.3, desktop settings, on the home page, a lesson, the
//    quiz and both simulators.
// 4. Interaction to paint: a simulator slider change → the repainted chart,
//    and a quiz answer click → its paint, measured in the page with
//    Performance API marks, median of 20.
// Prints one table, and writes target/perf/results.json.
import fs from "node:fs";
import path from "node:path";
// puppeteer-core and lighthouse are imported only when a browser is needed,
// so `--only size` (scripts/bundle-size.sh) runs without them.

const args = process.argv.slice(2);
const base = args[0];
const dist = args[1];
if (!base || !dist) {
  console.error("usage: node scripts/perf/perf.mjs BASE_URL DIST [--loads N] [--only a,b]");
  process.exit(2);
}
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const LOADS = Math.max(10, parseInt(opt("loads", "31"), 10));
const ONLY = new Set(opt("only", "size,load,lighthouse,interaction").split(","));
const LESSON = "/learn/feature-flags";
const LESSON_SLUG = "feature-flags";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

const rows = [];
const results = { date: new Date().toISOString(), base, rows };
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => `${n.toFixed(1)} ms`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
function row(metric, value, shown, budget, ok, note = "") {
  rows.push({ metric, value, shown, budget, ok, note });
}

// ---- 1. sizes -------------------------------------------------------------------

function firstLoadFiles(html) {
  const refs = [];
  for (const m of html.matchAll(/<(?:link|script)\b[^>]*>/g)) {
    const tag = m[0];
    const url = (tag.match(/\b(?:href|src)="([^"]+)"/) || [])[1];
    if (!url) continue;
    const isNeeded =
      /rel="stylesheet"/.test(tag) || /rel="modulepreload"/.test(tag) || /rel="preload"/.test(tag) || tag.startsWith("<script");
    if (isNeeded) refs.push(url.replace(/^\/+/, "").split(/[?#]/)[0]);
  }
  return refs;
}

function sizeOf(rel) {
  const file = path.join(dist, rel);
  const raw = fs.statSync(file).size;
  const gz = fs.existsSync(file + ".gz") ? fs.statSync(file + ".gz").size : NaN;
  const br = fs.existsSync(file + ".br") ? fs.statSync(file + ".br").size : NaN;
  return { raw, gz, br };
}

function sizes() {
  const table = [];
  for (const [label, entry] of [
    ["home (home build)", "index.html"],
    ["lesson (reader build)", `learn/${LESSON_SLUG}/index.html`],
    ["quiz (tools build)", "quiz/index.html"],
  ]) {
    const html = fs.readFileSync(path.join(dist, entry), "utf8");
    const files = [entry, ...firstLoadFiles(html)];
    const total = { raw: 0, gz: 0, br: 0 };
    for (const f of files) {
      const s = sizeOf(f);
      table.push({ page: label, file: f, ...s });
      total.raw += s.raw;
      total.gz += s.gz;
      total.br += s.br;
    }
    const wasm = files.find((f) => f.endsWith(".wasm"));
    const w = sizeOf(wasm);
    if (entry === "index.html") {
      row("First load, home page, gzip", total.gz, kb(total.gz), "≤ 250 KB", total.gz <= 250 * 1024, `${files.length} files`);
      row("First load, home page, brotli", total.br, kb(total.br), "—", null);
      row("  .wasm alone, gzip / brotli", w.gz, `${kb(w.gz)} / ${kb(w.br)}`, "—", null, `raw ${kb(w.raw)}`);
    } else {
      row(`First load, ${label}, gzip`, total.gz, kb(total.gz), "—", null, `brotli ${kb(total.br)}`);
    }
  }
  results.files = table;
  console.log("\nFiles of the first load (bytes):");
  console.log(["page", "file", "raw", "gzip", "brotli"].join("\t"));
  for (const t of table) console.log([t.page, t.file, t.raw, t.gz, t.br].join("\t"));
}

// ---- browser helpers ---------------------------------------------------------------

async function launch() {
  const { default: puppeteer } = await import("puppeteer-core");
  return puppeteer.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--no-first-run", "--disable-extensions",
      "--remote-debugging-port=0",
    ],
  });
}

/// One cold load in a fresh context. In ms from navigation start:
/// `ready`, the app's `mark` (or, when mark is null, the end of the static
/// page's load event); `title`, when the lesson's title was first painted
/// (Element Timing: both pages give their h1 `elementtiming="page-title"`);
/// and `interactive`, the later of the two. A page is interactive once it
/// has loaded and shows what it is: a static page's load event can end
/// before it has painted anything, and the app's mark comes a frame before
/// its own paint, so neither is counted alone.
async function coldLoad(browser, url, mark) {
  const ctx = await browser.createBrowserContext();
  try {
    const page = await ctx.newPage();
    await page.goto(url, { waitUntil: "load" });
    const [ready, title] = await page.evaluate(async (mark) => {
      const nav = performance.getEntriesByType("navigation")[0];
      let ready = null;
      for (let i = 0; i < 500 && ready === null; i++) {
        if (!mark) ready = nav.loadEventEnd || null;
        else ready = (performance.getEntriesByName(mark)[0] || {}).startTime ?? null;
        if (ready === null) await new Promise((r) => setTimeout(r, 10));
      }
      if (ready === null) throw new Error(`no ${mark || "load event"} on ${location.href}`);
      const title = await new Promise((resolve) => {
        const seen = (list) => {
          const e = list.getEntries().find((x) => x.identifier === "page-title");
          if (e) resolve(e.renderTime || e.loadTime);
        };
        new PerformanceObserver(seen).observe({ type: "element", buffered: true });
        setTimeout(() => resolve(null), 5000);
      });
      if (title === null) throw new Error(`the title of ${location.href} was never painted (no element timing)`);
      return [ready, title];
    }, mark);
    return { ready, title, interactive: Math.max(ready, title) };
  } finally {
    await ctx.close();
  }
}

async function loads(browser) {
  const app = [];
  const stat = [];
  const staticUrl = `${base}/__static/${LESSON_SLUG}.html`;
  // One warm-up of each (server, disk cache of the OS), not counted.
  await coldLoad(browser, base + LESSON, "app-ready");
  await coldLoad(browser, staticUrl, null);
  for (let i = 0; i < LOADS; i++) {
    stat.push(await coldLoad(browser, staticUrl, null));
    app.push(await coldLoad(browser, base + LESSON, "app-ready"));
  }
  const pick = (xs, k) => xs.map((x) => x[k]);
  const a = median(pick(app, "interactive"));
  const s = median(pick(stat, "interactive"));
  results.loads = { app, static: stat };
  const spread = (xs) => `min ${ms(Math.min(...xs))}, max ${ms(Math.max(...xs))}`;
  row(`Lesson load → interactive, app (median of ${LOADS})`, a, ms(a), "—", null, spread(pick(app, "interactive")));
  row(`Same lesson, static HTML (median of ${LOADS})`, s, ms(s), "—", null, spread(pick(stat, "interactive")));
  row("  ratio app / static", a / s, (a / s).toFixed(2), "≤ 2.0", a / s <= 2.0);
  // The parts, so each can be read on its own (medians of each part).
  const ar = median(pick(app, "ready"));
  const sr = median(pick(stat, "ready"));
  row("  app: app-ready mark / title painted", ar, `${ms(ar)} / ${ms(median(pick(app, "title")))}`, "—", null);
  row("  static: load event end / title painted", sr, `${ms(sr)} / ${ms(median(pick(stat, "title")))}`, "—", null);
  row("  ratio app-ready mark / static load event", ar / sr, (ar / sr).toFixed(2), "—", null, "ignores when each page paints");
}

// ---- 3. Lighthouse ----------------------------------------------------------------

async function lighthouseAll(browser) {
  const { default: lighthouse } = await import("lighthouse");
  const { default: desktopConfig } = await import("lighthouse/core/config/desktop-config.js");
  const port = Number(new URL(browser.wsEndpoint()).port);
  // Every route family. Desktop with Lighthouse's desktop config; mobile
  // with its defaults (a Moto G Power: slow 4G, 4x CPU slowdown, 412 px),
  // the settings phones are judged by.
  const pages = [
    ["home", "/"],
    ["lesson", LESSON],
    ["lesson with live examples", "/learn/canary-releases"],
    ["quiz", "/quiz"],
    ["canary simulator", "/simulators/canary"],
    ["migration simulator", "/simulators/migration"],
    ["runbooks", "/runbooks"],
    ["checklists", "/checklists"],
    ["game day", "/game-day"],
    ["progress", "/progress"],
  ];
  const forms = ONLY.has("mobile-only") ? [["mobile", undefined]] : [["desktop", desktopConfig], ["mobile", undefined]];
  results.lighthouse = {};
  for (const [form, config] of forms)
  for (const [page, p] of pages) {
    const label = `${page} (${form})`;
    const run = await lighthouse(
      base + p,
      { port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility", "best-practices", "seo"] },
      config,
    );
    const c = run.lhr.categories;
    const a = run.lhr.audits;
    const score = (k) => Math.round((c[k]?.score ?? 0) * 100);
    const s = { performance: score("performance"), accessibility: score("accessibility"), bestPractices: score("best-practices"), seo: score("seo") };
    const metrics = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift"]
      .map((k) => `${k.split("-").map((w) => w[0]).join("").toUpperCase()} ${a[k]?.displayValue ?? "?"}`)
      .join(", ");
    // Audits that cost points (weighted in a category) and did not pass.
    const weighted = new Set(Object.values(c).flatMap((cat) => cat.auditRefs.filter((r) => r.weight > 0).map((r) => r.id)));
    const failed = Object.values(a)
      .filter((x) => weighted.has(x.id) && x.score !== null && x.score < 1 && x.scoreDisplayMode === "binary")
      .map((x) => x.id);
    results.lighthouse[label] = { ...s, metrics, failed };
    const perfBudget = form === "mobile" ? 95 : 98;
    const ok = s.performance >= perfBudget && s.accessibility === 100 && s.bestPractices === 100 && s.seo >= 90;
    // What the page transferred on its cold load (every response, as sent).
    const transfer = Object.values(a["network-requests"]?.details?.items ?? []).reduce((n, r) => n + (r.transferSize ?? 0), 0);
    results.lighthouse[label].transferKB = Math.round(transfer / 102.4) / 10;
    row(
      `Lighthouse ${label} (perf/a11y/BP/SEO)`,
      s,
      `${s.performance}/${s.accessibility}/${s.bestPractices}/${s.seo}`,
      `≥${perfBudget}/100/100/≥90`,
      ok,
      metrics + `, first load ${results.lighthouse[label].transferKB} KB` + (failed.length ? `; failing: ${failed.join(", ")}` : ""),
    );
  }
}

// ---- 4. interactions ----------------------------------------------------------------

// In the page: mark, act, wait for the frame after the DOM update to be
// painted (a rAF callback runs before the paint, a task queued from it runs
// after), mark, measure. Returns [duration, whether `changed()` saw a change].
const MEASURE = `
window.__measure = async (name, act, probe) => {
  const before = probe();
  performance.mark(name + "-start");
  act();
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  performance.mark(name + "-painted");
  const m = performance.measure(name, name + "-start", name + "-painted");
  return [m.duration, probe() !== before];
};`;

async function interactions(browser) {
  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  // The slider: the canary simulator with an error fault.
  await page.goto(`${base}/simulators/canary?scenario=error-spike-at-1-percent`, { waitUntil: "load" });
  await page.waitForSelector("#cs-fault-slider");
  // Run it through, so that every change re-simulates the whole run.
  const toEnd = await page.waitForSelector("xpath/.//button[contains(., 'Run to the end')]");
  await toEnd.click();
  await page.waitForFunction(() => {
    const m = document.querySelector(".sim-clock")?.textContent.match(/minute (\d+) of (\d+)/);
    return m && m[1] === m[2];
  });
  await page.evaluate(MEASURE);
  const slider = [];
  for (let i = 0; i < 22; i++) {
    const [d, changed] = await page.evaluate(async (i) => {
      const el = document.getElementById("cs-fault-slider");
      const v = (2 + (i % 8)).toString();
      return window.__measure(
        "slider",
        () => {
          el.value = v;
          el.dispatchEvent(new Event("input", { bubbles: true }));
        },
        () => document.querySelector(".sim-charts").innerHTML,
      );
    }, i);
    if (!changed) throw new Error("the slider did not change the chart");
    if (i >= 2) slider.push(d); // two warm-ups
  }
  // The quiz: start, then click answers of the first question.
  await page.goto(`${base}/quiz`, { waitUntil: "load" });
  const start = await page.waitForSelector("xpath/.//button[contains(., 'Start')]");
  await start.click();
  await page.waitForSelector("fieldset.options input");
  await page.evaluate(MEASURE);
  const quiz = [];
  for (let i = 0; i < 22; i++) {
    const [d, changed] = await page.evaluate(async (i) => {
      const inputs = [...document.querySelectorAll("fieldset.options input")];
      const el = inputs[i % inputs.length];
      return window.__measure(
        "quiz-answer",
        () => el.click(),
        () => inputs.map((x) => x.checked).join() + document.querySelector("main").innerText.length,
      );
    }, i);
    if (!changed) throw new Error("the quiz click changed nothing");
    if (i >= 2) quiz.push(d);
  }
  await ctx.close();
  results.interactions = { slider, quiz };
  const s = median(slider);
  const q = median(quiz);
  row("Slider change → chart painted (median of 20)", s, ms(s), "≤ 50 ms", s <= 50, `max ${ms(Math.max(...slider))}`);
  row("Quiz answer click → painted (median of 20)", q, ms(q), "≤ 50 ms", q <= 50, `max ${ms(Math.max(...quiz))}`);
}

// ---- run ----------------------------------------------------------------------------------

if (ONLY.has("size")) sizes();
if (["load", "interaction", "lighthouse"].some((k) => ONLY.has(k))) {
  const browser = await launch();
  try {
    if (ONLY.has("load")) await loads(browser);
    if (ONLY.has("interaction")) await interactions(browser);
    if (ONLY.has("lighthouse")) await lighthouseAll(browser);
  } finally {
    await browser.close();
  }
}

const w = [50, 22, 18, 6];
const pad = (s, n) => String(s).padEnd(n);
console.log(`\nRollback Lab performance, ${results.date}\n`);
console.log(pad("Measure", w[0]) + pad("Measured", w[1]) + pad("Budget", w[2]) + pad("OK", w[3]) + "Notes");
console.log("-".repeat(120));
for (const r of rows) {
  const ok = r.ok === null ? "" : r.ok ? "yes" : "NO";
  console.log(pad(r.metric, w[0]) + pad(r.shown, w[1]) + pad(r.budget, w[2]) + pad(ok, w[3]) + r.note);
}
fs.mkdirSync("target/perf", { recursive: true });
fs.writeFileSync("target/perf/results.json", JSON.stringify(results, null, 2));
console.log("\nDetails: target/perf/results.json");
const over = rows.filter((r) => r.ok === false).length;
console.log(over ? `${over} figure(s) over budget.` : "Every figure is within its budget.");
