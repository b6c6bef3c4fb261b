//! A small SVG line chart for the simulators: series over minutes (or
//! seconds), gaps where a value is missing, a dashed threshold series,
//! vertical markers (step boundaries, rollback), axis ticks, a legend in
//! text, and a title and description for screen readers.

use leptos::prelude::*;

/// One line.
#[derive(Clone, PartialEq)]
pub struct Series {
    pub label: String,
    /// CSS class that colours it (`stable`, `canary`, `threshold`, …).
    pub class: &'static str,
    pub points: Vec<(f64, Option<f64>)>,
    pub dashed: bool,
}

/// A vertical marker at an x value.
#[derive(Clone, PartialEq)]
pub struct Marker {
    pub x: f64,
    pub label: String,
    pub class: &'static str,
}

/// How a chart writes its y values.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum YFormat {
    /// A fraction shown as a percentage (0.012 → "1.2 %").
    Fraction,
    /// Already a percentage (25 → "25 %").
    Percent,
    /// Milliseconds.
    Ms,
    /// A plain count, with thousands shortened (12000 → "12k").
    Count,
}

impl YFormat {
    /// Write `v` for an axis label whose ticks are `step` apart, with the
    /// decimals the step needs (no "2 %" on a 1.5 % gridline).
    pub fn format(self, v: f64, step: f64) -> String {
        use crate::core::num::decimals_for;
        match self {
            YFormat::Fraction => {
                let d = decimals_for(step * 100.0);
                format!("{:.*} %", d, v * 100.0)
            }
            YFormat::Percent => format!("{:.*} %", decimals_for(step), v),
            // Long waits (replica lag, locks) read better in seconds.
            YFormat::Ms if step >= 1000.0 => format!("{:.*} s", decimals_for(step / 1000.0), v / 1000.0),
            YFormat::Ms => format!("{:.*} ms", decimals_for(step), v),
            YFormat::Count => {
                let (div, unit) = if step >= 1e9 {
                    (1e9, "G")
                } else if step >= 1e6 {
                    (1e6, "M")
                } else if step >= 1e3 {
                    (1e3, "k")
                } else {
                    (1.0, "")
                };
                format!("{:.*}{unit}", decimals_for(step / div), v / div)
            }
        }
    }
}

/// Everything a chart draws.
#[derive(Clone, PartialEq)]
pub struct ChartData {
    pub series: Vec<Series>,
    pub markers: Vec<Marker>,
    pub x_max: f64,
    /// Lowest y shown (usually 0).
    pub y_min: f64,
    /// How y values are written on the axis.
    pub y_fmt: YFormat,
    /// The x axis unit, e.g. "min".
    pub x_unit: &'static str,
}

const W: f64 = 600.0;
const H: f64 = 200.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;

fn nice_max(v: f64) -> f64 {
    if !(v.is_finite()) || v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if v <= m * mag {
            return m * mag;
        }
    }
    10.0 * mag
}

/// SVG path data for a series, broken where values are missing.
pub fn path(points: &[(f64, Option<f64>)], sx: impl Fn(f64) -> f64, sy: impl Fn(f64) -> f64) -> String {
    let mut d = String::with_capacity(points.len() * 14);
    let mut pen_down = false;
    for (x, y) in points {
        match y {
            Some(y) if y.is_finite() => {
                d.push(if pen_down { 'L' } else { 'M' });
                d.push_str(&format!("{:.1},{:.1}", sx(*x), sy(*y)));
                pen_down = true;
            }
            _ => pen_down = false,
        }
    }
    d
}

/// A line chart. `title` names it; `summary` describes its current state in
/// words for screen readers.
#[component]
pub fn LineChart(
    #[prop(into)] id: String,
    #[prop(into)] title: String,
    #[prop(into)] summary: Signal<String>,
    #[prop(into)] data: Signal<ChartData>,
) -> impl IntoView {
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled = format!("{title_id} {desc_id}");
    let body = move || {
        data.with(|d| {
            // Nothing measured yet: no axes (an empty chart's axes would read
            // 0–400 % or 0–4 ms, numbers nothing measured), just the frame.
            let measured = d.series.iter().any(|s| s.points.iter().any(|(_, y)| y.is_some_and(f64::is_finite)));
            if !measured {
                return view! {
                    <text class="chart-empty" x=W / 2.0 y=H / 2.0 text-anchor="middle">"No data yet"</text>
                }
                .into_any();
            }
            let y_max_raw = d
                .series
                .iter()
                .flat_map(|s| s.points.iter().filter_map(|(_, y)| *y))
                .filter(|y| y.is_finite())
                .fold(d.y_min, f64::max);
            let (span, y_step) = crate::core::num::axis((y_max_raw - d.y_min) * 1.08, 4);
            // A share of traffic never needs an axis beyond 100 %.
            let (span, y_step) =
                if d.y_fmt == YFormat::Percent && y_max_raw <= 100.0 && d.y_min + span > 100.0 && d.y_min == 0.0 {
                    (100.0, 25.0)
                } else {
                    (span, y_step)
                };
            let y_max = d.y_min + span;
            let x_max = d.x_max.max(1.0);
            let sx = move |x: f64| LEFT + (x / x_max) * (W - LEFT - RIGHT);
            let sy = move |y: f64| H - BOTTOM - ((y - d.y_min) / (y_max - d.y_min)) * (H - TOP - BOTTOM);
            let grid = (0..=4)
                .map(|i| {
                    let v = d.y_min + (y_max - d.y_min) * f64::from(i) / 4.0;
                    let y = sy(v);
                    view! {
                        <g class="grid">
                            <line x1=LEFT x2=W - RIGHT y1=y y2=y />
                            <text x=LEFT - 6.0 y=y + 4.0 text-anchor="end">{d.y_fmt.format(v, y_step)}</text>
                        </g>
                    }
                })
                .collect::<Vec<_>>();
            let step = nice_max(x_max / 6.0).max(1.0);
            let last_tick = (x_max / step) as usize;
            let x_ticks = (0..=last_tick)
                .map(|i| {
                    let x = i as f64 * step;
                    // The unit goes with the last tick ("40 min"), inside the chart.
                    let (label, anchor) = if i == last_tick && i > 0 {
                        (format!("{} {}", x as u64, d.x_unit), "end")
                    } else {
                        (format!("{}", x as u64), if i == 0 { "start" } else { "middle" })
                    };
                    let at = if anchor == "end" { sx(x).min(W - RIGHT) } else { sx(x) };
                    view! {
                        <text class="x-tick" x=at y=H - 8.0 text-anchor=anchor>{label}</text>
                    }
                })
                .collect::<Vec<_>>();
            let markers = d
                .markers
                .iter()
                .map(|m| {
                    let x = sx(m.x);
                    view! {
                        <g class=format!("marker {}", m.class)>
                            <line x1=x x2=x y1=TOP y2=H - BOTTOM />
                            <title>{m.label.clone()}</title>
                        </g>
                    }
                })
                .collect::<Vec<_>>();
            let lines = d
                .series
                .iter()
                .map(|s| {
                    view! {
                        <path class=format!("series {}", s.class) class:dashed=s.dashed d=path(&s.points, sx, sy) />
                    }
                })
                .collect::<Vec<_>>();
            view! {
                {grid}
                {x_ticks}
                {markers}
                {lines}
            }
            .into_any()
        })
    };
    let legend = move || {
        data.with(|d| {
            d.series
                .iter()
                .map(|s| {
                    view! {
                        <li>
                            <span class=format!("swatch {}", s.class) class:dashed=s.dashed aria-hidden="true"></span>
                            {s.label.clone()}
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <figure class="chart" id=id.clone()>
            <figcaption>
                <span class="chart-title">{title.clone()}</span>
                <ul class="legend">{legend}</ul>
            </figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby=labelled>
                <title id=title_id>{title}</title>
                <desc id=desc_id>{move || summary.get()}</desc>
                {body}
            </svg>
        </figure>
    }
}
