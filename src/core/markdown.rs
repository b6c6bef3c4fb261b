//! The one markdown renderer: a thin wrapper around pulldown-cmark that every
//! caller uses (lessons, quiz explanations, learner drafts, runbook previews).
//!
//! Markdown is parsed into a small document tree ([`Doc`]) instead of HTML. The
//! view layer turns the tree into DOM nodes, so every piece of text becomes a
//! text node and nothing is ever parsed as HTML: raw HTML in the markdown is
//! kept as literal text, and links with a scheme other than http, https or
//! mailto lose their link. [`to_html`] renders the same tree to an escaped
//! HTML string for tests and for the static comparison pages.
//!
//! This file depends only on pulldown-cmark and std, so the build script can
//! include it too (search index, anchors) and agree with the app exactly.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// How a document is parsed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Recognise `{{#name args}}` paragraphs as directives (course content
    /// only; a learner's draft shows them as the text they typed).
    pub directives: bool,
}

/// Column alignment of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

/// A block-level node.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `level` is 1–6; `id` is the unique anchor within the document.
    Heading {
        level: u8,
        id: String,
        content: Vec<Inline>,
    },
    Paragraph(Vec<Inline>),
    /// Inline content of a tight list item (no paragraph around it).
    Plain(Vec<Inline>),
    Code {
        lang: Option<String>,
        code: String,
    },
    Quote(Vec<Block>),
    /// `start` is `Some(n)` for an ordered list starting at `n`.
    List {
        start: Option<u64>,
        items: Vec<Item>,
    },
    Table {
        aligns: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Rule,
    /// Raw HTML from the source, kept as literal text (never interpreted).
    Html(String),
    /// `{{#name arg …}}` alone in a paragraph, with its 1-based source line.
    Directive {
        name: String,
        args: Vec<String>,
        line: usize,
    },
    /// A footnote definition: its label, number, and content.
    Footnote {
        label: String,
        number: usize,
        blocks: Vec<Block>,
    },
}

/// A list item. `task` is `Some(checked)` for a task-list item; `task_index`
/// numbers the task items of the document in order (0, 1, …).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub task: Option<bool>,
    pub task_index: Option<usize>,
    pub blocks: Vec<Block>,
}

/// An inline node.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Code(String),
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    /// `href` is `None` when the target was unsafe (e.g. `javascript:`): the
    /// content is shown as plain text.
    Link {
        href: Option<String>,
        title: String,
        content: Vec<Inline>,
    },
    /// Images are never loaded: the alt text is shown.
    Image {
        alt: String,
    },
    Break,
    SoftBreak,
    FootnoteRef {
        label: String,
        number: usize,
    },
    /// Inline raw HTML, kept as literal text.
    Html(String),
    /// A glossary term link, added by [`crate::core`]'s glossary transform.
    Term {
        id: String,
        content: Vec<Inline>,
    },
}

/// A heading found in the document.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadingInfo {
    pub level: u8,
    pub id: String,
    pub text: String,
    pub line: usize,
}

/// A link found in the document, with its source line.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkInfo {
    pub href: String,
    pub safe: bool,
    pub line: usize,
}

/// A parsed document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
    pub headings: Vec<HeadingInfo>,
    pub links: Vec<LinkInfo>,
    /// Number of task-list items.
    pub tasks: usize,
}

/// mdBook's anchor rule: lowercase; letters, digits, `-` and `_` kept;
/// whitespace becomes `-`; everything else is dropped.
pub fn slugify(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// Whether an href may become a link: relative references and the http,
/// https and mailto schemes. Browsers ignore ASCII whitespace and control
/// characters inside a scheme (`java\tscript:`), so those are removed before
/// the scheme is read.
pub fn is_safe_href(href: &str) -> bool {
    let cleaned: String =
        href.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase();
    let scheme_end = cleaned.find(':');
    let path_start = cleaned.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (None, _) => true,
        (Some(c), Some(p)) if p < c => true,
        (Some(c), _) => {
            let scheme = &cleaned[..c];
            matches!(scheme, "http" | "https" | "mailto")
        }
    }
}

/// Parse markdown into a [`Doc`].
pub fn parse(source: &str, opts: RenderOptions) -> Doc {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    let line_starts: Vec<usize> = std::iter::once(0).chain(source.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |offset: usize| match line_starts.binary_search(&offset) {
        Ok(i) => i + 1,
        Err(i) => i,
    };

    let mut b = Builder::new(opts);
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        b.line = line_of(range.start);
        b.event(event);
    }
    b.finish()
}

// ----- tree building -------------------------------------------------------

enum Frame {
    Root(Vec<Block>),
    Quote(Vec<Block>),
    List {
        start: Option<u64>,
        items: Vec<Item>,
    },
    Item(Item),
    FootnoteDef {
        label: String,
        blocks: Vec<Block>,
    },
    /// `implicit` marks the paragraph-less content of a tight list item.
    Para {
        inlines: Vec<Inline>,
        line: usize,
        implicit: bool,
    },
    Heading {
        level: u8,
        id: Option<String>,
        inlines: Vec<Inline>,
        line: usize,
    },
    Code {
        lang: Option<String>,
        code: String,
    },
    Table {
        aligns: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        in_head: bool,
    },
    Row(Vec<Vec<Inline>>),
    Cell(Vec<Inline>),
    Span(Vec<Inline>),
    Image {
        alt: String,
    },
    HtmlBlock(String),
}

struct Builder {
    opts: RenderOptions,
    stack: Vec<Frame>,
    line: usize,
    ids: Vec<String>,
    headings: Vec<HeadingInfo>,
    links: Vec<LinkInfo>,
    link_stack: Vec<(Option<String>, String)>,
    footnotes: Vec<String>,
    tasks: usize,
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Plain text of inline content (for heading anchors, search and word counts).
pub fn inline_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    fn walk(inlines: &[Inline], out: &mut String) {
        for i in inlines {
            match i {
                Inline::Text(t) | Inline::Code(t) | Inline::Html(t) => out.push_str(t),
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => walk(c, out),
                Inline::Link { content, .. } | Inline::Term { content, .. } => walk(content, out),
                Inline::Image { alt } => out.push_str(alt),
                Inline::Break | Inline::SoftBreak => out.push(' '),
                Inline::FootnoteRef { .. } => {}
            }
        }
    }
    walk(inlines, &mut out);
    out
}

fn push_text(inlines: &mut Vec<Inline>, text: &str) {
    if let Some(Inline::Text(prev)) = inlines.last_mut() {
        prev.push_str(text);
    } else {
        inlines.push(Inline::Text(text.to_string()));
    }
}

fn parse_directive(inlines: &[Inline], line: usize) -> Option<Block> {
    let [Inline::Text(t)] = inlines else { return None };
    let t = t.trim();
    let inner = t.strip_prefix("{{#")?.strip_suffix("}}")?;
    let mut parts = inner.split_whitespace();
    let name = parts.next()?.to_string();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    Some(Block::Directive { name, args: parts.map(str::to_string).collect(), line })
}

impl Builder {
    fn new(opts: RenderOptions) -> Self {
        Builder {
            opts,
            stack: vec![Frame::Root(Vec::new())],
            line: 1,
            ids: Vec::new(),
            headings: Vec::new(),
            links: Vec::new(),
            link_stack: Vec::new(),
            footnotes: Vec::new(),
            tasks: 0,
        }
    }

    fn footnote_number(&mut self, label: &str) -> usize {
        if let Some(i) = self.footnotes.iter().position(|l| l == label) {
            i + 1
        } else {
            self.footnotes.push(label.to_string());
            self.footnotes.len()
        }
    }

    fn unique_id(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section".to_string() } else { base.to_string() };
        let mut id = base.clone();
        let mut n = 1;
        while self.ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.ids.push(id.clone());
        id
    }

    /// Where inline content goes now; opens an implicit `Plain` inside a
    /// tight list item or a footnote/quote when needed.
    fn inlines(&mut self) -> &mut Vec<Inline> {
        let needs_plain = matches!(
            self.stack.last(),
            Some(Frame::Item(_) | Frame::Root(_) | Frame::Quote(_) | Frame::FootnoteDef { .. })
        );
        if needs_plain {
            let line = self.line;
            self.stack.push(Frame::Para { inlines: Vec::new(), line, implicit: true });
        }
        match self.stack.last_mut() {
            Some(
                Frame::Para { inlines, .. }
                | Frame::Heading { inlines, .. }
                | Frame::Cell(inlines)
                | Frame::Span(inlines),
            ) => inlines,
            _ => unreachable!("an inline container was just pushed"),
        }
    }

    /// Close an implicit plain paragraph, if one is open.
    fn close_plain(&mut self) {
        if let Some(Frame::Para { implicit: true, .. }) = self.stack.last() {
            if let Some(Frame::Para { inlines, .. }) = self.stack.pop() {
                self.push_block(Block::Plain(inlines));
            }
        }
    }

    fn push_block(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some(Frame::Root(v) | Frame::Quote(v) | Frame::FootnoteDef { blocks: v, .. }) => v.push(block),
            Some(Frame::Item(item)) => item.blocks.push(block),
            _ => {
                // Blocks never nest in inline frames in valid event streams.
            }
        }
    }

    fn push_inline(&mut self, inline: Inline) {
        if let Some(Frame::Image { alt }) = self.stack.last_mut() {
            let text = inline_text(std::slice::from_ref(&inline));
            alt.push_str(&text);
            return;
        }
        if let Frame::Code { code, .. } = self.stack.last_mut().expect("root frame") {
            if let Inline::Text(t) = inline {
                code.push_str(&t);
            }
            return;
        }
        if let Some(Frame::HtmlBlock(s)) = self.stack.last_mut() {
            s.push_str(&inline_text(std::slice::from_ref(&inline)));
            return;
        }
        match inline {
            Inline::Text(t) => push_text(self.inlines(), &t),
            other => self.inlines().push(other),
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.push_inline(Inline::Text(t.to_string())),
            Event::Code(t) => self.push_inline(Inline::Code(t.to_string())),
            Event::InlineHtml(t) => self.push_inline(Inline::Html(t.to_string())),
            Event::Html(t) => {
                if let Some(Frame::HtmlBlock(s)) = self.stack.last_mut() {
                    s.push_str(&t);
                } else {
                    self.push_inline(Inline::Html(t.to_string()));
                }
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push_inline(Inline::Code(t.to_string())),
            Event::SoftBreak => self.push_inline(Inline::SoftBreak),
            Event::HardBreak => self.push_inline(Inline::Break),
            Event::Rule => {
                self.close_plain();
                self.push_block(Block::Rule);
            }
            Event::FootnoteReference(label) => {
                let number = self.footnote_number(&label);
                self.push_inline(Inline::FootnoteRef { label: label.to_string(), number });
            }
            Event::TaskListMarker(checked) => {
                if let Some(Frame::Item(item)) = self.stack.last_mut() {
                    item.task = Some(checked);
                    item.task_index = Some(self.tasks);
                    self.tasks += 1;
                } else if let Some(Frame::Para { .. }) = self.stack.last() {
                    // Marker inside a loose item's first paragraph.
                    let len = self.stack.len();
                    if len >= 2 {
                        if let Frame::Item(item) = &mut self.stack[len - 2] {
                            item.task = Some(checked);
                            item.task_index = Some(self.tasks);
                            self.tasks += 1;
                        }
                    }
                }
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let is_inline_tag =
            matches!(tag, Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. });
        if !is_inline_tag {
            self.close_plain();
        }
        let line = self.line;
        match tag {
            Tag::Paragraph => self.stack.push(Frame::Para { inlines: Vec::new(), line, implicit: false }),
            Tag::Heading { level, id, .. } => self.stack.push(Frame::Heading {
                level: level_num(level),
                id: id.map(|s| s.to_string()),
                inlines: Vec::new(),
                line,
            }),
            Tag::BlockQuote(_) => self.stack.push(Frame::Quote(Vec::new())),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        let l = info.split_whitespace().next().unwrap_or("").to_string();
                        (!l.is_empty()).then_some(l)
                    }
                    CodeBlockKind::Indented => None,
                };
                self.stack.push(Frame::Code { lang, code: String::new() });
            }
            Tag::HtmlBlock => self.stack.push(Frame::HtmlBlock(String::new())),
            Tag::List(start) => self.stack.push(Frame::List { start, items: Vec::new() }),
            Tag::Item => self.stack.push(Frame::Item(Item { task: None, task_index: None, blocks: Vec::new() })),
            Tag::FootnoteDefinition(label) => {
                self.stack.push(Frame::FootnoteDef { label: label.to_string(), blocks: Vec::new() })
            }
            Tag::Table(aligns) => self.stack.push(Frame::Table {
                aligns: aligns
                    .into_iter()
                    .map(|a| match a {
                        Alignment::None => Align::None,
                        Alignment::Left => Align::Left,
                        Alignment::Center => Align::Center,
                        Alignment::Right => Align::Right,
                    })
                    .collect(),
                head: Vec::new(),
                rows: Vec::new(),
                in_head: false,
            }),
            Tag::TableHead => {
                if let Some(Frame::Table { in_head, .. }) = self.stack.last_mut() {
                    *in_head = true;
                }
                self.stack.push(Frame::Row(Vec::new()));
            }
            Tag::TableRow => self.stack.push(Frame::Row(Vec::new())),
            Tag::TableCell => self.stack.push(Frame::Cell(Vec::new())),
            Tag::Emphasis => {
                self.ensure_inline_container();
                self.stack.push(Frame::Span(Vec::new()))
            }
            Tag::Strong => {
                self.ensure_inline_container();
                self.stack.push(Frame::Span(Vec::new()))
            }
            Tag::Strikethrough => {
                self.ensure_inline_container();
                self.stack.push(Frame::Span(Vec::new()))
            }
            Tag::Link { dest_url, title, .. } => {
                self.ensure_inline_container();
                let href = dest_url.to_string();
                let safe = is_safe_href(&href);
                self.links.push(LinkInfo { href: href.clone(), safe, line });
                self.link_stack.push((safe.then_some(href), title.to_string()));
                // Link content collects in a Span frame; closed in end().
                self.stack.push(Frame::Span(Vec::new()));
            }
            Tag::Image { .. } => {
                self.ensure_inline_container();
                self.stack.push(Frame::Image { alt: String::new() })
            }
            Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript => {
                // Not enabled; treat their content as a paragraph if ever seen.
                self.stack.push(Frame::Para { inlines: Vec::new(), line, implicit: false });
            }
        }
    }

    fn ensure_inline_container(&mut self) {
        let _ = self.inlines();
    }

    fn end(&mut self, tag: TagEnd) {
        if !matches!(tag, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image) {
            self.close_plain();
        }
        let Some(frame) = self.stack.pop() else { return };
        match (tag, frame) {
            (TagEnd::Paragraph, Frame::Para { inlines, line, .. }) => {
                let directive = if self.opts.directives { parse_directive(&inlines, line) } else { None };
                self.push_block(directive.unwrap_or(Block::Paragraph(inlines)));
            }
            (TagEnd::Heading(_), Frame::Heading { level, id, inlines, line }) => {
                let text = inline_text(&inlines);
                let base = id.unwrap_or_else(|| slugify(&text));
                let id = self.unique_id(&base);
                self.headings.push(HeadingInfo { level, id: id.clone(), text: text.trim().to_string(), line });
                self.push_block(Block::Heading { level, id, content: inlines });
            }
            (TagEnd::BlockQuote(_), Frame::Quote(blocks)) => self.push_block(Block::Quote(blocks)),
            (TagEnd::CodeBlock, Frame::Code { lang, code }) => self.push_block(Block::Code { lang, code }),
            (TagEnd::HtmlBlock, Frame::HtmlBlock(s)) => self.push_block(Block::Html(s)),
            (TagEnd::List(_), Frame::List { start, items }) => self.push_block(Block::List { start, items }),
            (TagEnd::Item, Frame::Item(item)) => {
                if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                    items.push(item);
                }
            }
            (TagEnd::FootnoteDefinition, Frame::FootnoteDef { label, blocks }) => {
                let number = self.footnote_number(&label);
                self.push_block(Block::Footnote { label, number, blocks });
            }
            (TagEnd::TableCell, Frame::Cell(inlines)) => {
                if let Some(Frame::Row(cells)) = self.stack.last_mut() {
                    cells.push(inlines);
                }
            }
            (TagEnd::TableHead, Frame::Row(cells)) => {
                if let Some(Frame::Table { head, in_head, .. }) = self.stack.last_mut() {
                    *head = cells;
                    *in_head = false;
                }
            }
            (TagEnd::TableRow, Frame::Row(cells)) => {
                if let Some(Frame::Table { rows, .. }) = self.stack.last_mut() {
                    rows.push(cells);
                }
            }
            (TagEnd::Table, Frame::Table { aligns, head, rows, .. }) => {
                self.push_block(Block::Table { aligns, head, rows })
            }
            (TagEnd::Emphasis, Frame::Span(inlines)) => self.push_inline(Inline::Emph(inlines)),
            (TagEnd::Strong, Frame::Span(inlines)) => self.push_inline(Inline::Strong(inlines)),
            (TagEnd::Strikethrough, Frame::Span(inlines)) => self.push_inline(Inline::Strike(inlines)),
            (TagEnd::Link, Frame::Span(inlines)) => {
                let (href, title) = self.link_stack.pop().unwrap_or((None, String::new()));
                self.push_inline(Inline::Link { href, title, content: inlines });
            }
            (TagEnd::Image, Frame::Image { alt }) => self.push_inline(Inline::Image { alt }),
            (_, Frame::Para { inlines, .. }) => self.push_block(Block::Paragraph(inlines)),
            (_, other) => {
                // Unexpected pairing: put the frame back rather than lose content.
                self.stack.push(other);
            }
        }
    }

    fn finish(mut self) -> Doc {
        self.close_plain();
        while self.stack.len() > 1 {
            let tag_end = match self.stack.last() {
                Some(Frame::Para { .. }) => TagEnd::Paragraph,
                _ => {
                    self.stack.pop();
                    continue;
                }
            };
            self.end(tag_end);
        }
        let mut blocks = match self.stack.pop() {
            Some(Frame::Root(b)) => b,
            _ => Vec::new(),
        };
        // Footnote definitions go last, in reference order.
        let (mut notes, rest): (Vec<Block>, Vec<Block>) =
            blocks.drain(..).partition(|b| matches!(b, Block::Footnote { .. }));
        notes.sort_by_key(|b| match b {
            Block::Footnote { number, .. } => *number,
            _ => 0,
        });
        let mut blocks = rest;
        blocks.extend(notes);
        Doc { blocks, headings: self.headings, links: self.links, tasks: self.tasks }
    }
}

// ----- HTML output (escaped) -------------------------------------------------

/// Escape text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// How [`to_html`] writes links, glossary terms and task items. The app
/// resolves hrefs against its base path and knows which build serves a
/// route; the build step passes the same answers for each page.
pub struct HtmlOptions<'a> {
    /// Prefix of element ids (task labels), unique per rendered document.
    pub id_prefix: &'a str,
    /// A "copy link" button beside each heading.
    pub heading_links: bool,
    /// Task items are the page's steps (`step-check` boxes the app wires
    /// to progress) instead of disabled boxes.
    pub steps: bool,
    /// An href as it goes into the page (`/quiz` → `/course/quiz`).
    pub resolve: &'a dyn Fn(&str) -> String,
    /// `rel` of an internal link (`external` when another build serves it).
    pub rel: &'a dyn Fn(&str) -> Option<&'static str>,
    /// The plain-text definition of a glossary term, for its tooltip.
    pub term_tip: &'a dyn Fn(&str) -> String,
}

impl Default for HtmlOptions<'_> {
    fn default() -> Self {
        HtmlOptions {
            id_prefix: "",
            heading_links: false,
            steps: false,
            resolve: &|h: &str| h.to_string(),
            rel: &|_: &str| None,
            term_tip: &|_: &str| String::new(),
        }
    }
}

/// Render a document as HTML: the same elements, classes and attributes as
/// the app's renderer (`ui::markdown`), so the app can adopt a page written
/// at build time as if it had rendered it. All text and attribute values
/// are escaped; unsafe links are plain text; raw HTML is shown as text. A
/// directive becomes an empty `directive-slot` for the app to fill.
pub fn to_html(doc: &Doc, opts: &HtmlOptions) -> String {
    let (lead, rest) = to_html_parts(doc, opts, 0);
    lead + &rest
}

/// [`to_html`] cut after the document's first `lead` blocks (fewer when a
/// heading or anything but a paragraph comes first): the opening text a
/// page can show before anything else has loaded, and the rest.
pub fn to_html_parts(doc: &Doc, opts: &HtmlOptions, lead: usize) -> (String, String) {
    let mut w = HtmlWriter { out: String::new(), opts, tables: 0 };
    let lead = doc.blocks.iter().take(lead).take_while(|b| matches!(b, Block::Paragraph(_))).count();
    for b in &doc.blocks[..lead] {
        w.block(b);
    }
    let lead_html = std::mem::take(&mut w.out);
    for b in &doc.blocks[lead..] {
        w.block(b);
    }
    (lead_html, w.out)
}

/// The attribute value of a directive's arguments (`data-args`): JSON.
pub fn directive_args_json(args: &[String]) -> String {
    let mut out = String::from("[");
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in a.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push(']');
    out
}

struct HtmlWriter<'a, 'o> {
    out: String,
    opts: &'a HtmlOptions<'o>,
    tables: usize,
}

impl HtmlWriter<'_, '_> {
    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn text(&mut self, s: &str) {
        self.out.push_str(&escape_html(s));
    }

    /// ` name="value"`, escaped.
    fn attr(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        self.text(value);
        self.out.push('"');
    }

    fn blocks(&mut self, bs: &[Block]) {
        for b in bs {
            self.block(b);
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Heading { level, id, content } => {
                if self.opts.heading_links {
                    self.push("<div class=\"heading-row\">");
                }
                self.push(&format!("<h{level}"));
                self.attr("id", id);
                self.push(">");
                self.inlines(content);
                self.push(&format!("</h{level}>"));
                if self.opts.heading_links {
                    let label = format!("Copy link to section: {}", inline_text(content));
                    self.push("<button type=\"button\" class=\"copy-link\"");
                    self.attr("data-anchor", id);
                    self.attr("aria-label", &label);
                    self.attr("title", &label);
                    self.push(">#</button></div>");
                }
            }
            Block::Paragraph(c) => {
                self.push("<p>");
                self.inlines(c);
                self.push("</p>");
            }
            Block::Plain(c) => self.inlines(c),
            Block::Code { lang, code } => {
                self.push("<div class=\"code-block\"><pre tabindex=\"0\"");
                match lang {
                    Some(l) => self.attr("aria-label", &format!("Code ({l})")),
                    None => self.attr("aria-label", "Code"),
                }
                self.push("><code");
                if let Some(l) = lang {
                    self.attr("class", &format!("language-{l}"));
                }
                self.push(">");
                self.text(code);
                self.push(COPY_CODE_BUTTON);
            }
            Block::Quote(bs) => {
                self.push("<blockquote>");
                self.blocks(bs);
                self.push("</blockquote>");
            }
            Block::List { start, items } => {
                let tag = if start.is_some() { "ol" } else { "ul" };
                self.push(&format!("<{tag}"));
                if items.iter().any(|i| i.task.is_some()) {
                    self.attr("class", "task-list");
                }
                if let Some(n) = start {
                    self.attr("start", &n.to_string());
                }
                self.push(">");
                for item in items {
                    self.item(item);
                }
                self.push(&format!("</{tag}>"));
            }
            Block::Table { aligns, head, rows } => {
                self.tables += 1;
                let columns: Vec<String> =
                    head.iter().map(|c| inline_text(c)).filter(|t| !t.trim().is_empty()).collect();
                let align = |i: usize| table_align(aligns.get(i));
                self.push("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\"");
                self.attr("aria-label", &format!("Table {}: {}", self.tables, columns.join(", ")));
                self.push("><table><thead><tr>");
                for (i, c) in head.iter().enumerate() {
                    // An empty header cell is not a header.
                    let tag = if inline_text(c).trim().is_empty() { "td" } else { "th" };
                    self.push(&format!("<{tag}"));
                    if tag == "th" {
                        self.attr("scope", "col");
                    }
                    if let Some(a) = align(i) {
                        self.attr("class", a);
                    }
                    self.push(">");
                    if tag == "th" {
                        self.inlines(c);
                    }
                    self.push(&format!("</{tag}>"));
                }
                self.push("</tr></thead><tbody>");
                for r in rows {
                    self.push("<tr>");
                    for (i, c) in r.iter().enumerate() {
                        self.push("<td");
                        if let Some(a) = align(i) {
                            self.attr("class", a);
                        }
                        self.push(">");
                        self.inlines(c);
                        self.push("</td>");
                    }
                    self.push("</tr>");
                }
                self.push("</tbody></table></div>");
            }
            Block::Rule => self.push("<hr>"),
            Block::Html(s) => {
                self.push("<p class=\"raw-html\">");
                self.text(s);
                self.push("</p>");
            }
            Block::Directive { name, args, .. } => {
                self.push("<div class=\"directive-slot\"");
                self.attr("data-directive", name);
                self.attr("data-args", &directive_args_json(args));
                self.push("></div>");
            }
            Block::Footnote { label, number, blocks } => {
                self.push("<div class=\"footnote\"");
                self.attr("id", &format!("fn-{}", slugify(label)));
                self.push(&format!("><span class=\"footnote-number\">{number}</span>"));
                self.blocks(blocks);
                self.push("</div>");
            }
        }
    }

    fn item(&mut self, i: &Item) {
        match (i.task, i.task_index) {
            (Some(checked), Some(index)) => {
                let label_id = format!("{}task-{index}", self.opts.id_prefix);
                self.push("<li class=\"task\"><input type=\"checkbox\"");
                if self.opts.steps {
                    self.attr("class", "step-check");
                    self.attr("data-step", &index.to_string());
                } else {
                    self.push(" disabled=\"\"");
                    if checked {
                        self.push(" checked=\"\"");
                    }
                }
                self.attr("aria-labelledby", &label_id);
                self.push("><div class=\"task-body\"");
                self.attr("id", &label_id);
                self.push(">");
                self.blocks(&i.blocks);
                self.push("</div></li>");
            }
            _ => {
                self.push("<li>");
                self.blocks(&i.blocks);
                self.push("</li>");
            }
        }
    }

    fn inlines(&mut self, c: &[Inline]) {
        for i in c {
            self.inline(i);
        }
    }

    fn wrap(&mut self, tag: &str, c: &[Inline]) {
        self.push(&format!("<{tag}>"));
        self.inlines(c);
        self.push(&format!("</{tag}>"));
    }

    fn inline(&mut self, i: &Inline) {
        match i {
            Inline::Text(t) | Inline::Html(t) => self.text(t),
            Inline::Code(t) => {
                self.push("<code>");
                self.text(t);
                self.push("</code>");
            }
            Inline::Emph(c) => self.wrap("em", c),
            Inline::Strong(c) => self.wrap("strong", c),
            Inline::Strike(c) => self.wrap("del", c),
            Inline::Link { href: Some(href), title, content } => {
                let external = href.starts_with("http://") || href.starts_with("https://");
                self.push("<a");
                self.attr("href", &(self.opts.resolve)(href));
                if !title.is_empty() {
                    self.attr("title", title);
                }
                let rel = if external { Some(EXTERNAL_REL) } else { (self.opts.rel)(href) };
                if let Some(rel) = rel {
                    self.attr("rel", rel);
                }
                self.push(">");
                self.inlines(content);
                self.push("</a>");
            }
            Inline::Link { href: None, content, .. } => {
                self.push("<span class=\"unsafe-link\">");
                self.inlines(content);
                self.push("</span>");
            }
            Inline::Term { id, content } => {
                let tip_id = format!("tip-{id}");
                self.push("<span class=\"term-wrap\"><a class=\"term\"");
                self.attr("href", &(self.opts.resolve)(&format!("/glossary#{id}")));
                self.attr("aria-describedby", &tip_id);
                self.push(">");
                self.inlines(content);
                self.push("</a><span class=\"tooltip\" role=\"tooltip\"");
                self.attr("id", &tip_id);
                self.push(">");
                let tip = (self.opts.term_tip)(id);
                self.text(&tip);
                self.push("</span></span>");
            }
            Inline::Image { alt } => {
                self.push("<span class=\"image-alt\">");
                self.text(alt);
                self.push("</span>");
            }
            Inline::Break => self.push("<br>"),
            Inline::SoftBreak => self.push(" "),
            Inline::FootnoteRef { label, number } => {
                self.push("<sup class=\"footnote-ref\"><a");
                self.attr("href", &format!("#fn-{}", slugify(label)));
                self.attr("aria-label", &format!("Footnote {number}"));
                self.push(&format!(">{number}</a></sup>"));
            }
        }
    }
}

/// `rel` of a link that leaves the course.
pub const EXTERNAL_REL: &str = "noopener noreferrer external";

/// The end of a code block: its copy button (the app handles every
/// `copy-code` button on the page with one listener).
const COPY_CODE_BUTTON: &str = "</code></pre><button type=\"button\" class=\"copy-button copy-code\" \
aria-label=\"Copy code\" title=\"Copy code\">Copy</button></div>";

/// A table column's alignment class.
pub fn table_align(a: Option<&Align>) -> Option<&'static str> {
    match a {
        Some(Align::Left) => Some("left"),
        Some(Align::Center) => Some("center"),
        Some(Align::Right) => Some("right"),
        _ => None,
    }
}

/// Plain text of a whole document (search index, word counts).
pub fn plain_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    fn walk(blocks: &[Block], out: &mut String) {
        for b in blocks {
            match b {
                Block::Heading { content, .. } | Block::Paragraph(content) | Block::Plain(content) => {
                    out.push_str(&inline_text(content));
                    out.push('\n');
                }
                Block::Code { code, .. } => {
                    out.push_str(code);
                    out.push('\n');
                }
                Block::Quote(bs) | Block::Footnote { blocks: bs, .. } => walk(bs, out),
                Block::List { items, .. } => {
                    for item in items {
                        walk(&item.blocks, out);
                    }
                }
                Block::Table { head, rows, .. } => {
                    for cell in head.iter().chain(rows.iter().flatten()) {
                        out.push_str(&inline_text(cell));
                        out.push(' ');
                    }
                    out.push('\n');
                }
                Block::Html(s) => {
                    out.push_str(s);
                    out.push('\n');
                }
                Block::Rule | Block::Directive { .. } => {}
            }
        }
    }
    walk(blocks, &mut out);
    out
}

/// Words in a markdown text, as a reader would count them.
pub fn word_count(source: &str) -> usize {
    let doc = parse(source, RenderOptions::default());
    plain_text(&doc.blocks).split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}
