//! The performance budgets `cargo xtask bench` holds the product to: each measured figure
//! against its limit, and the verdict. A budget with no measurement fails too, so a benchmark
//! that stops producing a figure cannot pass by silence.

/// One budget: what is measured, its limit, and the unit both are in.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub name: &'static str,
    pub limit: f64,
    pub unit: &'static str,
    pub measured: Option<f64>,
}

/// Each budget the product has; the benchmark fills in `measured`.
pub fn all() -> Vec<Budget> {
    let budget = |name, limit, unit| Budget {
        name,
        limit,
        unit,
        measured: None,
    };
    vec![
        budget(BUNDLE_GZIP, 80_000.0, "B"),
        budget(CUSTOMER_PAGE_GZIP, 100_000.0, "B"),
        budget(LONGEST_TASK, 5.0, "ms"),
        budget(FIRST_CLICK_WAVES, 3.0, "waves"),
        budget(REPEAT_CLICK_WAVES, 2.0, "waves"),
        budget(JOIN_TO_FRAME, 200.0, "ms"),
    ]
}

pub const BUNDLE_GZIP: &str = "plugin bundle, gzip -9";
pub const CUSTOMER_PAGE_GZIP: &str =
    "customer page total transfer, gzip (as a twilio-mode host serves it)";
pub const LONGEST_TASK: &str = "longest main-thread task of our plugin's start-up (median)";
pub const FIRST_CLICK_WAVES: &str = "generate-unique-code, sequential Twilio waves, first click";
pub const REPEAT_CLICK_WAVES: &str = "generate-unique-code, sequential Twilio waves, repeat click";
pub const JOIN_TO_FRAME: &str = "Join → first remote frame (median, loopback)";

/// Records `value` as the measurement of the budget called `name`; false when there is none.
pub fn measure(budgets: &mut [Budget], name: &str, value: f64) -> bool {
    match budgets.iter_mut().find(|b| b.name == name) {
        Some(b) => {
            b.measured = Some(value);
            true
        }
        None => false,
    }
}

/// The budgets that do not hold, each as a line saying why.
pub fn breaches(budgets: &[Budget]) -> Vec<String> {
    budgets
        .iter()
        .filter_map(|b| match b.measured {
            None => Some(format!("{}: not measured", b.name)),
            Some(v) if v.is_nan() || v > b.limit => Some(format!(
                "{}: {} {}, over the budget of {} {}",
                b.name,
                number(v),
                b.unit,
                number(b.limit),
                b.unit
            )),
            Some(_) => None,
        })
        .collect()
}

/// The table `cargo xtask bench` prints.
pub fn table(budgets: &[Budget]) -> String {
    let width = budgets
        .iter()
        .map(|b| b.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::from("\n== budgets ==\n");
    for b in budgets {
        let (measured, verdict) = match b.measured {
            None => ("—".to_string(), "NOT MEASURED"),
            Some(v) if v.is_nan() || v > b.limit => (number(v), "OVER"),
            Some(v) => (number(v), "ok"),
        };
        out.push_str(&format!(
            "{:<width$}  {:>10} {:<5} ≤ {:>8} {:<5} {verdict}\n",
            b.name,
            measured,
            b.unit,
            number(b.limit),
            b.unit
        ));
    }
    out
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(values: &[(&str, f64)]) -> Vec<Budget> {
        let mut b = all();
        for (name, v) in values {
            assert!(measure(&mut b, name, *v), "{name} is a budget");
        }
        b
    }

    fn everything_at(factor: f64) -> Vec<Budget> {
        let mut b = all();
        for x in &mut b {
            x.measured = Some(x.limit * factor);
        }
        b
    }

    #[test]
    fn a_figure_at_its_limit_holds_and_one_past_it_does_not() {
        assert!(breaches(&everything_at(1.0)).is_empty());
        assert!(breaches(&everything_at(0.5)).is_empty());
        let over = breaches(&everything_at(1.01));
        assert_eq!(over.len(), all().len());
        let mut b = everything_at(1.0);
        b[2].measured = Some(5.1);
        assert_eq!(
            breaches(&b),
            vec![format!("{LONGEST_TASK}: 5.1 ms, over the budget of 5 ms")]
        );
    }

    #[test]
    fn a_budget_nobody_measured_fails() {
        let b = measured(&[(BUNDLE_GZIP, 70_000.0)]);
        let out = breaches(&b);
        assert_eq!(out.len(), all().len() - 1);
        assert!(out.contains(&format!("{JOIN_TO_FRAME}: not measured")));
        assert!(!out.iter().any(|l| l.starts_with(BUNDLE_GZIP)));
        let mut nan = everything_at(1.0);
        nan[0].measured = Some(f64::NAN);
        assert_eq!(breaches(&nan).len(), 1, "NaN is never within a budget");
    }

    #[test]
    fn only_known_budgets_can_be_measured() {
        let mut b = all();
        assert!(!measure(&mut b, "something else", 1.0));
        assert!(b.iter().all(|x| x.measured.is_none()));
    }

    #[test]
    fn the_table_shows_each_verdict() {
        let mut b = everything_at(1.0);
        b[0].measured = Some(115_298.0);
        b[1].measured = None;
        let t = table(&b);
        assert!(t.contains("115298 B     ≤    80000 B     OVER"), "{t}");
        assert!(t.contains("NOT MEASURED"), "{t}");
        assert_eq!(t.matches(" ok\n").count(), all().len() - 2, "{t}");
    }
}
