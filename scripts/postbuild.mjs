// Turns Trunk's three builds into one deployable dist/ (run by scripts/build.sh):
//
//   node scripts/postbuild.mjs DIST TOOLS_DIST HOME_DIST ROUTES_TSV SEARCH_JSON PROSE_JSON
//
// DIST holds the reader build (index.html + assets), TOOLS_DIST the tools
// build, HOME_DIST the home build; ROUTES_TSV is `export routes` (path,
// build, title, description, eyebrow, layout), SEARCH_JSON `export
// search-index`, PROSE_JSON `export prose BASE`.
// It writes, into DIST:
// - one stylesheet instead of ten (`app-<hash>.css`), and each build's
//   loader script in a file (`boot-<build>-<hash>.js`) instead of inline, so
//   the content security policy needs no 'unsafe-inline';
// - the CSP as a <meta> in every page, and the base path as a <meta> (the
//   policy's `base-uri 'none'` forbids <base>);
// - the search index as `search-<hash>.json`, named in every page by a
//   <meta> (the app fetches it the first time search is used);
// - one HTML entry per route (`learn/<slug>/index.html` …, each with its own
//   title and description, booting the build that route needs), and
//   404.html for unknown paths;
// - in each content page's first paint, its prose as the app renders it
//   (PROSE_JSON, `export prose`), which the app adopts when it mounts;
// - the service worker (`sw.js`) with the list of every file to keep offline
//   and a version derived from their contents;
// - `.gz` and `.br` beside every text asset and the .wasm.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const [dist, toolsDist, homeDist, routesTsv, searchJson, proseJson] = process.argv.slice(2);
if (!dist || !toolsDist || !homeDist || !routesTsv || !searchJson || !proseJson) {
  console.error("usage: node scripts/postbuild.mjs DIST TOOLS_DIST HOME_DIST ROUTES_TSV SEARCH_JSON PROSE_JSON");
  process.exit(2);
}

const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

const hash = (data) => createHash("sha256").update(data).digest("hex").slice(0, 16);
const sri = (data) => "sha384-" + createHash("sha384").update(data).digest("base64");
const read = (p) => fs.readFileSync(p, "utf8");
const esc = (s) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function fail(msg) {
  console.error(`postbuild: ${msg}`);
  process.exit(1);
}

// ---- the three templates ------------------------------------------------------

const readerHtml = read(path.join(dist, "index.html"));
const toolsHtml = read(path.join(toolsDist, "index.html"));
const homeHtml = read(path.join(homeDist, "index.html"));
const baseMatch = readerHtml.match(/<base href="([^"]*)"\s*\/?>/);
if (!baseMatch) fail("index.html has no <base href> (Trunk's data-trunk-public-url)");
const base = baseMatch[1].endsWith("/") ? baseMatch[1] : baseMatch[1] + "/";

// The tools and home builds' own files (loader and .wasm) move into dist/.
for (const [dir, build] of [[toolsDist, "tools"], [homeDist, "home"]]) {
  const own = new RegExp(`^rollback-lab-${build}-[0-9a-f]+(_bg\\.wasm|\\.js)$`);
  const names = fs.readdirSync(dir).filter((n) => own.test(n));
  if (names.length !== 2) fail(`${dir}: expected the ${build} build's loader and .wasm, found ${names.join(", ")}`);
  for (const name of names) fs.copyFileSync(path.join(dir, name), path.join(dist, name));
}

// The search index, for the app to fetch.
const searchIndex = read(searchJson).trim();
try {
  if (!Array.isArray(JSON.parse(searchIndex).sections)) throw new Error("no sections");
} catch (e) {
  fail(`${searchJson}: not a search index (${e.message})`);
}
const searchName = `search-${hash(searchIndex)}.json`;
fs.writeFileSync(path.join(dist, searchName), searchIndex);

// One stylesheet: the links in order, concatenated (every build links the same).
const cssLinks = [...readerHtml.matchAll(/<link rel="stylesheet" href="([^"]+)"[^>]*\/?>/g)];
if (cssLinks.length === 0) fail("no stylesheets in index.html");
const css = cssLinks.map((m) => read(path.join(dist, m[1].slice(base.length)))).join("\n");
const cssName = `app-${hash(css)}.css`;
fs.writeFileSync(path.join(dist, cssName), css);
for (const m of cssLinks) fs.rmSync(path.join(dist, m[1].slice(base.length)));

// The code every page runs besides Trunk's loader: register the service
// worker, and tell the app when a new build is ready (the app shows a banner
// and fires `rollback-lab:apply-update` when the learner accepts).
const swClient = `
if ("serviceWorker" in navigator) {
  const announce = (worker) => {
    window.__rollbackLabUpdate = worker;
    dispatchEvent(new CustomEvent("rollback-lab:update-ready"));
  };
  const register = () => navigator.serviceWorker.register(${JSON.stringify(base + "sw.js")}, { scope: ${JSON.stringify(base)} }).then((reg) => {
    if (reg.waiting && navigator.serviceWorker.controller) announce(reg.waiting);
    reg.addEventListener("updatefound", () => {
      const worker = reg.installing;
      worker && worker.addEventListener("statechange", () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) announce(worker);
      });
    });
  }).catch((e) => console.warn("Offline use is not available:", e && e.message));
  // Only once the app's page has been painted and the main thread is idle:
  // installing precaches every file of the build, which would otherwise
  // compete with this first load for the network and the CPU.
  const idle = (f) => ("requestIdleCallback" in window ? requestIdleCallback(f, { timeout: 2000 }) : setTimeout(f, 200));
  requestAnimationFrame(() => setTimeout(() => idle(register), 0));
  addEventListener("rollback-lab:apply-update", () => {
    const worker = window.__rollbackLabUpdate;
    if (!worker) return;
    let reloaded = false;
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (!reloaded) { reloaded = true; location.reload(); }
    });
    worker.postMessage("skip-waiting");
  });
}
`;

// Trunk's loader starts the app as soon as the .wasm has compiled, which is
// sometimes before the page's static first paint is on screen: then the
// first paint waits for the app's first render, and Lighthouse counts the
// .wasm download into its simulated first contentful paint (it counts the
// first task that parses HTML, and tachys's templates do): tool pages
// scored 97 in some runs, a lesson's simulated first paint read 0.7 s
// instead of 0.25 s. So the .wasm compiles at once, and the app starts in a
// task after the first contentful paint (at once in a hidden tab, where
// nothing paints, or in a browser without paint timing; after a second at
// most).
function afterFirstPaint(loader, build) {
  const call = /const wasm = await init\(\{ module_or_path: ('[^']+') \}\);/;
  const m = loader.match(call);
  if (!m) fail(`${build}: the loader's init call has changed: ${loader}`);
  return loader.replace(
    call,
    `const url = ${m[1]};
const compiled = (typeof WebAssembly.compileStreaming === "function" ? WebAssembly.compileStreaming(fetch(url)) : Promise.reject())
  .catch(() => fetch(url).then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b)));
if (document.visibilityState === "visible" && typeof PerformanceObserver === "function"
  && (PerformanceObserver.supportedEntryTypes || []).includes("paint")) {
  await new Promise((resolve) => {
    new PerformanceObserver((list, observer) => {
      if (list.getEntriesByName("first-contentful-paint").length) { observer.disconnect(); setTimeout(resolve, 0); }
    }).observe({ type: "paint", buffered: true });
    setTimeout(resolve, 1000);
  });
}
const wasm = await init({ module_or_path: await compiled });`,
  );
}

// wasm-bindgen's loader (the JS glue) is a few hundred small functions,
// most of which the app's first render calls; V8 compiles each lazily, on
// the main thread, at its first call. The magic comment
// `//# allFunctionsCalledOnLoad` (Chromium 136 and later; a plain comment
// elsewhere) has them compiled with the script, off the main thread: about
// 4 ms less of the app's first render on a lesson (51 loads side by side).
// The file keeps Trunk's name; its modulepreload gets the new integrity.
function compileHint(html, build) {
  const link = html.match(/<link rel="modulepreload" href="[^"]*?([^"/]+\.js)"[^>]*? integrity="([^"]+)"/);
  if (!link) fail(`${build}: no modulepreload with integrity for the loader's JS`);
  const file = path.join(dist, link[1]);
  const trunks = read(file);
  if (sri(trunks) !== link[2]) fail(`${build}: ${link[1]} does not match its integrity`);
  const js = "//# allFunctionsCalledOnLoad\n" + trunks;
  fs.writeFileSync(file, js);
  return html.replace(link[0], link[0].replace(link[2], sri(js)));
}

function template(html, build) {
  const inline = html.match(/<script type="module">([\s\S]*?)<\/script>/);
  if (!inline) fail(`${build}: Trunk's inline loader script not found`);
  const boot = afterFirstPaint(inline[1].trim(), build) + "\n" + swClient;
  const bootName = `boot-${build}-${hash(boot)}.js`;
  fs.writeFileSync(path.join(dist, bootName), boot);
  let out = html
    .replace(inline[0], `<script type="module" src="${base}${bootName}" integrity="${sri(boot)}"></script>`)
    .replace(baseMatch[0], `<meta name="rollback-lab-base" content="${esc(base)}" />`)
    .replace(/href="(favicon-32\.png|apple-touch-icon\.png|manifest\.webmanifest)"/g, `href="${base}$1"`);
  out = compileHint(out, build);
  // Chromium ignores (and warns about) integrity on a fetch preload.
  out = out.replace(/(<link rel="preload"[^>]*?) integrity="[^"]*"/g, "$1");
  // The .wasm loads at low priority: it must not compete with the
  // stylesheet and the first paint. At the default priority Lighthouse
  // counted the .wasm into the simulators' first contentful paint in 7 of
  // 13 probe runs (0.25 s → 0.95 s, performance 99 → 97); at low priority
  // in 1 of 13 (it still happens now and then). The app was not ready any
  // later, measured side by side. (Loading the scripts at low priority too
  // changed nothing.)
  out = out.replace(/(<link rel="preload"[^>]*as="fetch" type="application\/wasm")/g, '$1 fetchpriority="low"');
  if (!out.includes('fetchpriority="low"')) fail(`${build}: no .wasm preload to lower the priority of`);
  // Drop the separate stylesheets, link the merged one where the first was.
  out = out.replace(cssLinks[0][0], `<link rel="stylesheet" href="${base}${cssName}" integrity="${sri(css)}" />`);
  for (const m of cssLinks.slice(1)) out = out.replace(m[0], "");
  out = out.replace(/\n\s*\n(\s*\n)+/g, "\n");
  // The policy comes right after the charset, before anything it governs.
  out = out.replace(
    /<meta charset="utf-8" \/>/,
    `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`,
  );
  if (!out.includes("Content-Security-Policy")) fail(`${build}: no <meta charset> to put the policy after`);
  // A static first paint (the header, the page's eyebrow and title, and a
  // content page's prose) until the app mounts: the page is not blank while
  // the .wasm loads.
  out = out.replace(
    /<body><\/body>/,
    `<body><noscript><p>Rollback Lab runs in your browser and needs JavaScript and WebAssembly turned on.</p></noscript>` +
      `<div class="boot" aria-hidden="true" inert><div class="topbar"><span class="brand"><span class="brand-mark">↺</span> Rollback Lab</span></div>` +
      `<div class="layout"><div class="sidebar"></div><div class="boot-main"><div class="page">__BOOT_PAGE__` +
      `</div></div></div></div></body>`,
  );
  for (const needle of ["<base", "<script type=\"module\">", "data-trunk"]) {
    if (out.includes(needle)) fail(`${build}: ${needle} left in the page`);
  }
  return out;
}

// The first paint's page: its eyebrow and title where the app will put
// them, and for a content page its summary and prose (already escaped by
// the renderer), which the app adopts when it mounts (ARCHITECTURE.md,
// "Written prose").
function bootPage(r, heading) {
  const eyebrow = r?.eyebrow ? `<p class="eyebrow">${esc(r.eyebrow)}</p>` : "";
  const title = `${eyebrow}<p class="boot-title">${esc(heading)}</p>`;
  const p = r && prose[r.route];
  if (!p) return title;
  if (!["summary", "lead", "rest"].every((k) => typeof p[k] === "string") || !Number.isInteger(p.steps)) {
    fail(`${proseJson}: ${r.route} has no summary, steps, lead and rest`);
  }
  const slug = r.route.split("/").pop();
  // The steps line holds the app's place (its count comes with the app).
  const steps = p.steps > 0 ? `<p class="steps-progress">0 of ${p.steps} steps checked</p>` : "";
  // The opening paragraphs are shown; the rest waits in a <template> (not
  // laid out), so the first paint stays cheap.
  return (
    `${title}<p class="summary">${esc(p.summary)}</p>${steps}` +
    `<div class="prose" data-prose="${esc(slug)}">${p.lead}<template>${p.rest}</template></div>`
  );
}

const templates = {};
for (const [build, html] of [["reader", readerHtml], ["tools", toolsHtml], ["home", homeHtml]]) {
  templates[build] = template(html, build).replace(
    /(<meta name="rollback-lab-base"[^>]*\/>)/,
    `$1\n    <meta name="rollback-lab-search-index" content="${esc(searchName)}" />`,
  );
  if (!templates[build].includes("rollback-lab-search-index")) fail(`${build}: no base <meta> to put the search index after`);
}

// Each content page's prose (`export prose BASE`):
// { base, pages: { path → { summary, steps, lead, rest } } }.
let prose;
try {
  const json = JSON.parse(read(proseJson));
  if (typeof json?.pages !== "object" || Array.isArray(json.pages)) throw new Error("no pages");
  if (json.base !== base) throw new Error(`written for base ${json.base}, this build's base is ${base}`);
  prose = json.pages;
} catch (e) {
  fail(`${proseJson}: not the pages' prose for this build (${e.message})`);
}

function page(build, title, description, r) {
  const t = templates[build];
  if (!t) fail(`unknown build ${build}`);
  // The page's own heading: "Quick test · Rollback Lab" → "Quick test".
  const heading = title.startsWith("Rollback Lab") ? "Rollback Lab" : title.replace(/ · Rollback Lab$/, "");
  const out = t
    .replace('<div class="page">__BOOT_PAGE__', () => `<div class="page${r?.layout ? ` ${r.layout}` : ""}">${bootPage(r, heading)}`)
    .replace(/<title>[^<]*<\/title>/, `<title>${esc(title)}</title>`)
    .replace(/<meta name="description" content="[^"]*"/, `<meta name="description" content="${esc(description)}"`);
  if (out.includes("__BOOT_PAGE__")) fail(`${build}: the first paint's page was not written`);
  return out;
}

// ---- one entry per route ------------------------------------------------------

const routes = read(routesTsv)
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => {
    const [route, build, title, description, eyebrow, layout] = l.split("\t");
    if (!route?.startsWith("/") || !title || !description || eyebrow === undefined || !["wide", "home", ""].includes(layout)) {
      fail(`bad route line: ${l}`);
    }
    return { route, build, title, description, eyebrow, layout };
  });
for (const key of Object.keys(prose)) {
  if (!routes.some((r) => r.route === key)) fail(`${proseJson}: ${key} is not a route`);
}
for (const r of routes) {
  if (r.route.startsWith("/learn/") && !prose[r.route]) fail(`${proseJson}: no prose for ${r.route}`);
}
const entries = [];
for (const r of routes) {
  const rel = r.route === "/" ? "index.html" : `${r.route.slice(1)}/index.html`;
  fs.mkdirSync(path.dirname(path.join(dist, rel)), { recursive: true });
  fs.writeFileSync(path.join(dist, rel), page(r.build, r.title, r.description, r));
  entries.push(rel);
}
fs.writeFileSync(
  path.join(dist, "404.html"),
  page("reader", "Page not found · Rollback Lab", "This address is not a page of Rollback Lab.", null),
);
entries.push("404.html");
const count = (b) => routes.filter((r) => r.build === b).length;
console.log(`postbuild: ${routes.length} route entries (${count("home")} home, ${count("tools")} tools)`);

// ---- the service worker -----------------------------------------------------------

const assets = fs
  .readdirSync(dist)
  .filter((n) => fs.statSync(path.join(dist, n)).isFile())
  .filter((n) => !/\.(gz|br|html)$/.test(n) && n !== "sw.js" && n !== "robots.txt");
const precache = [...entries, ...assets].sort();
const version = hash(precache.map((rel) => rel + "\0" + hash(fs.readFileSync(path.join(dist, rel)))).join("\n"));
const sw = read(path.join(path.dirname(new URL(import.meta.url).pathname), "sw.template.js"))
  .replace("__VERSION__", JSON.stringify(version))
  .replace("__BASE__", JSON.stringify(base))
  .replace("__PRECACHE__", JSON.stringify(precache, null, 2));
fs.writeFileSync(path.join(dist, "sw.js"), sw);
console.log(`postbuild: sw.js version ${version}, ${precache.length} files kept offline`);

// ---- pre-compressed copies ----------------------------------------------------------

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? walk(p) : [p];
  });
}
let compressed = 0;
for (const file of walk(dist)) {
  if (!/\.(html|js|css|wasm|svg|json|webmanifest|txt)$/.test(file)) continue;
  const data = fs.readFileSync(file);
  fs.writeFileSync(file + ".gz", zlib.gzipSync(data, { level: 9 }));
  fs.writeFileSync(
    file + ".br",
    zlib.brotliCompressSync(data, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
  );
  compressed++;
}
console.log(`postbuild: ${compressed} files pre-compressed (.gz, .br)`);
