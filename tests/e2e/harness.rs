//! End-to-end harness: a static server for `dist/` on 127.0.0.1 (behaving
//! like a plain static host: unknown paths get `404.html` with status 404),
//! one ChromeDriver and one headless Chromium per test (a fresh profile, so
//! fresh local storage), and helpers that wait for the DOM instead of
//! sleeping.

// Not every test module uses every helper.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub type R<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How long any wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

// ---- static server -----------------------------------------------------------

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

fn serve_one(mut stream: TcpStream, root: &Path, prefix: &str) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Drain headers.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    // Under a sub-path, only what is below it exists.
    let rel = match path.strip_prefix(prefix) {
        Some(rest) => rest.trim_start_matches('/'),
        None => "\0outside",
    };
    let mut file = root.join(rel);
    if rel.is_empty() || file.is_dir() {
        file = file.join("index.html");
    }
    let safe = !rel.split('/').any(|seg| seg == "..");
    let (status, file) =
        if safe && file.is_file() { ("200 OK", file) } else { ("404 Not Found", root.join("404.html")) };
    let mut body = Vec::new();
    if let Ok(mut f) = std::fs::File::open(&file) {
        let _ = f.read_to_end(&mut body);
    }
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        content_type(&file),
        body.len()
    );
    let _ = stream.write_all(header.as_bytes());
    let _ = stream.write_all(&body);
}

/// A static server of its own for one test, over any directory; `stop()`
/// makes it refuse every connection from then on (the host is gone).
pub struct StaticServer {
    pub url: String,
    stopped: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl StaticServer {
    pub fn start(root: PathBuf) -> StaticServer {
        Self::start_at(root, "")
    }

    /// Serve `root` under a sub-path (`"/course"`): `/course/x` is `root/x`.
    pub fn start_at(root: PathBuf, prefix: &'static str) -> StaticServer {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        assert!(root.join("index.html").is_file(), "{}: no index.html: run scripts/build.sh first", root.display());
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let stopped = Arc::new(AtomicBool::new(false));
        let flag = stopped.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if flag.load(Ordering::SeqCst) {
                    drop(stream);
                    continue;
                }
                let root = root.clone();
                std::thread::spawn(move || serve_one(stream, &root, prefix));
            }
        });
        StaticServer { url: format!("http://127.0.0.1:{port}"), stopped }
    }

    /// From now on every connection is closed unanswered.
    pub fn stop(&self) {
        self.stopped.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// `dist/`, where scripts/build.sh puts the release build.
pub fn dist_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist")
}

/// The base URL of the shared static server for `dist/`.
pub fn server() -> &'static str {
    static SERVER: OnceLock<StaticServer> = OnceLock::new();
    &SERVER.get_or_init(|| StaticServer::start(dist_dir())).url
}

// ---- browser -------------------------------------------------------------------

/// Installed before any page script: records console errors, uncaught
/// errors, CSP violations, and any call to alert/confirm/prompt (the XSS trap).
const INIT_SCRIPT: &str = r#"
(() => {
  window.__errors = [];
  window.__csp = [];
  window.__xss = [];
  const origError = console.error;
  console.error = function (...args) { window.__errors.push(args.map(String).join(' ')); return origError.apply(console, args); };
  window.addEventListener('error', e => window.__errors.push('uncaught: ' + (e.message || e.type)));
  window.addEventListener('unhandledrejection', e => window.__errors.push('unhandled rejection: ' + e.reason));
  document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  const trap = name => function (...args) { window.__xss.push(name + ':' + args.map(String).join(',')); };
  window.alert = trap('alert'); window.confirm = trap('confirm'); window.prompt = trap('prompt');
  window.__xssTrap = trap('trap');
  // A tab can be made deaf to other tabs' saves (`window.__deaf = true`), as
  // if both saved at the same moment: registered before the app's own
  // listener, so it runs first and stops the event.
  window.__held = [];
  window.addEventListener('storage', e => { if (window.__deaf) { e.stopImmediatePropagation(); window.__held.push(e.key); } }, true);
})();
"#;

#[derive(Debug)]
struct CdpCommand {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or("")))
    }
    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()))
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One browser for one test. Dropping it ends the session and the driver.
pub struct Browser {
    pub client: Client,
    driver: Child,
    pub base: String,
    /// The browser's own profile directory (also how its processes are found).
    profile: PathBuf,
}

/// Chromium outlives a killed chromedriver: end every process of one
/// browser (they all carry its profile directory on their command line).
fn kill_browser_processes(profile: &Path) {
    let needle = profile.to_string_lossy().to_string();
    let pids: Vec<String> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_string_lossy().to_string();
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            (pid.chars().all(|c| c.is_ascii_digit()) && String::from_utf8_lossy(&cmdline).contains(&needle))
                .then_some(pid)
        })
        .collect();
    if !pids.is_empty() {
        let _ = Command::new("sh").arg("-c").arg(format!("kill -9 {} 2>/dev/null", pids.join(" "))).status();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        kill_browser_processes(&self.profile);
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Browser {
    /// A fresh browser at 1280×900.
    pub async fn new() -> R<Browser> {
        Self::with_size(1280, 900).await
    }

    /// A fresh browser with a given window size.
    pub async fn with_size(width: u32, height: u32) -> R<Browser> {
        Self::at(server(), width, height).await
    }

    /// A fresh browser of a given size on another server (see [`StaticServer`]).
    pub async fn at(base: &str, width: u32, height: u32) -> R<Browser> {
        // The free port picked for chromedriver can be taken by another test
        // (a server binding port 0) before chromedriver binds it: try again.
        let mut last = None;
        for _ in 0..3 {
            match Self::launch(base, width, height).await {
                Ok(b) => return Ok(b),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap())
    }

    async fn launch(base: &str, width: u32, height: u32) -> R<Browser> {
        let base = base.to_string();
        let port = free_port();
        let driver_path = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let mut driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {driver_path}: {e} (run scripts/setup.sh --browser)"))?;
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > TIMEOUT {
                let _ = driver.kill();
                let _ = driver.wait();
                return Err("chromedriver did not start".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Unique per browser; the trailing "-x" keeps one name from being a
        // prefix of another (see Drop).
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let profile = std::env::temp_dir().join(format!("rollback-lab-e2e-{}-{n}-x", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        let mut caps = Capabilities::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--disable-extensions",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.display()),
                ]
            }),
        );
        let client = match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => c,
            Err(e) => {
                let _ = driver.kill();
                let _ = driver.wait();
                kill_browser_processes(&profile);
                return Err(e.into());
            }
        };
        let browser = Browser { client, driver, base, profile };
        browser.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": INIT_SCRIPT })).await?;
        browser.client.set_window_size(width, height).await?;
        Ok(browser)
    }

    /// Open a second tab (the test script applies to it too) and switch to it.
    pub async fn new_tab(&self) -> R<fantoccini::wd::WindowHandle> {
        let handle = self.client.new_window(true).await?.handle;
        self.client.switch_to_window(handle.clone()).await?;
        self.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": INIT_SCRIPT })).await?;
        Ok(handle)
    }

    /// Send a Chrome DevTools Protocol command.
    pub async fn cdp(&self, cmd: &'static str, params: Value) -> R<Value> {
        Ok(self.client.issue_cmd(CdpCommand { cmd, params }).await?)
    }

    /// Open an app path ("/learn/x") and wait for the app to render.
    pub async fn open(&self, path: &str) -> R {
        self.client.goto(&format!("{}{}", self.base, path)).await?;
        self.wait_for_css("main#main").await?;
        Ok(())
    }

    /// Run JavaScript and return its value.
    pub async fn js(&self, script: &str) -> R<Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Wait until `script` (a JS expression) is truthy; return its value.
    pub async fn wait_js(&self, expr: &str) -> R<Value> {
        let started = Instant::now();
        loop {
            // An element not rendered yet is not an error: keep waiting. Nor
            // is a page being replaced (the script ran in a document that
            // went away, e.g. while the reader hands over to the tools build).
            let v = match self.js(&format!("try {{ return ({expr}); }} catch (e) {{ return null; }}")).await {
                Ok(v) => v,
                Err(_) if started.elapsed() <= TIMEOUT => {
                    tokio::time::sleep(Duration::from_millis(40)).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return Ok(v);
            }
            if started.elapsed() > TIMEOUT {
                return Err(format!("timed out waiting for `{expr}` (last value {v})").into());
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    /// Wait for an element.
    pub async fn wait_for_css(&self, css: &str) -> R<fantoccini::elements::Element> {
        Ok(self.client.wait().at_most(TIMEOUT).for_element(Locator::Css(css)).await?)
    }

    /// Wait until an element's text contains `text`.
    pub async fn wait_for_text(&self, css: &str, text: &str) -> R {
        let expr = format!(
            "Array.from(document.querySelectorAll({css})).some(e => e.textContent.includes({text}))",
            css = json!(css),
            text = json!(text)
        );
        self.wait_js(&expr).await.map(|_| ()).map_err(|e| format!("no `{css}` containing {text:?}: {e}").into())
    }

    /// The text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> R<String> {
        Ok(self.wait_for_css(css).await?.text().await?)
    }

    /// Click the first element matching `css` (scrolled to the middle of
    /// the window first, so the sticky header never covers it).
    pub async fn click(&self, css: &str) -> R {
        let el = self.wait_for_css(css).await?;
        self.js(&format!(
            "const e = document.querySelector({}); if (e) e.scrollIntoView({{block: 'center'}}); return true;",
            serde_json::json!(css)
        ))
        .await?;
        el.click().await?;
        Ok(())
    }

    /// Click a button or link by its visible text.
    pub async fn click_text(&self, selector: &str, text: &str) -> R {
        let expr = format!(
            "Array.from(document.querySelectorAll({sel})).find(e => e.textContent.trim().includes({text}))",
            sel = json!(selector),
            text = json!(text)
        );
        self.wait_js(&format!("!!{expr}")).await?;
        self.js(&format!(
            "document.querySelectorAll('[data-e2e-target]').forEach(e => e.removeAttribute('data-e2e-target'));\
             const el = {expr}; el.setAttribute('data-e2e-target', '1'); el.scrollIntoView({{block: 'center'}}); return true;"
        ))
        .await?;
        self.client.find(Locator::Css("[data-e2e-target]")).await?.click().await?;
        Ok(())
    }

    /// Type into a field (appends).
    pub async fn type_into(&self, css: &str, text: &str) -> R {
        self.wait_for_css(css).await?.send_keys(text).await?;
        Ok(())
    }

    /// Send keys to whatever has focus.
    pub async fn keys(&self, keys: &str) -> R {
        self.client.active_element().await?.send_keys(keys).await?;
        Ok(())
    }

    /// The path of the current URL.
    pub async fn path(&self) -> R<String> {
        let url = self.client.current_url().await?;
        Ok(url.path().to_string())
    }

    /// Console errors and uncaught exceptions so far on this page.
    pub async fn errors(&self) -> R<Vec<String>> {
        let v = self.js("return window.__errors || [];").await?;
        Ok(serde_json::from_value(v)?)
    }

    /// Fail if the page logged an error.
    pub async fn assert_no_errors(&self, context: &str) -> R {
        let errors = self.errors().await?;
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("{context}: console errors: {errors:?}").into())
        }
    }

    /// Calls that the XSS trap caught (must stay empty).
    pub async fn xss_calls(&self) -> R<Vec<String>> {
        let v = self.js("return window.__xss || [];").await?;
        Ok(serde_json::from_value(v)?)
    }

    /// Run axe-core on the page; returns the violations (id: help, targets).
    pub async fn axe(&self) -> R<Vec<String>> {
        static AXE: OnceLock<String> = OnceLock::new();
        let source = AXE.get_or_init(|| {
            let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
            std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup.sh)", p.display()))
        });
        let loaded = self.js("return typeof window.axe !== 'undefined';").await?;
        if loaded != Value::Bool(true) {
            self.client.execute(source, vec![]).await?;
        }
        let result = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, { resultTypes: ['violations'] })
                     .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' @ ' +
                        v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(' | '))))
                     .catch(e => done(['axe failed: ' + e]));"#,
                vec![],
            )
            .await?;
        Ok(serde_json::from_value(result)?)
    }

    /// Save a screenshot under tests/e2e/artifacts/.
    pub async fn screenshot(&self, name: &str) -> R<PathBuf> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/artifacts");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    /// Local storage value.
    pub async fn storage(&self, key: &str) -> R<Option<String>> {
        let v = self.js(&format!("return localStorage.getItem({});", json!(key))).await?;
        Ok(v.as_str().map(str::to_string))
    }
}

/// The course as the tests know it (read natively from content/).
pub fn course() -> &'static rollback_lab::core::content::Course {
    static COURSE: OnceLock<rollback_lab::core::content::Course> = OnceLock::new();
    COURSE.get_or_init(|| {
        rollback_lab::core::content::Course::from_dir(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content"))
            .expect("content parses")
    })
}

impl Browser {
    /// Set a field's value as if typed, and fire `input` (and `change`).
    pub async fn fill(&self, css: &str, text: &str) -> R {
        self.wait_for_css(css).await?;
        self.js(&format!(
            "const el = document.querySelector({css}); el.focus(); \
             const proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : (el.tagName === 'SELECT' ? HTMLSelectElement.prototype : HTMLInputElement.prototype); \
             Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, {text}); \
             el.dispatchEvent(new Event('input', {{bubbles: true}})); el.dispatchEvent(new Event('change', {{bubbles: true}})); return true;",
            css = serde_json::json!(css),
            text = serde_json::json!(text)
        ))
        .await?;
        Ok(())
    }

    /// Give a file input a file, as if chosen in the file picker.
    pub async fn choose_file(&self, css: &str, name: &str, text: &str) -> R {
        self.wait_for_css(css).await?;
        self.js(&format!(
            "const dt = new DataTransfer(); dt.items.add(new File([{text}], {name}, {{type: 'application/json'}})); \
             const i = document.querySelector({css}); i.files = dt.files; i.dispatchEvent(new Event('change', {{bubbles: true}})); return true;",
            css = serde_json::json!(css),
            name = serde_json::json!(name),
            text = serde_json::json!(text)
        ))
        .await?;
        Ok(())
    }

    /// The text of the last file offered for download (after `after` changes).
    pub async fn last_download(&self) -> R<(String, String)> {
        let v =
            self.wait_js("window.__lastDownload && [window.__lastDownload.name, window.__lastDownload.text]").await?;
        Ok((v[0].as_str().unwrap_or_default().to_string(), v[1].as_str().unwrap_or_default().to_string()))
    }

    /// Forget the last download, so the next one can be awaited.
    pub async fn clear_download(&self) -> R {
        self.js("window.__lastDownload = null; return true;").await?;
        Ok(())
    }

    /// Fail if the XSS trap fired or user content produced active elements.
    pub async fn assert_no_xss(&self, context: &str) -> R {
        let calls = self.xss_calls().await?;
        let active = self
            .js("return document.querySelectorAll('main script, main iframe, main object, main embed, main [onerror], main [onload], main [onclick], main [onmouseover], main [onfocus], main [ontoggle], main a[href^=\"javascript:\" i], main [src^=\"javascript:\" i], main [srcdoc]').length;")
            .await?;
        if calls.is_empty() && active.as_u64() == Some(0) {
            Ok(())
        } else {
            Err(format!("{context}: XSS trap calls {calls:?}, active elements {active}").into())
        }
    }
}
