//! Tera filters for number and date display. Formatting only; no business
//! math: `health_band` names the band `analyze::health::band` decides.

use tera::{Kwargs, State, Tera, TeraResult, Value};

pub fn register(tera: &mut Tera) {
    tera.register_filter("money", money);
    tera.register_filter("pct", pct);
    tera.register_filter("num", num);
    tera.register_filter("signed", signed);
    tera.register_filter("plain", plain_filter);
    tera.register_filter("count", count);
    tera.register_filter("health_band", health_band);
}

/// `score | health_band`: `good`, `fair` or `poor` (analyze::health::band).
fn health_band(v: Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(v.as_f64().map(crate::analyze::health::band).unwrap_or("").to_string())
}

/// A count with its noun in agreement: `1 | count(one="account")` is
/// "1 account", `2 | count(one="account")` "2 accounts"; `many` names an
/// irregular plural.
fn count(v: Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let n = v.as_f64().unwrap_or(0.0);
    let one = kwargs.get::<String>("one")?.unwrap_or_default();
    let many = kwargs.get::<String>("many")?.unwrap_or_else(|| format!("{one}s"));
    let word = if n == 1.0 { one } else { many };
    Ok(format!("{} {word}", group_thousands(n, 0)).trim_end().to_string())
}

const DASH: &str = "–";

/// Thousands separators: 4200000 -> "4,200,000"; `compact=true` -> "4.2 M".
fn money(v: Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let Some(x) = v.as_f64() else {
        return Ok(DASH.into());
    };
    if kwargs.get::<bool>("compact")?.unwrap_or(false) {
        return Ok(compact(x));
    }
    Ok(group_thousands(x, 0))
}

/// A fraction as a percentage: 0.314 -> "31 %"; `decimals=1` -> "31.4 %".
fn pct(v: Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let Some(x) = v.as_f64() else {
        return Ok(DASH.into());
    };
    let decimals = kwargs.get::<usize>("decimals")?.unwrap_or(0);
    // A share that rounds to zero is 0, never "-0.0 %".
    let r = round_half_up(x * 100.0, decimals) + 0.0;
    let r = if r == 0.0 { 0.0 } else { r };
    Ok(format!("{:.*} %", decimals, r))
}

/// Round as people do by hand: 12.5 -> 13 (`format!` would give 12, rounding
/// half to even). The nudge absorbs binary error such as 0.145 * 100 = 14.4999...
fn round_half_up(x: f64, decimals: usize) -> f64 {
    let scale = 10f64.powi(decimals.min(15) as i32);
    let scaled = x * scale;
    (scaled + scaled.signum() * 1e-9).round() / scale
}

/// A number with fixed decimals (default 1) and thousands separators.
fn num(v: Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let Some(x) = v.as_f64() else {
        return Ok(DASH.into());
    };
    let decimals = kwargs.get::<usize>("decimals")?.unwrap_or(1);
    Ok(group_thousands(x, decimals))
}

/// A stance or delta with its sign: 2 -> "+2", -1 -> "−1", 0 -> "0".
fn signed(v: Value, _: Kwargs, _: &State) -> TeraResult<String> {
    let Some(x) = v.as_f64() else {
        return Ok(DASH.into());
    };
    let s = if x.fract() == 0.0 {
        format!("{}", x.abs() as i64)
    } else {
        format!("{:.1}", x.abs())
    };
    Ok(if x > 0.0 {
        format!("+{s}")
    } else if x < 0.0 {
        format!("−{s}")
    } else {
        s
    })
}

/// A measured value as people write it (KPIs): 62, 1.78, 97.4, 4,200.
fn plain_filter(v: Value, _: Kwargs, _: &State) -> TeraResult<String> {
    Ok(v.as_f64().map(plain).unwrap_or_else(|| DASH.into()))
}

/// Up to two decimals, trailing zeros dropped, thousands grouped.
pub fn plain(x: f64) -> String {
    if !x.is_finite() {
        return DASH.into();
    }
    let s = group_thousands(x, 2);
    match s.contains('.') {
        true => s.trim_end_matches('0').trim_end_matches('.').to_string(),
        false => s,
    }
}

/// `format!("{:.*}", decimals, x)`, with whole numbers written as integers:
/// the general path takes a slow exact algorithm for large values, and
/// money amounts are mostly whole.
fn fixed(x: f64, decimals: usize) -> String {
    // Exact below 2^53; `round_ties_even` rounds as `{:.0}` does.
    if x.is_finite() && x.abs() < 9.0e15 && (decimals == 0 || x.fract() == 0.0) {
        let whole = x.round_ties_even();
        if whole != 0.0 || x.is_sign_positive() {
            let mut s = (whole as i64).to_string();
            if decimals > 0 {
                s.push('.');
                s.extend(std::iter::repeat_n('0', decimals));
            }
            return s;
        }
    }
    format!("{:.*}", decimals, x)
}

pub fn compact(x: f64) -> String {
    let a = x.abs();
    // A value that prints as zero has no sign.
    let sign = if x < 0.0 && a >= 0.5 { "-" } else { "" };
    if a >= 1e9 {
        format!("{sign}{:.1} B", a / 1e9)
    } else if a >= 1e6 {
        format!("{sign}{:.1} M", a / 1e6)
    } else if a >= 1e3 {
        format!("{sign}{:.0} k", a / 1e3)
    } else {
        format!("{sign}{a:.0}")
    }
}

pub fn group_thousands(x: f64, decimals: usize) -> String {
    let s = fixed(x.abs(), decimals);
    let (int_part, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let mut out = String::with_capacity(s.len() + 4);
    if x < 0.0 && s.bytes().any(|b| b != b'0' && b != b'.') {
        out.push('-');
    }
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_matches_format() {
        for x in [
            0.0,
            0.4,
            0.5,
            1.5,
            2.5,
            12.0,
            999.5,
            4_213_551.0,
            4_213_551.5,
            4_213_552.5,
            1e15,
            0.125,
            2.71,
        ] {
            for d in 0..3 {
                assert_eq!(fixed(x, d), format!("{:.*}", d, x), "{x} with {d} decimals");
            }
        }
    }

    fn render(template: &str, ctx: &tera::Context) -> String {
        let mut tera = Tera::new();
        register(&mut tera);
        tera.add_raw_template("t", template).unwrap();
        tera.render("t", ctx).unwrap()
    }

    #[test]
    fn a_share_that_rounds_to_zero_has_no_sign() {
        let mut ctx = tera::Context::new();
        ctx.insert("tiny", &-0.000_01);
        ctx.insert("zero", &-0.0);
        ctx.insert("loss", &-0.123);
        assert_eq!(
            render(
                "{{ tiny | pct(decimals=1) }}|{{ zero | pct }}|{{ loss | pct(decimals=1) }}",
                &ctx
            ),
            "0.0 %|0 %|-12.3 %"
        );
        assert_eq!(compact(-0.2), "0");
        assert_eq!(compact(-2e6), "-2.0 M");
        assert_eq!(group_thousands(-0.04, 1), "0.0");
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        let mut ctx = tera::Context::new();
        for (n, want) in [
            (0, "0 active key accounts"),
            (1, "1 active key account"),
            (2, "2 active key accounts"),
        ] {
            ctx.insert("n", &n);
            assert_eq!(render(r#"{{ n | count(one="active key account") }}"#, &ctx), want);
        }
        ctx.insert("n", &1);
        assert_eq!(
            render(r#"{{ n | count(one="entry", many="entries") }}"#, &ctx),
            "1 entry"
        );
        ctx.insert("n", &1200);
        assert_eq!(
            render(r#"{{ n | count(one="entry", many="entries") }}"#, &ctx),
            "1,200 entries"
        );
    }

    #[test]
    fn formats() {
        assert_eq!(group_thousands(4_200_000.0, 0), "4,200,000");
        assert_eq!(group_thousands(-1234.5, 1), "-1,234.5");
        assert_eq!(group_thousands(999.0, 0), "999");
        assert_eq!(compact(4_200_000.0), "4.2 M");
        assert_eq!(compact(350_000.0), "350 k");
        assert_eq!(compact(12.0), "12");
        assert_eq!(plain(62.0), "62");
        assert_eq!(plain(1.78), "1.78");
        assert_eq!(plain(97.40), "97.4");
        assert_eq!(plain(-1234.5), "-1,234.5");
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(round_half_up(12.5, 0), 13.0);
        assert_eq!(round_half_up(0.145 * 100.0, 0), 15.0);
        assert_eq!(round_half_up(200.0 / 3.0, 0), 67.0);
        assert_eq!(round_half_up(100.0 / 3.0, 1), 33.3);
        assert_eq!(round_half_up(-12.5, 0), -13.0);
        assert_eq!(round_half_up(0.0, 0), 0.0);
    }
}
