//! Revenue concentration: the Pareto curve and the top-20 % share.

use serde::Serialize;

#[derive(Debug, Default, Serialize, Clone, PartialEq)]
pub struct Pareto {
    /// Accounts with revenue, largest first.
    pub accounts: usize,
    pub total: f64,
    /// `(share of accounts, cumulative share of revenue)`, starting at (0, 0).
    pub points: Vec<(f64, f64)>,
    /// The top 20 % of accounts, rounded up.
    pub top20_count: usize,
    pub top20_share: Option<f64>,
}

/// Build the curve from each account's revenue. Accounts without revenue (or
/// with zero) are not part of the curve.
pub fn curve(revenues: impl Iterator<Item = f64>) -> Pareto {
    let mut rev: Vec<f64> = revenues.filter(|r| *r > 0.0 && r.is_finite()).collect();
    rev.sort_by(|a, b| b.total_cmp(a));
    let n = rev.len();
    let total: f64 = rev.iter().sum();
    if n == 0 || total <= 0.0 {
        return Pareto::default();
    }
    let mut points = Vec::with_capacity(n + 1);
    points.push((0.0, 0.0));
    let mut cum = 0.0;
    for (i, r) in rev.iter().enumerate() {
        cum += r;
        points.push(((i + 1) as f64 / n as f64, cum / total));
    }
    let top20_count = (n as f64 * 0.2).ceil() as usize;
    let top20_share = rev.iter().take(top20_count).sum::<f64>() / total;
    Pareto {
        accounts: n,
        total,
        points,
        top20_count,
        top20_share: Some(top20_share),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_fifth_share() {
        // 10 accounts: two of 40 each, eight of 2.5 each -> top 20 % (2) hold 80 %.
        let mut v = vec![40.0, 40.0];
        v.extend(std::iter::repeat_n(2.5, 8));
        let p = curve(v.into_iter());
        assert_eq!(p.accounts, 10);
        assert_eq!(p.top20_count, 2);
        assert!((p.top20_share.unwrap() - 0.8).abs() < 1e-12);
        assert_eq!(p.points.first(), Some(&(0.0, 0.0)));
        let last = p.points.last().unwrap();
        assert!((last.0 - 1.0).abs() < 1e-12 && (last.1 - 1.0).abs() < 1e-12);
        // Monotone.
        assert!(p.points.windows(2).all(|w| w[1].1 >= w[0].1));
    }

    #[test]
    fn rounds_top_fifth_up_and_ignores_zero() {
        let p = curve([5.0, 3.0, 2.0, 0.0].into_iter());
        assert_eq!(p.accounts, 3);
        assert_eq!(p.top20_count, 1); // ceil(0.6)
        assert!((p.top20_share.unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(curve(std::iter::empty()), Pareto::default());
    }
}
