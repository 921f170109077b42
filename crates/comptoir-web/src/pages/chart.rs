//! Charts drawn on the server as SVG: numbers people would rather see than read, with the
//! same numbers in a table beside them for those who read them.

/// Where a bar chart is drawn, in SVG user units; it scales to its container.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 84.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 12.0;

/// One bar of a group, drawn over the wider ones before it (a best case, the weighted part of
/// it, the committed part of that).
pub struct Layer {
    pub class: &'static str,
    pub y: f64,
    pub height: f64,
    /// What a pointer over it says.
    pub title: String,
}

pub struct BarGroup {
    pub x: f64,
    pub width: f64,
    pub label_x: f64,
    pub label: String,
    pub layers: Vec<Layer>,
}

pub struct Tick {
    pub y: f64,
    pub label: String,
}

/// A bar chart: a group of nested bars per period, and a scale.
pub struct BarChart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub baseline: f64,
    pub groups: Vec<BarGroup>,
    pub ticks: Vec<Tick>,
}

/// One period: its label, and its values from the largest (drawn first) to the smallest, each
/// with its class and what it says.
pub struct Period {
    pub label: String,
    pub values: Vec<(&'static str, i64, String)>,
}

impl BarChart {
    /// A chart of `periods`; `tick_label` writes a value of the scale.
    pub fn nested(periods: Vec<Period>, tick_label: impl Fn(i64) -> String) -> BarChart {
        let top_value = periods.iter().flat_map(|p| p.values.iter().map(|v| v.1)).max().unwrap_or(0).max(1);
        let step = nice_step(top_value);
        let scale_top = step * ((top_value + step - 1) / step);
        let baseline = HEIGHT - BOTTOM;
        let plot = baseline - TOP;
        let y_of = |value: i64| baseline - plot * (value.max(0) as f64) / (scale_top as f64);
        let slot = (WIDTH - LEFT) / (periods.len().max(1) as f64);
        let groups = periods
            .into_iter()
            .enumerate()
            .map(|(i, period)| {
                let x = LEFT + slot * i as f64 + slot * 0.15;
                let width = slot * 0.7;
                let layers = period
                    .values
                    .into_iter()
                    .map(|(class, value, title)| Layer {
                        class,
                        y: y_of(value),
                        height: baseline - y_of(value),
                        title,
                    })
                    .collect();
                BarGroup { x, width, label_x: x + width / 2.0, label: period.label, layers }
            })
            .collect();
        let ticks =
            (0..=scale_top / step).map(|k| Tick { y: y_of(k * step), label: tick_label(k * step) }).collect();
        BarChart { width: WIDTH, height: HEIGHT, left: LEFT, baseline, groups, ticks }
    }
}

/// A round step for a scale reaching `top` in about four steps: 1, 2 or 5 times a power of ten.
fn nice_step(top: i64) -> i64 {
    let rough = (top as f64 / 4.0).max(1.0);
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|s| *s >= rough).unwrap_or(rough);
    step as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_step_by_round_numbers_and_bars_stand_on_the_baseline() {
        assert_eq!(nice_step(1_000), 500);
        assert_eq!(nice_step(2_333_300), 1_000_000);
        assert_eq!(nice_step(1), 1);
        let chart = BarChart::nested(
            vec![
                Period {
                    label: "a".into(),
                    values: vec![("best", 100, String::new()), ("weighted", 50, String::new())],
                },
                Period { label: "b".into(), values: vec![("best", 0, String::new())] },
            ],
            |v| v.to_string(),
        );
        let labels: Vec<&str> = chart.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "50", "100"]);
        let a = &chart.groups[0].layers;
        assert!((a[0].y + a[0].height - chart.baseline).abs() < 1e-9);
        assert!((a[1].height * 2.0 - a[0].height).abs() < 1e-9, "half the value, half the height");
        assert_eq!(chart.groups[1].layers[0].height, 0.0);
    }
}
